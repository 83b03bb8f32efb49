"""MIG001 noop-downgrade."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.data.migrations import find_migrations
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.languages.python.facts import CallFact, expr_text
from archaudit.repo import Repo
from archaudit.resolve.context import WITH_MIGRATIONS
from archaudit.rules.base import Rule

NOOP_BODIES = ("pass", "ellipsis", "docstring-only", "empty-return")
# alembic `op` helpers that touch rows, not the schema
_DATA_OPS = frozenset({"get_bind", "get_context", "execute", "bulk_insert", "inline_literal", "f", "run_async"})
_DDL = ("CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE")


# a SQLAlchemy Core statement built in Python: `table.update().where(...)`, `sa.delete(t)`, `insert(t).values()`
_DML_EXPR = re.compile(r"(^|\.)(update|insert|delete)\(", re.IGNORECASE)
_SESSION_DATA = frozenset({"query", "add", "add_all", "delete", "merge", "commit", "execute", "bulk_save_objects",
                           "bulk_insert_mappings", "bulk_update_mappings"})


def _upgrade_calls(calls: list[CallFact], local: set[str]) -> list[CallFact]:
    """Calls made by upgrade(), and by the module's own helper functions it calls (one hop: a
    `set_config(k, v)` helper doing `op.get_bind().execute(...)`)."""
    direct = [c for c in calls if c["func"].split(".", 1)[0] == "upgrade"]
    helpers = {c["name"] for c in direct if c["name"] in local}
    return direct + [c for c in calls if c["func"] in helpers]


def _call_kind(call: CallFact) -> str:
    """"schema", "data" or "" (neither) for one call of a migration's upgrade path."""
    name = call["name"]
    head, _, method = name.rpartition(".")
    first = call["args"][0] if call["args"] else ""
    text = first if isinstance(first, str) else expr_text(first)
    if method in ("execute", "exec_driver_sql") and text.lstrip(" (\n\t").upper().startswith(_DDL):
        return "schema"
    if head in ("op", "batch_op") and method not in _DATA_OPS:
        return "schema"
    if method in ("get_bind", "bulk_insert") or method == "Session" or name == "Session":
        return "data"
    if name == "op.execute" and (isinstance(first, str) or _DML_EXPR.search(text)):
        return "data"
    if head.rsplit(".", 1)[-1] == "session" and method in _SESSION_DATA:
        return "data"  # `session.query(t).filter(...)`, `db.session.commit()`
    return ""


def _changes_data_only(repo: Repo, path: str) -> bool:
    """True when upgrade() (or a helper of the module it calls) visibly works on rows (op.get_bind(),
    a Session, op.execute/bulk_insert of DML) and calls no schema operation (op.add_column,
    batch_op.*, an execute of CREATE/ALTER/DROP): undoing a data fix is often impossible, and the
    schema is the same at both revisions."""
    facts = repo.python[path]
    local = {f["name"] for f in facts["functions"] if f["qualname"] == f["name"]}
    kinds = {_call_kind(c) for c in _upgrade_calls(facts["calls"], local)}
    return "data" in kinds and "schema" not in kinds


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
                      Message("downgrade() of revision {revision} does nothing ({downgrade}): rolling back reports "
                              "success but leaves the schema unchanged.",
                              revision=m.revision, downgrade=m.downgrade), key=m.revision)


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
