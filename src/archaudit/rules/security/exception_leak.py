"""SEC007 exception-details-leaked."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.api.section import find_endpoints
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.languages.python.facts import CallFact, FunctionFact, ModuleFacts, Value, expr_text
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_by_function, is_app_code
from archaudit.rules.base import Rule

# Broad or database exceptions: their text carries internals (SQL, paths, hosts), unlike ValueError
# raised on purpose with a user-facing message.
_BROAD = re.compile(r"(^|\.)(Exception|BaseException|SQLAlchemyError|DBAPIError|DatabaseError|IntegrityError|"
                    r"OperationalError|ProgrammingError|PyMongoError|RedisError)$")
_RESPONSES = ("Response", "HTTPException", "jsonify", "abort", "make_response")
# Responses of the web frameworks themselves: anywhere they are built, they go to a client. Other
# `*Response` classes (PaymentResponse, StatusResponse...) are often plain result objects returned
# between layers, so they count only inside an endpoint or exception handler.
_HTTP_ALWAYS = ("HTTPException", "jsonify", "abort", "make_response")
_FRAMEWORK_RESPONSES = frozenset({"Response", "JSONResponse", "ORJSONResponse", "UJSONResponse", "HTMLResponse",
                                  "PlainTextResponse", "StreamingResponse", "JsonResponse", "HttpResponse"})
_HANDLER_DECORATORS = ("exception_handler", "errorhandler", "app_errorhandler")
_TRACE = re.compile(r"^traceback\.format_|^(str|repr)\((exc|e|err|error|ex|exception)\)$")


def _carries_exception(value: Value, loose: bool, depth: int = 0) -> bool:
    """True when a call argument (possibly inside a dict/list literal) is str(exc) or a traceback;
    `loose` also accepts an f-string (inside an except block the extractor saw exposing the error)."""
    if depth > 4:
        return False
    if isinstance(value, dict):
        text = expr_text(value)
        if text:
            return bool(_TRACE.search(text)) or (loose and text.startswith("f'") and "{}" in text)
        return any(_carries_exception(v, loose, depth + 1) for v in value.values())
    if isinstance(value, list):
        return any(_carries_exception(v, loose, depth + 1) for v in value)
    return False


def _is_response(name: str, in_handler: bool) -> bool:
    """A call that builds what the client receives (see _FRAMEWORK_RESPONSES)."""
    last = name.rsplit(".", 1)[-1]
    if last.endswith(_HTTP_ALWAYS) or last in _FRAMEWORK_RESPONSES or last.startswith("HttpResponse"):
        return True
    return in_handler and last.endswith(_RESPONSES)


def _leaking_response(calls: list[CallFact], start: int, end: int, loose: bool = False,
                      in_handler: bool = True) -> CallFact | None:
    for call in calls:
        if start <= call["line"] <= end and _is_response(call["name"], in_handler) and (
                any(_carries_exception(a, loose) for a in call["args"])
                or any(_carries_exception(v, loose) for v in call["kwargs"].values())):
            return call
    return None


def _block_ends(facts: ModuleFacts) -> dict[int, int]:
    """Except-handler line -> last line its body can reach: the next handler of the same function,
    or the function's end (handler facts carry no end line)."""
    ends = {fn["qualname"]: fn["end"] for fn in facts["functions"]}
    out = {}
    by_func: dict[str, list[int]] = {}
    for h in facts["handlers"]:
        by_func.setdefault(h["func"], []).append(h["line"])
    for func, lines in by_func.items():
        lines.sort()
        last = ends.get(func, facts["lines"])
        for i, line in enumerate(lines):
            out[line] = (lines[i + 1] - 1) if i + 1 < len(lines) else last
    return out


def _is_broad_handler(fn: FunctionFact) -> bool:
    for d in fn["decorators"]:
        if d["name"].rsplit(".", 1)[-1] in _HANDLER_DECORATORS:
            args = [expr_text(a) or str(a) for a in d["args"]]
            return any(_BROAD.search(a) or a == "500" for a in args)
    return False


def check(repo: Repo) -> Iterator[Hit]:
    """Looks for raw exception text or tracebacks sent to clients, outside tests: `except Exception`
    (or a database error) blocks whose response / HTTPException carries str(exc), or whose endpoint
    handler returns it; and exception handlers registered for Exception/500
    (@app.exception_handler, @app.errorhandler) that respond with str(exc) or a formatted traceback.
    A project's own `*Response` class (PaymentResponse) counts only inside an endpoint handler: elsewhere
    it is usually a result object passed between layers, not what the client receives."""
    by_function = repo.derived(calls_by_function)
    handlers = {(e.handler_file, e.handler) for e in find_endpoints(repo)}
    for path, facts in repo.python_items():
        if not is_app_code(repo, path):
            continue
        seen: set[int] = set()
        block_ends: dict[int, int] | None = None
        for h in facts["handlers"]:
            if not h["leaks"] or not any(_BROAD.search(t) for t in h["types"]):
                continue
            block_ends = block_ends if block_ends is not None else _block_ends(facts)
            calls = by_function.get((path, h["func"]), [])
            is_endpoint = (path, h["func"]) in handlers
            leak = _leaking_response(calls, h["line"], block_ends.get(h["line"], h["line"]), loose=True,
                                     in_handler=is_endpoint)
            if leak is None and not is_endpoint:
                continue
            line = leak["line"] if leak else h["line"]
            seen.add(line)
            yield Hit(path, line, Message("The error text of a caught {names} is sent to the client in {value}().",
                                          names='/'.join(h['types']), value=h['func'] or Message("module code")),
                      key=h["func"])
        for fn in facts["functions"]:
            if _is_broad_handler(fn):
                leak = _leaking_response(by_function.get((path, fn["qualname"]), []), fn["line"], fn["end"])
                if leak and leak["line"] not in seen:
                    yield Hit(path, leak["line"], Message("The exception handler {qualname}() returns the raw "
                                                          "exception text to clients.",
                                                          qualname=fn['qualname']), key=fn["qualname"])


RULE = Rule(
    id="SEC007",
    name="exception-details-leaked",
    axis=Axis.SECURITY,
    severity=Severity.MEDIUM,
    title="Exception text or tracebacks returned to clients",
    impact="Raw error messages disclose internals (SQL statements, table names, file paths, hosts, library "
           "versions) that help an attacker, and confuse API clients.",
    action="Log the exception with its traceback server-side and return a generic message with a "
           "correlation id; expose only messages of exceptions designed to be user-facing.",
    check=check,
    example_bad='except Exception as exc:\n    raise HTTPException(500, detail=str(exc))',
    example_good='except Exception:\n    logger.exception("order creation failed")\n'
                 '    raise HTTPException(500, detail="Internal error")',
)
