"""The history's tables, declared once with SQLAlchemy Core (the Alembic migrations create the same).

repositories   one row per repository identity (its `origin` remote URL, else its absolute path)
audits         one row per recorded audit: when, which tool version and fingerprint scheme, the git
               commit and branch, the configuration used and the coverage summary
findings       the audit's findings by fingerprint: rule, severity, axis, first place, title, message
occurrences    every place of every finding, by occurrence fingerprint
scores         the audit's 0-10 score per axis (NULL: the axis was not evaluated)
"""

from __future__ import annotations

import sqlalchemy as sa

# The newest migration (store/migrations/versions); a database at this revision needs no Alembic run.
HEAD_REVISION = "0001"

metadata = sa.MetaData()

repositories = sa.Table(
    "repositories", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("identity", sa.String(600), nullable=False, unique=True),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

audits = sa.Table(
    "audits", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("repository_id", sa.Integer, sa.ForeignKey("repositories.id", ondelete="CASCADE"), nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("tool_version", sa.String(40), nullable=False),
    sa.Column("fingerprint_scheme", sa.Integer, nullable=False),
    sa.Column("commit", sa.String(64), nullable=True),
    sa.Column("branch", sa.String(255), nullable=True),
    sa.Column("git_note", sa.String(200), nullable=False, default=""),
    sa.Column("root_name", sa.String(255), nullable=False),
    sa.Column("config", sa.JSON, nullable=False),
    sa.Column("coverage", sa.JSON, nullable=False),
    sa.Column("findings_count", sa.Integer, nullable=False),
    sa.Index("ix_audits_repository", "repository_id", "id"),
    sa.Index("ix_audits_commit", "repository_id", "commit"),
)

findings = sa.Table(
    "findings", metadata,
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
    sa.Index("ix_findings_fingerprint", "fingerprint"),
)

occurrences = sa.Table(
    "occurrences", metadata,
    sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("fingerprint", sa.String(32), primary_key=True),
    sa.Column("finding", sa.String(32), nullable=False),  # the finding's fingerprint in the same audit
    sa.Column("path", sa.String(1000), nullable=False),
    sa.Column("line", sa.Integer, nullable=False),
)

scores = sa.Table(
    "scores", metadata,
    sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("axis", sa.String(40), primary_key=True),
    sa.Column("score", sa.Float, nullable=True),
)
