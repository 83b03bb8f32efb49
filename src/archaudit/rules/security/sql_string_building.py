"""SEC006 sql-built-from-strings."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.languages.python.facts import CallFact, ModuleFacts, Value, expr_text
from archaudit.languages.python.values import is_formatted_sql, is_interpolated
from archaudit.repo import Repo
from archaudit.resolve.origins import Origin, Source, calls_at, flow_at
from archaudit.resolve.python_index import calls_named, calls_written, function_index, is_app_code
from archaudit.rules.base import Rule

_RUNNERS = frozenset({"execute", "executemany", "executescript", "exec_driver_sql", "raw", "fetch", "fetchrow",
                      "fetchval", "execute_sql", "read_sql", "read_sql_query", "RawSQL", "mogrify"})
_TEXT = frozenset({"sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text"})
_HOW = {"f'": Message("an f-string"), "%'": Message("% formatting"), "+'": Message("string concatenation"),
        ".format'": Message("str.format()")}
_FORMATTED = tuple(_HOW)


def _interpolated(value: Value, piece: bool = False) -> str:
    """How an SQL string Value is built from runtime values ("" when it is not). `piece`: a string added
    to a local already holding SQL (`query += f" ORDER BY {col}"`), which need not start with a keyword."""
    if not (is_interpolated(value) if piece else is_formatted_sql(value)):
        return ""
    text = expr_text(value)
    for prefix, how in _HOW.items():
        if text.startswith(prefix):
            if prefix in ("f'", ".format'") and "{" not in text:
                return ""  # nothing interpolated
            return how
    return ""


_QUOTED = re.compile(r"['\"%]\{")  # '{value}' or LIKE '%{term}%': a value, not an identifier
_DDL = ("CREATE", "ALTER", "DROP")
_VALUE_QUOTE = re.compile(r"'(%?\{|%[s(])")  # a single-quoted placeholder: a string value, even in DDL
_BIND = re.compile(r"(?<![:\w]):[A-Za-z_]\w*|%s|%\(\w+\)s|\?|\$\d")


def _identifier_only(call: CallFact, text: str) -> bool:
    """An f-string/.format query whose values are bound (parameters passed, or bind markers such as
    :name, %s, ? in the text) and whose placeholders are not quoted: what is interpolated is an
    identifier chosen by the code (column, table), not a value, e.g.
    `db.execute(f"SELECT {field} FROM files WHERE path = ?", (name,))`."""
    if not text.startswith(("f'", ".format'")) or _QUOTED.search(text):
        return False
    has_params = len(call["args"]) > 1 or any(k in call["kwargs"] for k in ("params", "parameters", "args"))
    return has_params or bool(_BIND.search(text))


def _schema_only(text: str) -> bool:
    """A CREATE/ALTER/DROP statement whose placeholders are not single-quoted values, e.g.
    `f"CREATE TABLE t (amount {db.big_int} NOT NULL)"` or `f"CREATE INDEX idx_{col} ON t ({col})"`:
    DDL cannot take bound parameters, and what it interpolates is schema chosen by the code (names,
    column types, defaults), so the advice of this rule does not apply."""
    if not text.startswith(("f'", ".format'", "%'")):
        return False  # a concatenation shows only its first piece: what follows is unknown
    body = text[text.index("'") + 1:]
    return body.lstrip(" (\n\t").upper().startswith(_DDL) and not _VALUE_QUOTE.search(body)


def _sql_arg(call: CallFact) -> Value:
    if call["args"]:
        return call["args"][0]
    kw = call["kwargs"]
    return kw.get("sql", kw.get("query", kw.get("statement")))


def _local_sql(facts: ModuleFacts) -> dict[tuple[str, str], list[tuple[int, str, str]]]:
    """(function, variable) -> [(line, how, text)] for variables assigned an interpolated SQL string."""
    out: dict[tuple[str, str], list[tuple[int, str, str]]] = {}
    for a in facts["assigns"]:
        # inside a function, a plain local is recorded only for SQL text or a piece added to it (extractor)
        how = _interpolated(a["value"], piece=bool(a["func"]) and a["target"].isidentifier())
        if how:
            out.setdefault((a["func"], a["target"]), []).append((a["line"], how, expr_text(a["value"])))
    return out


def sql_wrappers(repo: Repo) -> frozenset[str]:
    """Names of the application's own plain functions that run the SQL text they are given: a parameter
    passed as the query of a runner call inside them (`def fetch_all(query, params): cursor.execute(query,
    params)`). A call to one of them runs its first argument as SQL (memoised)."""
    return repo.derived(_sql_wrappers)


def _sql_wrappers(repo: Repo) -> frozenset[str]:
    functions = repo.derived(function_index)
    out = set()
    for path, call, _ in calls_written(repo, *_RUNNERS):
        fn = functions.get((path, call["func"])) if call["func"] else None
        if fn is None or fn["cls"] or not is_app_code(repo, path):
            continue
        params = [p for p in fn["params"] if p not in ("self", "cls")]
        if params and expr_text(_sql_arg(call)) == params[0] and fn["name"] not in _RUNNERS:
            out.add(fn["name"])
    return frozenset(out)


def _unsafe_sql(call: CallFact, facts: ModuleFacts,
                cache: dict[str, dict[tuple[str, str], list[tuple[int, str, str]]]]) -> tuple[str, int]:
    """(how the query is built, line of the local assignment or 0), or ("", 0) when it is safe."""
    arg = _sql_arg(call)
    text = expr_text(arg)
    if not text.startswith(_FORMATTED):  # fast path: neither formatted here nor a local variable
        if not text.isidentifier():
            return "", 0
        how = ""
    else:
        how = _interpolated(arg)
    if how:
        return ("", 0) if _identifier_only(call, text) or _schema_only(text) else (how, 0)
    if not text.isidentifier():
        return "", 0
    if "local" not in cache:
        cache["local"] = _local_sql(facts)
    earlier = [e for e in cache["local"].get((call["func"], text), []) if e[0] <= call["line"]]
    if not earlier or _identifier_only(call, earlier[-1][2]) or _schema_only(earlier[-1][2]):
        return "", 0
    return earlier[-1][1], earlier[-1][0]


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at SQL-running calls outside tests and migrations (cursor/session/connection execute,
    Model.objects.raw, asyncpg fetch*, pandas read_sql, sqlalchemy text()) whose query is an
    f-string, a %-formatted, concatenated or .format()-ed string starting with an SQL keyword, either
    inline or through a local variable assigned such a string earlier in the same function. An
    f-string that only interpolates identifiers while binding values (parameters passed, or bind
    markers and no quoted placeholder) is not reported, nor is DDL (CREATE/ALTER/DROP, which cannot
    take bound parameters) that interpolates no single-quoted value. The premise that makes it
    injection is established before reporting: at least one interpolated piece, followed through the
    function's local variables, comes from outside (a parameter of the function or request data);
    SQL text generated by the ORM (compiler.as_sql(), .compile()), model metadata (_meta.db_table),
    module constants and names whitelisted by an enclosing `if` are chosen by the code."""
    refs = calls_written(repo, *_RUNNERS) + calls_named(repo, *_TEXT) + calls_written(repo, *sql_wrappers(repo))
    seen: set[int] = set()
    caches: dict[str, dict[str, dict[tuple[str, str], list[tuple[int, str, str]]]]] = {}
    app_code: dict[str, bool] = {}
    for path, call, _ in sorted(refs, key=lambda r: (r[0], r[1]["line"])):
        if path not in app_code:
            app_code[path] = is_app_code(repo, path)
        if id(call) in seen or not app_code[path]:
            continue
        seen.add(id(call))
        how, origin = _unsafe_sql(call, repo.python[path], caches.setdefault(path, {}))
        found = _outside_value(repo, path, call) if how else None
        if found is not None:
            source, entries = found
            also = tuple(Evidence(path, n) for n in sorted({origin, *entries} - {0, call["line"]}))
            yield Hit(path, call["line"], Message("An SQL query built with {how} is passed to {name}(); it "
                                                  "interpolates {what}.",
                                                  how=how, name=call['name'], what=source.what),
                      also=also, key=f"{call['name']} {how}")


