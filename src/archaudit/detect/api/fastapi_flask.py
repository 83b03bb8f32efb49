"""FastAPI and Flask endpoints: route decorators (`@router.get`, `@bp.route`, `@app.api_route`) and
imperative registrations (`add_api_route`, `add_url_rule` with functions or `MethodView.as_view`),
expanded under every prefix chain their router is mounted with (see routers)."""

from __future__ import annotations

import ast
from typing import NamedTuple

from archaudit.detect.api.endpoint import HTTP_METHODS
from archaudit.detect.api.routers import Objects, WebObject, constants, files_calling, lookup, resolve_symbol
from archaudit.languages.python.facts import Decorator, FunctionFact, Value, expr_text
from archaudit.languages.python.values import source
from archaudit.repo import Repo
from archaudit.resolve.python_index import imported_top_levels

_ROUTE_METHODS = frozenset({*HTTP_METHODS, "route", "api_route", "websocket"})


class RawRoute(NamedTuple):
    """A route before prefix expansion: declared on `obj`, handled by `fn` (a tuple: one per route,
    tens of thousands on large services, cheaper to build than a frozen dataclass)."""

    obj: WebObject
    methods: tuple[str, ...]
    path: str
    file: str
    line: int
    handler_file: str
    fn: FunctionFact
    response_model: str
    route_deps: tuple[str, ...]


def _methods(method: str, value: Value) -> tuple[str, ...]:
    if method == "websocket":
        return ("WS",)
    if method in HTTP_METHODS:
        return (method.upper(),)
    if isinstance(value, list | tuple) and value and all(isinstance(v, str) for v in value):
        return tuple(sorted({v.upper() for v in value}))
    return ("GET",) if value is None else ("ANY",)


def _kwarg_source(text: str, name: str) -> str:
    """Exact source of keyword `name` in a decorator's text (values such as list[User] are not literals)."""
    start = text.find(name + "=")
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start = text.find(name + "=", start + 1)
    if start < 0:
        return ""
    depth, i = 0, start + len(name) + 1
    for j in range(i, len(text)):  # up to the next top-level comma or the closing parenthesis
        ch = text[j]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                return text[i:j].strip()[:120]
            depth -= 1
        elif ch == "," and depth == 0:
            return text[i:j].strip()[:120]
    return text[i:].strip()[:120]


def _response_model(dec: Decorator, decorators: list[Decorator]) -> str:
    """response_model= of the route, else a spectree/flask-smorest response model stacked on it."""
    model = _kwarg_source(dec.get("text", ""), "response_model") or expr_text(dec["kwargs"].get("response_model"))
    if model and model != "None":
        return model
    for other in decorators:
        text = other.get("text", "")
        for key in ("response_model", "resp", "response"):
            src = _kwarg_source(text, key)
            if src and key == "resp":
                try:
                    call = ast.parse(src, mode="eval").body
                except (SyntaxError, ValueError, RecursionError):
                    continue
                if isinstance(call, ast.Call):
                    ok = [source(k.value) for k in call.keywords if (k.arg or "").startswith("HTTP_2")]
                    if ok:
                        return ok[0][:120]
            elif src and src != "None" and other is not dec:
                return src
        for key in ("response_model", "response"):
            plain = expr_text(other["kwargs"].get(key)) if other is not dec else ""
            if plain and not plain.endswith(("[]", "()")):
                return plain
    return ""


def dynamic_path(repo: Repo, value: Value) -> str:
    """A route given as an expression: a repository-wide string constant, else `{expr}` (the
    inventory lists it as not determined)."""
    text = expr_text(value) or "?"
    const = repo.derived(constants).get(text.rsplit(".", 1)[-1])
    return const if const is not None else "{" + text + "}"


def _deps(value: Value) -> tuple[str, ...]:
    return tuple(expr_text(v) for v in value if expr_text(v)) if isinstance(value, list) else ()


def _is_web_module(repo: Repo, path: str) -> str:
    tops = repo.derived(imported_top_levels).get(path, set())
    if "fastapi" in tops:
        return "fastapi"
    return "flask" if tops & {"flask", "apiflask", "flask_smorest"} else ""


