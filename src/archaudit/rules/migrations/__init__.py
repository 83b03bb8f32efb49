"""Database migrations (scored under reproducibility): reversible, ordered, single head?"""

from archaudit.rules.base import Rule
from archaudit.rules.migrations import (
    create_all_with_alembic,
    create_all_without_migrations,
    date_order,
    irreversible_downgrade,
    missing_down_revision,
    multiple_heads,
    noop_downgrade,
)

RULES: list[Rule] = [
    noop_downgrade.RULE,
    irreversible_downgrade.RULE,
    date_order.RULE,
    multiple_heads.RULE,
    missing_down_revision.RULE,
    create_all_with_alembic.RULE,
    create_all_without_migrations.RULE,
]
