"""Express, Fastify and Koa routes from the TypeScript/JavaScript facts.

A route is a call `<name>.<verb>(path, ..., handler)` with a literal or template path and at least
one handler, in a file that imports the framework (so `app.get('env')` or `map.get(key)` never
count). Mounts `app.use('/prefix', router)` / `fastify.register(routes, {prefix})` /
`router.use('/p', sub.routes())` are followed through the file's imports (relative specifiers
resolved to repository files), so a router file's routes carry every prefix it is mounted under.
Auth: a middleware argument or a file-wide `use(...)` whose name reads as a guard (see
`endpoint.is_auth_name`).
"""

from __future__ import annotations

import re

from archaudit.detect.api.endpoint import Endpoint, is_auth_name, join_path, version_of
from archaudit.languages.typescript.facts import CallFact, TsFacts, expr_text, is_template, template_text
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import is_ts_test, resolve_module, ts_facts

_VERBS = {
    "get": "GET",
    "post": "POST",
    "put": "PUT",
    "patch": "PATCH",
    "delete": "DELETE",
    "del": "DELETE",
    "all": "ANY",
    "head": "HEAD",
    "options": "OPTIONS",
}
_FRAMEWORKS = (
    ("fastify", "fastify"),
    ("@koa/router", "koa"),
    ("koa-router", "koa"),
    ("koa", "koa"),
    ("express", "express"),
)
_ROUTE = re.compile(r"^([A-Za-z_$][\w$]*)\.(?:route\(\)\.)?(get|post|put|patch|delete|del|all|head|options)$")
_MAX_MOUNTS = 5


def framework_of(facts: TsFacts) -> str:
    """The HTTP framework a file imports ("" when none)."""
    modules = {i["module"] for i in facts["imports"]}
    for module, name in _FRAMEWORKS:
        if module in modules:
            return name
    return ""


# koa-router joins a relative path to the router's prefix: `router.post("documents.list", ...)`
_RELATIVE_SEGMENTS = re.compile(r"[A-Za-z_][\w.-]{0,80}(?:/[\w.:*-]{1,80}){0,8}")


def _path_arg(value: object, relative: bool = False) -> str | None:
    """The route path of a registration's first argument: an absolute path, or (`relative`, on a
    koa-router instance) a relative one made of path segments, returned with its leading slash."""
    if isinstance(value, str):
        if value.startswith("/") or value in ("", "*"):
            return value
        return "/" + value if relative and _RELATIVE_SEGMENTS.fullmatch(value) else None
    if is_template(value):
        text = template_text(value)
        return text if text.startswith("/") else None
    return None


def _local_modules(facts: TsFacts) -> dict[str, str]:
    """Local name -> module specifier of every import of the file."""
    out = {}
    for imp in facts["imports"]:
        for name in imp["names"]:
            out[name.rsplit(" as ", 1)[-1]] = imp["module"]
    return out


def _mount_target(value: object) -> str:
    name = expr_text(value)
    for suffix in (".routes()", "()"):
        name = name.removesuffix(suffix)
    return name if re.fullmatch(r"[A-Za-z_$][\w$]*", name) else ""


def _mounts(repo: Repo) -> dict[str, list[tuple[str, str]]]:
    """child file -> [(parent file, prefix)] for every router mounted from another file."""
    out: dict[str, list[tuple[str, str]]] = {}
    for path, facts in repo.derived(ts_facts).items():
        if is_ts_test(path) or not framework_of(facts):
            continue
        local = _local_modules(facts)
        for call in facts["calls"]:
            method = call["callee"].rsplit(".", 1)[-1]
            args = call["args"]
            if method == "use" and len(args) >= 2 and isinstance(args[0], str):
                prefix, targets = args[0], args[1:]
            elif method == "register" and args:
                opts = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
                raw = opts.get("prefix")
                prefix, targets = (raw if isinstance(raw, str) else ""), args[:1]
            else:
                continue
            for target in targets:
                spec = local.get(_mount_target(target))
                child = resolve_module(repo, path, spec) if spec else None
                if child and child != path:
                    out.setdefault(child, []).append((path, str(prefix)))
    return out


def _prefixes(file: str, mounts: dict[str, list[tuple[str, str]]], depth: int = 0) -> list[str]:
    if depth > 8 or file not in mounts:
        return [""]
    out = []
    for parent, prefix in sorted(mounts[file]):
        out += [join_path(p, prefix) for p in _prefixes(parent, mounts, depth + 1)]
    return sorted(set(out))[:_MAX_MOUNTS]


