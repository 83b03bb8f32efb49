"""orders

Revision ID: 20250305_orders
Create Date: 2025-03-05 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "20250305_orders"
down_revision = "20250110_initial"


def upgrade() -> None:
    op.create_table("orders", sa.Column("id", sa.Integer, primary_key=True), sa.Column("user_id", sa.Integer))


def downgrade() -> None:
    op.drop_table("orders")