def _outside_value(repo: Repo, path: str, call: CallFact) -> tuple[Source, tuple[int, ...]] | None:
    """The interpolated piece of the query that can come from outside (a parameter, request data),
    followed through the function's local variables (`query += f"... {x}"` included), with the lines
    where outside pieces enter the query; None when every piece is chosen by the code (constants, SQL
    the ORM generated, model metadata, a whitelisted name) or is not determined."""
    found = flow_at(repo, path, call["line"])
    if found is None:
        return None
    _, func, flow = found
    nodes = calls_at(func or found[0], call["line"], call["name"].rsplit(".", 1)[-1])
    for node in nodes:
        sql = node.args[0] if node.args else next(
            (k.value for k in node.keywords if k.arg in ("sql", "query", "statement")), None)
        if sql is None:
            continue
        outside = [(p, s) for p in flow.pieces(sql) for s in [flow.origin(p)] if s.origin is Origin.OUTSIDE]
        if outside:
            return outside[0][1], tuple(sorted({p.lineno for p, _ in outside}))
    return None


RULE = Rule(
    id="SEC006",
    name="sql-built-from-strings",
    axis=Axis.SECURITY,
    severity=Severity.HIGH,
    title="SQL built by string formatting",
    impact="Values interpolated into SQL text allow SQL injection (data theft, authentication bypass, "
           "data loss) as soon as one of them comes from a request.",
    action="Pass values as bound parameters (cursor.execute(sql, params), text(...).bindparams(), ORM "
           "filters); whitelist identifiers such as column names instead of formatting them in.",
    check=check,
    example_bad='cursor.execute(f"SELECT * FROM users WHERE email = \'{email}\'")',
    example_good='cursor.execute("SELECT * FROM users WHERE email = %s", (email,))',
)
