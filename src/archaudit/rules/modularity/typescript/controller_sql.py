"""TS002 ts-raw-sql-in-controller."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.api.express import framework_of
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.languages.typescript.facts import TsFacts, is_template, template_text
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import is_ts_test, ts_facts
from archaudit.rules.base import Rule

_SQL_START = ("select ", "insert ", "update ", "delete ", "with ", "create ", "drop ", "alter ")
_SQL_METHODS = frozenset({"query", "raw", "execute"})
_ALWAYS = frozenset({"$queryRaw", "$queryRawUnsafe", "$executeRaw", "$executeRawUnsafe", "createQueryBuilder"})


def _handlers(facts: TsFacts, express: bool) -> set[str]:
    """Enclosing-function names that are HTTP handlers: controller methods, inline route handlers."""
    out = {f"{c['name']}." for c in facts["classes"] if any(d["name"] == "Controller" for d in c["decorators"])}
    if express:
        out |= {f["name"] for f in facts["functions"] if ":" in f["name"] and "#" in f["name"]}
    return out


def _is_sql(value: object) -> bool:
    text = value if isinstance(value, str) else template_text(value) if is_template(value) else ""
    return text.lstrip().lower().startswith(_SQL_START)


def check(repo: Repo) -> Iterator[Hit]:
    """Looks inside NestJS @Controller methods and inline Express/Fastify/Koa route handlers for raw
    SQL: `.query('SELECT ...')`-like calls whose first argument is SQL text, Prisma `$queryRaw`/
    `$executeRaw`, and `createQueryBuilder` (query building in the HTTP layer)."""
    for path, facts in repo.derived(ts_facts).items():
        if is_ts_test(path):
            continue
        handlers = _handlers(facts, bool(framework_of(facts)))
        if not handlers:
            continue
        for call in facts["calls"]:
            func = call["func"]
            method = call["callee"].rsplit(".", 1)[-1]
            if not func or (method not in _ALWAYS and method not in _SQL_METHODS):  # cheap test first
                continue
            if not any(func == h or func.startswith(h if h.endswith(".") else h + ".") for h in handlers):
                continue
            if method in _ALWAYS or (call["args"] and _is_sql(call["args"][0])):
                yield Hit(path, call["line"], Message("HTTP handler {func} runs SQL directly ({callee}).",
                                                      func=func, callee=call['callee']),
                          key=f"{func}:{call['callee']}")


RULE = Rule(
    id="TS002",
    name="ts-raw-sql-in-controller",
    axis=Axis.MODULARITY,
    severity=Severity.MEDIUM,
    title="Raw SQL in a TypeScript controller or route handler",
    impact="Persistence details leak into the HTTP layer: queries cannot be reused or tested without a "
           "request, and schema changes ripple into controllers.",
    action="Move the query into a repository/query handler of the infrastructure layer and call it from "
           "the controller.",
    check=check,
    example_bad="@Get()\nlist() { return this.dataSource.query('SELECT * FROM users') }",
    example_good="@Get()\nlist() { return this.getUsersQueryHandler.execute() }",
)
