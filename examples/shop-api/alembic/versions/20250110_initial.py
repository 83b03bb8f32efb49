"""initial schema

Revision ID: 20250110_initial
Create Date: 2025-01-10 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "20250110_initial"
down_revision = None


def upgrade() -> None:
    op.create_table("users", sa.Column("id", sa.Integer, primary_key=True), sa.Column("email", sa.String(255)))
    op.create_table("products", sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(200)))


def downgrade() -> None:
    raise NotImplementedError("initial snapshot cannot be reverted")
