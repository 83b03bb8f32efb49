"""MIG005 unknown-down-revision."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.data.migrations import find_migrations
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.context import WITH_MIGRATIONS
from archaudit.rules.base import Rule


def check(repo: Repo) -> Iterator[Hit]:
    """Reports Alembic revisions whose `down_revision` names a revision id that no revision script in
    the repository defines (all versions folders are searched)."""
    migrations = repo.derived(find_migrations)
    known = {m.revision for m in migrations}
    for m in migrations:
        for down in m.down_revisions:
            if down not in known:
                yield Hit(m.path, m.down_line,
                          Message("Revision {revision} revises {down}, which no revision script defines.",
                                  revision=m.revision, down=down),
                          key=f"{m.revision}->{down}")


RULE = Rule(
    id="MIG005",
    name="unknown-down-revision",
    axis=Axis.REPRODUCIBILITY,
    severity=Severity.HIGH,
    title="Alembic revision points to a revision that does not exist",
    impact="Alembic cannot build the revision graph: every `alembic upgrade`/`downgrade` command fails, "
           "including in deployments and fresh environments.",
    action="Restore the missing revision file or point `down_revision` at the real parent (see "
           "`alembic history`), then check `alembic heads` in CI.",
    contexts=WITH_MIGRATIONS,
    check=check,
    example_bad='revision = "0005"\ndown_revision = "0004_deleted"',
    example_good='revision = "0005"\ndown_revision = "0004"  # defined in versions/0004_add_orders.py',
)
