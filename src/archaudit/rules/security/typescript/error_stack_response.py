"""TS106 ts-error-stack-in-response."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.api.ts_apps import serving
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.languages.typescript.facts import expr_text, is_expr
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import ts_facts
from archaudit.rules.base import Rule

# a response object: res.json(...), res.status(500).send(...), response.json, reply.send, ctx.throw...
_RESPONSE = re.compile(r"^(res|resp|response|reply|ctx\.res|ctx\.response)(\.status\(\))?\.(json|send|jsonp|end)$")
_STACK = re.compile(r"^[A-Za-z_$][\w$]*(\.(error|originalError|cause))?\.stack$")


def stack_values(value: object, depth: int = 0) -> bool:
    """True when the value is, or holds at a literal position, an `err.stack` read (never a condition)."""
    if depth > 3:
        return False
    if is_expr(value):
        return bool(_STACK.match(expr_text(value)))
    if isinstance(value, dict):
        return any(stack_values(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return any(stack_values(v, depth + 1) for v in value)
    return False


def check(repo: Repo) -> Iterator[Hit]:
    """Reads responses written by serving TypeScript/JavaScript code: `res.json/send/jsonp/end(...)`,
    `res.status(..).json(...)`, `reply.send(...)` and Koa `ctx.body = {...}`. Reports one whose payload
    holds an error's stack (`err.stack`, `{ stack: error.stack }`). A stack behind a condition
    (`stack: isDev ? err.stack : undefined`, a conditional spread) and NODE_ENV-guarded branches are silent."""
    for path, facts in repo.derived(ts_facts).items():
        if not serving(repo, path):
            continue
        for call in facts["calls"]:
            if _RESPONSE.match(call["callee"]) and any(stack_values(a) for a in call["args"]):
                yield Hit(path, call["line"], Message("`{callee}(...)` sends the error's stack trace to the client.",
                                                      callee=call['callee']),
                          key="stack")
        for setting in facts["settings"]:
            if setting["key"] == "body" and setting["target"].endswith("ctx.body") and stack_values(setting["value"]):
                yield Hit(path, setting["line"], Message("`ctx.body` carries the error's stack trace to the client."),
                          key="stack")


RULE = Rule(
    id="TS106",
    name="ts-error-stack-in-response",
    axis=Axis.SECURITY,
    severity=Severity.MEDIUM,
    title="Error responses include the stack trace (TypeScript backend)",
    impact="Every failing request shows file paths, library versions and code structure, and sometimes values "
           "from the failing query, to whoever sent it.",
    action="Log the stack on the server and answer a generic message with a request id; include the stack only "
           "behind an explicit development check (config.env === 'development').",
    check=check,
    example_bad="app.use((err, req, res, next) => {\n"
                "  res.status(500).json({ message: err.message, stack: err.stack })\n})",
    example_good="app.use((err, req, res, next) => {\n  logger.error(err)\n"
                 "  res.status(500).json({ message: 'Internal error', requestId: req.id })\n})",
)
