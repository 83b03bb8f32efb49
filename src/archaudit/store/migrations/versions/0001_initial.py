"""The first history schema: repositories, audits, findings, occurrences, scores.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "repositories",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("identity", sa.String(600), nullable=False, unique=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "audits",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("repository_id", sa.Integer, sa.ForeignKey("repositories.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tool_version", sa.String(40), nullable=False),
        sa.Column("fingerprint_scheme", sa.Integer, nullable=False),
        sa.Column("commit", sa.String(64), nullable=True),
        sa.Column("branch", sa.String(255), nullable=True),
        sa.Column("git_note", sa.String(200), nullable=False),
        sa.Column("root_name", sa.String(255), nullable=False),
        sa.Column("config", sa.JSON, nullable=False),
        sa.Column("coverage", sa.JSON, nullable=False),
        sa.Column("findings_count", sa.Integer, nullable=False),
    )
    op.create_index("ix_audits_repository", "audits", ["repository_id", "id"])
    op.create_index("ix_audits_commit", "audits", ["repository_id", "commit"])
    op.create_table(
        "findings",
        sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("fingerprint", sa.String(32), primary_key=True),
        sa.Column("rule", sa.String(32), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("axis", sa.String(40), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("line", sa.Integer, nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("occurrences", sa.Integer, nullable=False),
    )
    op.create_index("ix_findings_fingerprint", "findings", ["fingerprint"])
    op.create_table(
        "occurrences",
        sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("fingerprint", sa.String(32), primary_key=True),
        sa.Column("finding", sa.String(32), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("line", sa.Integer, nullable=False),
    )
    op.create_table(
        "scores",
        sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("axis", sa.String(40), primary_key=True),
        sa.Column("score", sa.Float, nullable=True),
    )


def downgrade() -> None:
    for table in ("scores", "occurrences", "findings", "audits", "repositories"):
        op.drop_table(table)
