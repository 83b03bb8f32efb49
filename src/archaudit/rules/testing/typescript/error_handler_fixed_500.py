"""TS124 ts-error-handler-fixed-500.

Express's error-handling middleware is where every error thrown or passed to `next(err)` becomes a
response. When the application's only error handler answers a literal 500 whatever the error, the
client cannot tell its own mistake from a server fault: body-parser's malformed JSON (400) and
oversized body (413), `http-errors`' 404, a validation library's 422 all carry `err.status` /
`err.statusCode`, and all of them come out as 500 (alerting on 5xx then fires for client errors).
"""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.api.error_handlers import find_error_handlers, find_express_error_middleware
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.context import Context, file_contexts
from archaudit.resolve.typescript_index import ts_facts
from archaudit.rules.base import Rule


def check(repo: Repo) -> Iterator[Hit]:
    """Reports the registered Express error middleware (inline `.use((err, req, res, next) => ...)` or a
    declared one passed to `.use(name)`) when every one of them sends only a literal `500`, never sets a
    computed status, never reads `err.status` / `err.statusCode` and never hands the error on with
    `next(...)`. Silent when another framework's handler exists (a NestJS filter...), or when production
    code declares an `(err, req, res, next)` function that is not seen registered (it may be, under
    another name, and answer other codes)."""
    registered = repo.derived(find_express_error_middleware)
    if not registered:
        return
    if any(h.framework != "Express" for h in repo.derived(find_error_handlers)):
        return
    if any(m.statuses != (500,) or m.dynamic_status or m.reads_status or m.calls_next for m in registered):
        return
    places = {(m.path, m.line) for m in registered}
    contexts = repo.derived(file_contexts)
    for path, facts in repo.derived(ts_facts).items():
        if contexts.get(path) is Context.PRODUCTION and any(
                (path, m["line"]) not in places for m in facts.get("error_middleware", ())):
            return
    first, *others = registered
    yield Hit(first.path, first.line,
              Message("The application's only error handler answers 500 to every error and never reads "
                      "`err.status`: client errors (malformed JSON, not found, validation) are reported as "
                      "server faults."),
              also=tuple(Evidence(m.path, m.line) for m in others), key="error-handler-500")


RULE = Rule(
    id="TS124",
    name="ts-error-handler-fixed-500",
    axis=Axis.TESTING,
    severity=Severity.LOW,
    title="The Express error handler answers 500 to every error (TypeScript backend)",
    impact="Errors that carry a client status (400 for malformed JSON, 413 for an oversized body, 404, 422) "
           "reach clients as 500 with no error shape: clients cannot react, and 5xx alerts fire for client "
           "mistakes.",
    action="Answer `err.status || err.statusCode || 500` with one error shape ({ error: { code, message } }), "
           "and keep the generic message for the 5xx case only.",
    check=check,
    absence_in=frozenset({"typescript", "javascript"}),  # an unparsed file may hold what it says is absent
    example_bad="app.use((err, req, res, next) => {\n  res.status(500).send('Something broke!')\n})",
    example_good="app.use((err, req, res, next) => {\n  const status = err.status || err.statusCode || 500\n"
                 "  res.status(status).json({ error: { message: status < 500 ? err.message : 'Internal error' } })\n})",
)
