"""MIG001 noop-downgrade."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.data.migrations import find_migrations
from archaudit.findings import Axis, Hit, Severity
from archaudit.repo import Repo
from archaudit.resolve.context import WITH_MIGRATIONS
from archaudit.rules.base import Rule

NOOP_BODIES = ("pass", "ellipsis", "docstring-only", "empty-return")
# alembic `op` helpers that touch rows, not the schema
_DATA_OPS = frozenset({"get_bind", "get_context", "execute", "bulk_insert", "inline_literal", "f", "run_async"})
_DDL = ("CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE")


def _changes_data_only(repo: Repo, path: str) -> bool:
    """True when upgrade() visibly works on rows (op.get_bind(), a Session, op.execute/bulk_insert
    of DML) and calls no schema operation (op.add_column, batch_op.*, an execute of CREATE/ALTER/DROP):
    undoing a data fix is often impossible, and the schema is the same at both revisions."""
    data = False
    for call in repo.python[path]["calls"]:
        if call["func"].split(".", 1)[0] != "upgrade":
            continue
        name = call["name"]
        head, _, method = name.rpartition(".")
        if head in ("op", "batch_op") and method not in _DATA_OPS:
            return False
        first = call["args"][0] if call["args"] else ""
        if method in ("execute", "exec_driver_sql") and isinstance(first, str) \
                and first.lstrip(" (\n\t").upper().startswith(_DDL):
            return False
        data = data or method in ("get_bind", "bulk_insert") or name.rsplit(".", 1)[-1] == "Session" \
            or (name == "op.execute" and isinstance(first, str))
    return data


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at the `downgrade()` of every Alembic revision script and reports the ones whose body does
    nothing (`pass`, `...`, a docstring alone, a bare `return`) while its `upgrade()` does something.
    Merge revisions and empty revisions (both functions empty) are fine and skipped, and so are data
    migrations: an upgrade() that only works on rows (op.get_bind(), Session, DML) and calls no schema
    operation leaves the schema as it was, so an empty downgrade does not desynchronise it."""
    for m in repo.derived(find_migrations):
        if m.downgrade in NOOP_BODIES and m.upgrade not in NOOP_BODIES and len(m.down_revisions) < 2 \
                and not _changes_data_only(repo, m.path):
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
    contexts=WITH_MIGRATIONS,
    check=check,
    example_bad='def upgrade():\n    op.add_column("users", sa.Column("level", sa.Integer))\n\n'
                "def downgrade():\n    pass",
    example_good='def downgrade():\n    op.drop_column("users", "level")',
)
