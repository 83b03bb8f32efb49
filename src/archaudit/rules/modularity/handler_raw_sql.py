"""MOD001 raw-sql-in-handler."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.pycode import calls_within, import_aliases, qualified
from archaudit.findings import Axis, Hit, Severity
from archaudit.languages.python.facts import CallFact, Value, expr_text
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.modularity._handlers import handlers

_SQL_START = ("SELECT ", "INSERT ", "UPDATE ", "DELETE ", "WITH ", "CREATE ", "DROP ", "ALTER ", "TRUNCATE ")
_TEXT = frozenset({"sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text"})
_EXECUTORS = frozenset({"execute", "executemany", "exec_driver_sql", "raw", "fetch", "fetchrow", "fetchval",
                        "executescript"})


def is_sql(value: Value) -> bool:
    """A string literal (or f-string / % / + formatted string) that starts with an SQL keyword."""
    text = value if isinstance(value, str) else expr_text(value)
    for prefix in ("f'", "%'", "+'"):
        if not isinstance(value, str) and text.startswith(prefix):
            text = text[len(prefix):]
    return (text.lstrip(" (\n\t").upper() + " ").startswith(_SQL_START)


def raw_sql_call(aliases: dict[str, str], call: CallFact) -> bool:
    """`text("SELECT ...")` from SQLAlchemy, or `<x>.execute("SELECT ...")`-style calls with SQL text."""
    if qualified(aliases, call["name"]) in _TEXT:
        return True
    method = call["name"].rsplit(".", 1)[-1]
    return method in _EXECUTORS and "." in call["name"] and bool(call["args"]) and is_sql(call["args"][0])


def check(repo: Repo) -> Iterator[Hit]:
    """For each route handler (from the API inventory), looks at the calls it makes (nested functions
    included) for SQLAlchemy `text(...)` or an `execute`/`raw`/`fetch` call whose first argument is an
    SQL string; reports the first one per handler."""
    for h in handlers(repo):
        aliases = repo.derived(import_aliases).get(h.file, {})
        found = [c for c in calls_within(repo, h.file, h.fn["qualname"]) if raw_sql_call(aliases, c)]
        if found:
            first = found[0]
            more = f" ({len(found)} raw SQL calls)" if len(found) > 1 else ""
            yield Hit(h.file, first["line"],
                      f"Handler {h.label} runs raw SQL through `{first['name']}(...)`{more}.",
                      key=h.fn["qualname"])


RULE = Rule(
    id="MOD001",
    name="raw-sql-in-handler",
    axis=Axis.MODULARITY,
    severity=Severity.MEDIUM,
    title="Route handler runs raw SQL",
    impact="SQL inside HTTP handlers ties the web layer to the schema: queries cannot be reused or tested "
           "without the HTTP stack, and schema changes ripple into every route.",
    action="Move the query into a repository or service function (or an ORM query there) and call it from "
           "the handler.",
    check=check,
    example_bad='@router.get("/badges")\ndef badges(db: Session = Depends(get_db)):\n'
                '    return db.execute(text("SELECT * FROM badges")).all()',
    example_good='@router.get("/badges")\ndef badges(service: BadgeService = Depends()):\n'
                 '    return service.list_badges()',
)