def _file_guards(facts: TsFacts) -> list[str]:
    """Auth-looking middlewares applied to a whole router/app with `use(guard)`."""
    out = []
    for call in facts["calls"]:
        if call["callee"].endswith(".use") and call["args"] and not isinstance(call["args"][0], str):
            out += [expr_text(a) for a in call["args"] if is_auth_name(expr_text(a))]
    return out


def _router_prefix(facts: TsFacts) -> str:
    """Koa `new Router({prefix: '/x'})` prefix of the file, if any."""
    for call in facts["calls"]:
        if call["callee"] == "new Router" and call["args"] and isinstance(call["args"][0], dict):
            prefix = call["args"][0].get("prefix")
            if isinstance(prefix, str):
                return prefix
    return ""


def _koa_routers(facts: TsFacts) -> bool:
    """The file imports koa-router and builds a Router: its `router.verb("segment", ...)` calls are routes."""
    return framework_of(facts) == "koa" and any(c["callee"] == "new Router" for c in facts["calls"])


def _routes(facts: TsFacts) -> list[tuple[CallFact, str, str, int]]:
    """(call, verb, path, index of the first middleware argument) of each route registration."""
    by_line = {(c["line"], c["callee"]): c for c in facts["calls"]}
    koa = _koa_routers(facts)
    out = []
    for call in facts["calls"]:
        m = _ROUTE.match(call["callee"])
        if m and ".route()." in call["callee"]:
            inner = by_line.get((call["line"], m.group(1) + ".route"))
            path = _path_arg(inner["args"][0]) if inner and inner["args"] else None
            if path is not None and call["args"]:
                out.append((call, _VERBS[m.group(2)], path, 0))
        elif m and len(call["args"]) >= 2:
            relative = koa and m.group(1).lower().endswith("router")
            path = _path_arg(call["args"][0], relative)
            if path is not None:
                out.append((call, _VERBS[m.group(2)], path, 1))
        elif call["callee"].endswith(".route") and call["args"] and isinstance(call["args"][0], dict):
            opts = call["args"][0]
            url, verb = opts.get("url") or opts.get("path"), opts.get("method")
            if isinstance(url, str) and isinstance(verb, str) and verb.lower() in _VERBS:
                out.append((call, _VERBS[verb.lower()], url, 1))
    return out


def route_calls(facts: TsFacts) -> list[tuple[CallFact, str, str, int]]:
    """(call, verb, path, index of the first middleware argument) of each route registration of a file
    (what `find_express_endpoints` reads; the rate-limit facts read the middlewares)."""
    return _routes(facts)


def mounted_from(repo: Repo) -> dict[str, list[tuple[str, str]]]:
    """child file -> [(parent file, prefix)] of every router mounted from another file (memoised)."""
    return repo.derived(_mounts)


def find_express_endpoints(repo: Repo) -> list[Endpoint]:
    """Routes of Express/Fastify/Koa apps and routers, with mount prefixes applied."""
    mounts = repo.derived(_mounts)
    all_facts = repo.derived(ts_facts)
    any_guard = any(
        _file_guards(f) or any(is_auth_name(expr_text(a)) for c, _, _, i in _routes(f) for a in c["args"][i:-1])
        for p, f in all_facts.items()
        if framework_of(f) and not is_ts_test(p)
    )
    out = []
    for path, facts in all_facts.items():
        framework = framework_of(facts)
        if not framework or is_ts_test(path):
            continue
        file_guards = _file_guards(facts)
        inherited = [g for parent, _ in mounts.get(path, []) for g in _file_guards(all_facts[parent])]
        own_prefix = _router_prefix(facts)
        for call, verb, sub, first in _routes(facts):
            middle = [expr_text(a) for a in call["args"][first:-1] if is_auth_name(expr_text(a))]
            guards = middle or file_guards or inherited
            handler = expr_text(call["args"][-1]) if call["args"] else ""
            handler = "(inline function)" if handler in ("", "function") else handler
            for prefix in _prefixes(path, mounts):
                full = join_path(prefix, own_prefix, sub)
                full = full.rstrip("/") or "/" if sub == "/" else full
                out.append(
                    Endpoint(
                        method=verb,
                        path=full,
                        handler=handler,
                        file=path,
                        line=call["line"],
                        handler_file=path,
                        handler_line=call["line"],
                        framework=framework,
                        router=call["callee"].split(".", 1)[0],
                        auth=bool(guards) if any_guard else None,
                        auth_evidence=", ".join(sorted(set(guards))),
                        version=version_of(full),
                    )
                )
    return sorted(out, key=lambda e: e.sort_key)
