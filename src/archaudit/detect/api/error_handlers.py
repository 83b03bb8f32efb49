"""Which errors the application maps to responses, and the exception classes it defines.

Handlers are read from their registration, never from names: FastAPI/Starlette
`@app.exception_handler(X)` and `add_exception_handler(X, fn)`, Flask `@errorhandler(X)` /
`@app_errorhandler(X)` and `register_error_handler(X, fn)`, Django `handler400/403/404/500 = ...` in a
urls module, DRF's `REST_FRAMEWORK["EXCEPTION_HANDLER"]`, NestJS `@Catch(X)` exception filters, Express
error-handling middleware (a 4-parameter function written in `.use(...)`, or a declared
`(err, req, res, next)` function whose name is passed to a `.use(...)` call). Only
production code counts (tests, scripts, examples and dev code left out). The custom exception
classes are the production classes whose base is a built-in exception, a framework HTTP exception,
or another such class of the repository.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archaudit.findings import Message
from archaudit.languages.python.facts import Value, expr_text
from archaudit.repo import Repo
from archaudit.resolve.context import Context, file_contexts
from archaudit.resolve.typescript_index import ts_facts

_DECORATORS = {"exception_handler": "FastAPI/Starlette", "errorhandler": "Flask", "app_errorhandler": "Flask"}
_CALLS = {"add_exception_handler": "FastAPI/Starlette", "register_error_handler": "Flask"}
_DJANGO = ("handler400", "handler403", "handler404", "handler500")
_EXCEPTION_BASES = frozenset({
    "Exception", "BaseException", "ValueError", "RuntimeError", "KeyError", "LookupError", "TypeError",
    "PermissionError", "OSError", "IOError", "NotImplementedError", "AttributeError",
    "HTTPException", "APIException", "ValidationError", "ImproperlyConfigured", "WebSocketException"})


_STATUS = re.compile(r"HTTP_([1-5]\d\d)(?:_\w+)?")


@dataclass(frozen=True, order=True)
class ErrorHandler:
    path: str
    line: int
    framework: str  # FastAPI/Starlette | Flask | Django | Django REST framework | NestJS | Express
    handles: str  # a status code ("404"), an exception type ("HTTPException"), or "every exception"


@dataclass(frozen=True, order=True)
class ExpressErrorMiddleware:
    """A registered Express error-handling middleware and what it answers."""

    path: str
    line: int
    statuses: tuple[int, ...]  # literal status codes it sends
    dynamic_status: bool  # a status set from a non-literal expression
    reads_status: bool  # reads err.status / err.statusCode
    calls_next: bool  # hands the error on with next(...)


@dataclass(frozen=True, order=True)
class ExceptionClass:
    path: str
    line: int
    name: str
    base: str  # as written


def _handled(value: Value) -> str:
    """What one registration handles: a status, a class name, or "not determined (x)" for a variable
    (`for code in codes: app.register_error_handler(code, ...)`)."""
    if type(value) is int:
        return str(value)
    text = expr_text(value)
    last = text.rsplit(".", 1)[-1]
    status = _STATUS.fullmatch(last)
    if status:
        return status.group(1)
    if not last or not last[0].isupper() or not last.replace("_", "").isalnum():
        if text:
            return Message("not determined ({expression})", expression=text[:40])
        return value if isinstance(value, str) else Message.known("not determined")
    return last


def find_express_error_middleware(repo: Repo) -> list[ExpressErrorMiddleware]:
    """Registered Express error-handling middleware of production code, sorted (memoise via
    repo.derived): inline in `.use(...)`, or declared and passed by name to a `.use(...)` call of the
    repository (`app.use(errorHandler)`)."""
    contexts = repo.derived(file_contexts)
    facts = repo.derived(ts_facts)
    used: set[str] = set()
    for ts in facts.values():
        for call in ts["calls"]:
            if call["callee"] == "use" or call["callee"].endswith(".use"):
                used.update(expr_text(a).rsplit(".", 1)[-1] for a in call["args"] if isinstance(a, dict))
    out: list[ExpressErrorMiddleware] = []
    for path, ts in facts.items():
        if contexts.get(path) is not Context.PRODUCTION:
            continue
        for m in ts.get("error_middleware", ()):
            if m["inline"] or m["name"].rsplit(".", 1)[-1] in used:
                out.append(ExpressErrorMiddleware(path, m["line"], tuple(m["statuses"]), m["dynamic_status"],
                                                  m["reads_status"], m["calls_next"]))
    return sorted(set(out))


def _express_handles(m: ExpressErrorMiddleware) -> Message:
    """What an Express error middleware answers, as the inventory states it."""
    codes = [str(c) for c in m.statuses]
    if m.reads_status:
        codes.append("err.status")
    elif m.dynamic_status:
        codes.append(Message("a computed status"))
    if not codes:
        return Message("every error (handed on with next)") if m.calls_next else Message("every error")
    return Message("every error (answers {codes})", codes=Message.joined(", ", codes))


def find_error_handlers(repo: Repo) -> list[ErrorHandler]:
    """Registered error handlers of production code, sorted (memoise via repo.derived)."""
    contexts = repo.derived(file_contexts)
    out: list[ErrorHandler] = []
    for path, facts in repo.python_items():
        if contexts.get(path) is not Context.PRODUCTION:
            continue
        for fn in facts["functions"]:
            for d in fn["decorators"]:
                framework = _DECORATORS.get(d["name"].rsplit(".", 1)[-1])
                if framework and d["args"]:
                    out.append(ErrorHandler(path, d["line"], framework, _handled(d["args"][0])))
        for c in facts["calls"]:
            framework = _CALLS.get(c["name"].rsplit(".", 1)[-1])
            if framework and c["args"]:
                out.append(ErrorHandler(path, c["line"], framework, _handled(c["args"][0])))
        for a in facts["assigns"]:
            if a["func"] or a["cls"]:
                continue
            if a["target"] in _DJANGO and path.rsplit("/", 1)[-1] == "urls.py":
                out.append(ErrorHandler(path, a["line"], "Django", a["target"][len("handler"):]))
            elif a["target"] == "REST_FRAMEWORK" and isinstance(a["value"], dict) \
                    and isinstance(a["value"].get("EXCEPTION_HANDLER"), str):
                out.append(ErrorHandler(path, a["line"], "Django REST framework",
                                        Message("every API exception ({handler})",
                                                handler=a["value"]["EXCEPTION_HANDLER"])))
    for path, ts in repo.derived(ts_facts).items():
        if contexts.get(path) is not Context.PRODUCTION:
            continue
        for ts_cls in ts["classes"]:
            for ts_dec in ts_cls["decorators"]:
                if ts_dec["name"] == "Catch":
                    names = [expr_text(v).rsplit(".", 1)[-1] for v in ts_dec["args"]]
                    out.append(ErrorHandler(path, ts_dec["line"], "NestJS",
                                            ", ".join(n for n in names if n) or Message("every exception")))
    for m in repo.derived(find_express_error_middleware):
        out.append(ErrorHandler(m.path, m.line, "Express", _express_handles(m)))
    return sorted(set(out))


def find_exception_classes(repo: Repo) -> list[ExceptionClass]:
    """Production exception classes the repository defines, sorted (memoise via repo.derived)."""
    contexts = repo.derived(file_contexts)
    classes = [(path, cls) for path, facts in repo.python_items() if contexts.get(path) is Context.PRODUCTION
               for cls in facts["classes"] if cls["bases"]]
    known = set(_EXCEPTION_BASES)
    found: dict[tuple[str, int], ExceptionClass] = {}
    changed = True
    while changed:  # a subclass of a repository exception is one too, whatever the order of files
        changed = False
        for path, cls in classes:
            if (path, cls["line"]) in found:
                continue
            base = next((b for b in cls["bases"] if b.rsplit(".", 1)[-1] in known), "")
            if base:
                found[(path, cls["line"])] = ExceptionClass(path, cls["line"], cls["name"], base)
                known.add(cls["name"])
                changed = True
    return sorted(found.values())


def error_facts(repo: Repo, serves_http: bool) -> list[tuple[str, list[tuple[str, int]]]]:
    """The API section's statements about error handling: (text, places); the absence of custom
    exceptions is stated only for a repository that serves endpoints (`serves_http`)."""
    handlers = repo.derived(find_error_handlers)
    out: list[tuple[str, list[tuple[str, int]]]] = []
    if handlers:
        by_framework: dict[str, list[ErrorHandler]] = {}
        for h in handlers:
            by_framework.setdefault(h.framework, []).append(h)
        text = Message.joined("; ", [Message("{framework}: {handles}", framework=fw,
                                             handles=Message.joined(", ", sorted({h.handles for h in hs})))
                                     for fw, hs in sorted(by_framework.items())])
        out.append((Message("Error handlers registered for {handlers}", handlers=text),
                    [(h.path, h.line) for h in handlers[:20]]))
    classes = repo.derived(find_exception_classes)
    if classes:
        names = {c.name for c in classes}
        roots = [c for c in classes if c.base.rsplit(".", 1)[-1] not in names]
        children = {r.name: sum(1 for c in classes if c.base.rsplit(".", 1)[-1] == r.name) for r in roots}
        top = sorted(roots, key=lambda r: (-children[r.name], r.path, r.line))[:5]
        shown = Message.joined(", ", [Message("{name} ({n} direct subclasses)", name=r.name, n=children[r.name])
                                      if children[r.name] else r.name for r in top]
                               + (["..."] if len(roots) > len(top) else []))
        out.append((Message.plural("{classes} custom exception classes under {roots} root class: {shown}",
                                   "{classes} custom exception classes under {roots} root classes: {shown}",
                                   count="roots", classes=len(classes), roots=len(roots), shown=shown),
                    [(r.path, r.line) for r in top]))
    elif serves_http and any(ctx is Context.PRODUCTION for p, ctx in repo.derived(file_contexts).items()
                             if p in repo.python):
        unread = [p for p, r in sorted(repo.results.items()) if "skip" in r and repo.by_path.get(p) is not None
                  and repo.by_path[p].language == "python"]
        if unread:  # what an unparsed module defines was not seen: the absence is not established
            out.append((Message("Whether custom exception classes exist is not determined: {n} Python file(s) "
                                "could not be parsed", n=len(unread)), [(p, 0) for p in unread[:5]]))
        else:
            out.append((Message("No custom exception class is defined in production Python code"), []))
    return out
