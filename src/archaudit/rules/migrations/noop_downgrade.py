"""MIG001 noop-downgrade."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.migrations import find_migrations
from archaudit.findings import Axis, Hit, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule

NOOP_BODIES = ("pass", "ellipsis", "docstring-only", "empty-return")


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at the `downgrade()` of every Alembic revision script and reports the ones whose body does
    nothing (`pass`, `...`, a docstring alone, a bare `return`) while its `upgrade()` does something.
    Merge revisions and empty revisions (both functions empty) are fine and skipped."""
    for m in repo.derived(find_migrations):
        if m.downgrade in NOOP_BODIES and m.upgrade not in NOOP_BODIES and len(m.down_revisions) < 2:
            yield Hit(m.path, m.downgrade_line,
                      f"downgrade() of revision {m.revision} does nothing ({m.downgrade}): rolling back "
                      "reports success but leaves the schema unchanged.", key=m.revision)


RULE = Rule(
    id="MIG001",
    name="noop-downgrade",
    axis=Axis.REPRODUCIBILITY,
    severity=Severity.MEDIUM,
    title="Alembic downgrade that silently does nothing",
    impact="`alembic downgrade` appears to succeed while the schema stays at the newer revision, so the "
           "recorded version and the real schema disagree and later migrations fail or corrupt data.",
    action="Write the inverse operations (drop the added column/table, restore the old one), or raise "
           "NotImplementedError with a reason so a rollback stops loudly instead of lying.",
    check=check,
    example_bad='def upgrade():\n    op.add_column("users", sa.Column("level", sa.Integer))\n\n'
                "def downgrade():\n    pass",
    example_good='def downgrade():\n    op.drop_column("users", "level")',
)
