"""MOD001 raw-sql-in-handler."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.languages.python.facts import CallFact, Value, expr_text
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_by_method, calls_named, calls_within, import_aliases, qualified
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
    # only the first 9 characters can match a keyword: upper-casing a long expression is wasted work
    return (text.lstrip(" (\n\t")[:9].upper() + " ").startswith(_SQL_START)


def raw_sql_call(aliases: dict[str, str], call: CallFact) -> bool:
    """`text("SELECT ...")` from SQLAlchemy, or `<x>.execute("SELECT ...")`-style calls with SQL text."""
    if qualified(aliases, call["name"]) in _TEXT:
        return True
    method = call["name"].rsplit(".", 1)[-1]
    return method in _EXECUTORS and "." in call["name"] and bool(call["args"]) and is_sql(call["args"][0])


def _raw_sql_scopes(repo: Repo) -> dict[str, set[str]]:
    """Per file: the functions (qualnames) holding at least one raw SQL call, looked up through the
    call indexes (text() by qualified name, executors by method name) instead of every call."""
    out: dict[str, set[str]] = defaultdict(set)
    for path, call, _ in calls_named(repo, *_TEXT):
        out[path].add(call["func"])
    by_method = repo.derived(calls_by_method)
    seen: dict[str, bool] = {}  # expression text -> is_sql (handlers repeat the same query builders)
    for method in _EXECUTORS:
        for path, call, _ in by_method.get(method, ()):
            name, args = call["name"], call["args"]
            if not args or "." not in name or name.rsplit(".", 1)[-1] != method:
                continue
            first = args[0]
            if isinstance(first, str):
                sql = is_sql(first)
            else:
                text = expr_text(first)
                found = seen.get(text)
                sql = seen[text] = is_sql(first) if found is None else found
            if sql:
                out[path].add(call["func"])
    return out


def check(repo: Repo) -> Iterator[Hit]:
    """For each route handler (from the API inventory), looks at the calls it makes (nested functions
    included) for SQLAlchemy `text(...)` or an `execute`/`raw`/`fetch` call whose first argument is an
    SQL string; reports the first one per handler."""
    scopes = _raw_sql_scopes(repo)
    for h in handlers(repo):
        funcs = scopes.get(h.file)
        qualname = h.fn["qualname"]
        if not funcs or not any(f == qualname or f.startswith(qualname + ".") for f in funcs):
            continue
        aliases = repo.derived(import_aliases).get(h.file, {})
        found = [c for c in calls_within(repo, h.file, qualname) if raw_sql_call(aliases, c)]
        if found:
            first = found[0]
            more = f" ({len(found)} raw SQL calls)" if len(found) > 1 else ""
            yield Hit(h.file, first["line"],
                      Message("Handler {label} runs raw SQL through `{name}(...)`{more}.",
                              label=h.label, name=first['name'], more=more),
                      key=qualname)


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
