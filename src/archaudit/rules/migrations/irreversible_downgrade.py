"""MIG002 irreversible-downgrade."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.data.migrations import find_migrations
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.context import WITH_MIGRATIONS
from archaudit.rules.base import Rule


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at the `downgrade()` of every Alembic revision script and reports the ones that only raise
    NotImplementedError: the revision is declared irreversible."""
    for m in repo.derived(find_migrations):
        if m.downgrade == "not-implemented":
            yield Hit(m.path, m.downgrade_line,
                      Message("Revision {revision} cannot be rolled back: its downgrade() raises "
                              "NotImplementedError.",
                              revision=m.revision),
                      key=m.revision)


RULE = Rule(
    id="MIG002",
    name="irreversible-downgrade",
    axis=Axis.REPRODUCIBILITY,
    severity=Severity.LOW,
    title="Alembic revision declared irreversible",
    impact="A deployment that includes this revision cannot be rolled back with `alembic downgrade`; "
           "recovery needs a backup restore or a manual fix.",
    action="Keep it only when the change truly loses information (data backfill, dropped column), and "
           "document the rollback procedure (backup, forward fix) next to the revision.",
    contexts=WITH_MIGRATIONS,
    check=check,
    example_bad='def downgrade():\n    raise NotImplementedError()',
    example_good='def downgrade():\n    op.drop_index("ix_orders_user_id", table_name="orders")',
)
