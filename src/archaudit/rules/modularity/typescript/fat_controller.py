"""TS003 ts-controller-business-logic."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.api.express import framework_of
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import is_ts_test, ts_facts
from archaudit.rules.base import Rule

MAX_STATEMENTS = 25
MAX_BRANCHES = 6
# An inline Express/Koa/Fastify handler does inline what NestJS moves into guards, pipes and DTOs
# (parse the body, authorize, load, present): its orchestration alone takes 20-35 statements.
INLINE_MAX_STATEMENTS = 40
INLINE_MAX_BRANCHES = 15


def check(repo: Repo) -> Iterator[Hit]:
    """Flags methods of NestJS @Controller classes with more than 25 statements or more than 6
    branches (if/loops/case/catch/ternaries), nested callbacks included, and inline route handlers
    with at least 40 statements or 15 branches, in files that import Express/Fastify/Koa (so a
    jQuery `$.get(url, callback)` or a vendored bundle is no route): decisions of that size are
    business logic living in the HTTP layer."""
    for path, facts in repo.derived(ts_facts).items():
        if is_ts_test(path):
            continue
        for cls in facts["classes"]:
            if not any(d["name"] == "Controller" for d in cls["decorators"]):
                continue
            for m in cls["methods"]:
                if m["statements"] > MAX_STATEMENTS or m["branches"] > MAX_BRANCHES:
                    yield Hit(path, m["line"], Message("{name}.{name2} has {statements} statements and {branches} "
                                                       "branches.",
                                                       name=cls['name'], name2=m['name'],
                                                       statements=m['statements'], branches=m['branches']),
                              key=f"{cls['name']}.{m['name']}")
        if not framework_of(facts):
            continue
        for f in facts["functions"]:
            if "#" in f["name"] and (f["statements"] >= INLINE_MAX_STATEMENTS or f["branches"] >= INLINE_MAX_BRANCHES):
                yield Hit(path, f["line"], Message("Inline route handler has {statements} statements and {branches} "
                                                   "branches.",
                                                   statements=f['statements'], branches=f['branches']), key=f["name"])


RULE = Rule(
    id="TS003",
    name="ts-controller-business-logic",
    axis=Axis.MODULARITY,
    severity=Severity.LOW,
    title="TypeScript controller method holds business logic",
    impact="Rules coded in controllers are duplicated across endpoints, hard to unit-test and invisible to "
           "the workers and scripts that need them.",
    action="Keep controllers to parsing, calling one command/query handler or service, and mapping the "
           "result; move the decisions into the application/domain layer.",
    check=check,
    example_bad="@Post()\nasync create(@Body() b) {\n  if (...) { ... } for (...) { ... } // 40 lines of rules\n}",
    example_good="@Post()\ncreate(@Body() b) { return this.createOrderCommandHandler.execute(b) }",
)
