"""product stock

Revision ID: 20250201_stock
Create Date: 2025-02-01 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "20250201_stock"
down_revision = "20250305_orders"


def upgrade() -> None:
    op.add_column("products", sa.Column("stock", sa.Integer, server_default="0"))


def downgrade() -> None:
    pass
