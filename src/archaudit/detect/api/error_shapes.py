"""The shapes of the error payloads a web backend returns, from literal dicts in its code.

An *error payload* is a literal dict that a web module (one importing a web framework; tests,
examples, docs and scripts left out) sends as a response: returned by a request handler (route
decorator or `request` parameter) or an exception handler, returned with an error status anywhere
(`return {...}, 404`), or given to a JSON response (`JSONResponse(content={...})`,
`JsonResponse({...}, status=400)`, `jsonify({...})`, DRF `Response({...}, status=...)`). It counts
as an error when it carries an `error`/`errors` key, or a `detail`/`message`/`msg` key with an error
status (>= 400) or inside an exception handler. Its *shape* is the key that carries the error.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from archaudit.detect.testing.packages import NOT_APPLICATION
from archaudit.detect.testing.scan import is_test_file
from archaudit.languages.python.facts import FunctionFact, ModuleFacts, Value
from archaudit.repo import Repo
from archaudit.resolve.python_index import name_readers

WEB_FRAMEWORKS = frozenset({"fastapi", "starlette", "flask", "django", "rest_framework", "aiohttp", "sanic",
                            "litestar", "quart", "falcon", "ninja", "tornado", "pyramid", "bottle"})
_RESPONSES = frozenset({"JSONResponse", "ORJSONResponse", "UJSONResponse", "JsonResponse", "Response",
                        "jsonify", "make_response", "json_response"})
_ALWAYS = ("error", "errors")
_IN_CONTEXT = ("detail", "message", "msg", "error_message")
_PRIMARY_ORDER = ("error", "detail", "message", "msg", "error_message", "errors")
_HANDLER_DECORATORS = ("exception_handler", "errorhandler", "app_errorhandler")
_ROUTE_DECORATORS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "route", "api_route",
                               "websocket", "api_view", "action", "view_config"})
_STATUS_DIGITS = re.compile(r"(?<!\d)([1-5]\d\d)(?!\d)")


@dataclass(frozen=True, order=True)
class ErrorPayload:
    """One literal error payload: where, which key carries the error, and all its keys."""

    path: str
    line: int
    shape: str  # the key carrying the error: error | detail | message | msg | error_message | errors
    keys: tuple[str, ...]


def find_error_payloads(repo: Repo) -> list[ErrorPayload]:
    """Literal error payloads of web modules, sorted by path and line (memoise via repo.derived)."""
    out: list[ErrorPayload] = []
    readers = repo.derived(name_readers)  # a call `x.jsonify(...)` reads the name `jsonify`
    responders = {p for name in _RESPONSES for p in readers.get(name, ())}
    for path, facts in repo.python_items():
        if is_test_file(repo, path) or not _is_web_module(facts) or any(
                seg in NOT_APPLICATION for seg in path.split("/")[:-1]):
            continue  # tests, examples, docs and scripts do not define the API's contract
        returns = facts.get("returns", [])
        if path not in responders and not any(r["keys"] for r in returns):
            continue  # neither a literal dict returned nor a call named like a response
        handlers = {fn["qualname"] for fn in facts["functions"]
                    if any(d["name"].rsplit(".", 1)[-1] in _HANDLER_DECORATORS for d in fn["decorators"])}
        views = handlers | {fn["qualname"] for fn in facts["functions"] if _is_view(fn)}
        statuses = {r["line"]: r["status"] for r in returns if r["status"]}
        for r in returns:
            if r["keys"] and (r["func"] in views or r["status"] >= 400):  # a plain helper's dict is no response
                _add(out, path, r["line"], r["keys"], r["status"], r["func"] in handlers)
        if path not in responders:
            continue
        for call in facts["calls"]:
            if call["name"].rsplit(".", 1)[-1] not in _RESPONSES:
                continue
            keys = _payload_keys(call["args"], call["kwargs"], call["name"])
            if keys:
                status = _status(call["args"], call["kwargs"]) or statuses.get(call["line"], 0)
                _add(out, path, call["line"], keys, status, call["func"] in handlers)
    return sorted(set(out))


def shape_counts(payloads: list[ErrorPayload]) -> Counter[str]:
    return Counter(p.shape for p in payloads)


def _is_view(fn: FunctionFact) -> bool:
    """A request handler: a route decorator, or a `request` parameter (Django/DRF views)."""
    if any(d["name"].rsplit(".", 1)[-1] in _ROUTE_DECORATORS for d in fn["decorators"]):
        return True
    params = fn["params"][1:] if fn["cls"] else fn["params"]
    return bool(params) and params[0] in ("request", "req")


def _is_web_module(facts: ModuleFacts) -> bool:
    return any(imp["module"].split(".", 1)[0] in WEB_FRAMEWORKS for imp in facts["imports"] if not imp["level"])


def _add(out: list[ErrorPayload], path: str, line: int, keys: list[str], status: int, in_handler: bool) -> None:
    present = set(keys)
    error_context = status >= 400 or in_handler
    if not (present & set(_ALWAYS) or (error_context and present & set(_IN_CONTEXT))):
        return
    shape = next(k for k in _PRIMARY_ORDER if k in present)
    out.append(ErrorPayload(path, line, shape, tuple(sorted(present))))


def _payload_keys(args: list[Value], kwargs: dict[str, Value], name: str) -> list[str]:
    """Keys of the dict a response call serialises; jsonify(error=...) counts its keyword names."""
    for value in (kwargs.get("content"), kwargs.get("data"), args[0] if args else None):
        if isinstance(value, dict) and "$" not in value:
            return list(value)
    if name.rsplit(".", 1)[-1] == "jsonify" and not args:
        return sorted(kwargs)
    return []


def _status(args: list[Value], kwargs: dict[str, Value]) -> int:
    """An explicit status: an int, or the digits of a named status (`status.HTTP_404_NOT_FOUND`)."""
    for value in (kwargs.get("status_code"), kwargs.get("status"), args[1] if len(args) > 1 else None):
        if type(value) is int:
            return value
        if isinstance(value, dict) and "$" in value:
            found = _STATUS_DIGITS.search(str(value["$"]))
            if found:
                return int(found.group(1))
    return 0