def _owner(repo: Repo, objects: Objects, path: str, scope: str, owner: str,
           cache: dict[tuple[str, str], WebObject]) -> WebObject | None:
    obj = lookup(repo, objects.by_key, path, scope, owner)
    if obj is not None:
        return obj
    framework = _is_web_module(repo, path)
    if not framework:
        return None
    # a variable we could not trace (e.g. `app` built elsewhere): keep the route, served at its own path
    key = (path, owner)
    if key not in cache:
        cache[key] = WebObject(path, "?", owner, 0, framework, "app" if owner == "app" else "router")
    return cache[key]


def decorated_routes(repo: Repo, objects: Objects) -> list[RawRoute]:
    """Routes declared by decorators on functions."""
    out: list[RawRoute] = []
    unknown: dict[tuple[str, str], WebObject] = {}
    owners: dict[tuple[str, str], WebObject | None] = {}  # (scope, owner) -> object, per file
    for path, facts in repo.python_items():
        owners.clear()
        for fn in facts["functions"]:
            for dec in fn["decorators"]:
                owner, _, method = dec["name"].rpartition(".")
                if not owner or method not in _ROUTE_METHODS or not dec["call"]:
                    continue
                kw = dec["kwargs"]
                route = dec["args"][0] if dec["args"] else kw.get("path", kw.get("rule"))
                if route is None:
                    continue
                key = (fn["qualname"].rpartition(".")[0], owner)
                if key not in owners:
                    owners[key] = _owner(repo, objects, path, key[0], owner, unknown)
                obj = owners[key]
                if obj is None:
                    continue
                route = route if isinstance(route, str) else dynamic_path(repo, route)
                methods = _methods(method, kw.get("methods"))
                out.append(RawRoute(obj, methods, route, path, dec["line"], path, fn,
                                    _response_model(dec, fn["decorators"]), _deps(kw.get("dependencies"))))
    return out


def registered_routes(repo: Repo, objects: Objects) -> list[RawRoute]:
    """Routes registered by `add_api_route(path, endpoint)` / `add_url_rule(rule, view_func=...)`."""
    out: list[RawRoute] = []
    unknown: dict[tuple[str, str], WebObject] = {}
    for path in files_calling(repo, "add_api_route", "add_url_rule"):
        for call in repo.python[path]["calls"]:
            owner, _, method = call["name"].rpartition(".")
            if method not in ("add_api_route", "add_url_rule") or not owner or not call["args"]:
                continue
            route = call["args"][0]
            kw = call["kwargs"]
            view = kw.get("endpoint") if method == "add_api_route" else kw.get("view_func")
            if view is None and len(call["args"]) > (1 if method == "add_api_route" else 2):
                view = call["args"][1 if method == "add_api_route" else 2]
            view_text = expr_text(view)
            obj = _owner(repo, objects, path, call["func"], owner, unknown)
            if not isinstance(route, str) or not view_text or obj is None:
                continue
            out.extend(_view_routes(repo, obj, path, call["line"], route, view_text, kw))
    return out


def _view_routes(repo: Repo, obj: WebObject, path: str, line: int, route: str, view: str,
                 kw: dict[str, Value]) -> list[RawRoute]:
    is_class_view = view.endswith(".as_view()")
    target = resolve_symbol(repo, path, view.removesuffix(".as_view()").removesuffix("()"))
    if target is None:
        return []
    tpath, tname = target
    funcs = {f["qualname"]: f for f in repo.python[tpath]["functions"]}
    deps = _deps(kw.get("dependencies"))
    model = expr_text(kw.get("response_model")) if kw.get("response_model") else ""
    if not is_class_view:
        fn = funcs.get(tname)
        if fn is None:
            return []
        methods = _methods("route", kw.get("methods"))
        return [RawRoute(obj, methods, route, path, line, tpath, fn, model, deps)]
    out = []
    for verb in HTTP_METHODS:
        fn = funcs.get(f"{tname}.{verb}")
        if fn is not None:
            out.append(RawRoute(obj, (verb.upper(),), route, path, line, tpath, fn, model, deps))
    return out
