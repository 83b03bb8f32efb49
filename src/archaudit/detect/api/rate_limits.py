"""Rate limiting as the code shows it, resolved once per audit for every rule and section that asks.

A limiter is *credited* (requests may be limited; the rate-limit rules stay silent) on any live sign:
a limiter library imported in application code (slowapi, flask-limiter, django-ratelimit, DRF
throttling, express-rate-limit, rate-limiter-flexible...), an identifier, file, function or class named
for a limiter or a throttle, or a proxy/gateway rule (`detect.deploy.proxy.rate_limited_by_proxy`).
That keeps the trust discipline: anything that may limit requests silences the claim.

Two signs are proven *inert* and not credited, each kept with its place so a finding can say why:
- a Python function named for a limiter whose body does nothing: no statement, or a decorator whose
  innermost wrapper only calls the wrapped function with the same arguments (`return await func(*args,
  **kwargs)`) and which calls nothing else (`functools.wraps` aside);
- a slowapi / flask-limiter `Limiter(...)` built without default limits and never applied (no
  `@limiter.limit`, no call on it, not read anywhere else), the library imported for nothing else;
- NestJS `ThrottlerModule` configured while no serving file references `ThrottlerGuard` (neither
  `APP_GUARD` nor `@UseGuards(ThrottlerGuard)` nor a subclass): @nestjs/throttler throttles nothing
  without its guard.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archaudit.detect.api.endpoint import Endpoint, is_login
from archaudit.detect.api.express import find_express_endpoints, route_calls
from archaudit.detect.api.section import find_endpoints
from archaudit.detect.api.ts_apps import importers, serving
from archaudit.detect.deploy.proxy import rate_limited_by_proxy
from archaudit.findings import Evidence, Message
from archaudit.languages.python.facts import FunctionFact, ModuleFacts, expr_text
from archaudit.model import Fact
from archaudit.repo import Repo
from archaudit.resolve.python_index import function_index, is_app_code
from archaudit.resolve.typescript_index import package_name, ts_facts

PY_LIMITER_MODULES = ("slowapi", "flask_limiter", "fastapi_limiter", "django_ratelimit", "ratelimit", "ratelimiter",
                      "limits", "axes", "rest_framework.throttling", "starlette_ratelimit", "asgi_ratelimit",
                      "fastapi_throttle", "aiolimiter", "throttled")
PY_LIMITER_NAMES = ("ratelimit", "rate_limit", "limiter", "throttle")
TS_LIMITER_MODULES = ("@nestjs/throttler", "express-rate-limit", "rate-limiter-flexible", "express-slow-down",
                      "express-brute", "koa-ratelimit", "koa2-ratelimit", "@fastify/rate-limit", "fastify-rate-limit",
                      "nestjs-throttler-storage-redis", "@nest-lab/throttler-storage-redis", "express-limiter",
                      "bottleneck", "limiter", "ratelimiter", "@upstash/ratelimit")
TS_LIMITER_NAME = re.compile(r"rate[-_]?limit|throttl|limiter", re.IGNORECASE)
# Limiter objects whose construction alone limits nothing until applied (decorators, middleware, defaults).
_PY_INSTANCE_MODULES = ("slowapi", "flask_limiter")
_PY_DEFAULT_LIMITS = ("default_limits", "application_limits")
_NOOP_BODIES = ("pass", "ellipsis", "docstring-only", "not-implemented", "empty-return")
_WRAPS = ("wraps", "functools.wraps")
# @nestjs/throttler's own decorators: they configure its guard and do nothing without it
_THROTTLER_DECORATORS = ("Throttle", "SkipThrottle")
_KEY_HELPERS = re.compile(r"address|remote|key|ip", re.IGNORECASE)


@dataclass(frozen=True)
class Inert:
    """A limiter that limits nothing: where it is and why (report text)."""

    path: str
    line: int
    why: Message


@dataclass(frozen=True)
class Limiting:
    """What one language's code shows: the first live sign (None when none), and the inert ones."""

    credited: tuple[str, int] | None
    inert: tuple[Inert, ...]


# ---------------------------------------------------------------- Python

def _matches(name: str) -> bool:
    low = name.lower()
    return any(f in low for f in PY_LIMITER_NAMES)


def _noop_function(facts: ModuleFacts, fn: FunctionFact) -> bool:
    """`fn` does nothing: an empty body, or a decorator (factory) whose only call is the wrapped
    function called back with the arguments it was given, in a one-statement innermost wrapper."""
    if fn["body"] in _NOOP_BODIES:
        return True
    scope = fn["qualname"]
    inner = [f for f in facts["functions"] if f["qualname"].startswith(scope + ".")]
    if not inner:
        return False
    params = {p for f in [fn, *inner] for p in f["params"]}
    calls = [c for c in facts["calls"] if c["func"] == scope or c["func"].startswith(scope + ".")]
    passthrough = [c for c in calls if c["name"] in params and c.get("star_kwargs")
                   and any(expr_text(a) == "Starred" for a in c["args"])]
    others = [c for c in calls if c not in passthrough and c["name"] not in _WRAPS]
    innermost = [f for f in inner if not any(g["qualname"].startswith(f["qualname"] + ".") for g in inner)]
    return bool(passthrough) and not others and all(f["statements"] == 1 for f in innermost)


def _unapplied_instances(path: str, facts: ModuleFacts,
                         name_files: dict[str, set[str]]) -> list[tuple[str, int, str]]:
    """(name, line, class) of each slowapi/flask-limiter Limiter built at module level in `path` without
    default limits and never applied: no decorator or call on it, not read in this file or another."""
    constructors = {}
    for imp in facts["imports"]:
        if imp["module"].split(".")[0] in _PY_INSTANCE_MODULES:
            for n in imp["names"]:
                constructors[n.split(" as ")[-1]] = n.split(" as ")[0]
    out = []
    for a in facts["assigns"]:
        value = expr_text(a["value"])
        cls = value[:-2] if value.endswith("()") else ""
        if a["func"] or "." in a["target"] or constructors.get(cls, "") not in ("Limiter",):
            continue
        name = a["target"]
        build = [c for c in facts["calls"] if c["line"] == a["line"] and c["name"] == cls]
        if any(k in c["kwargs"] for c in build for k in _PY_DEFAULT_LIMITS) or name_files.get(name, set()) - {path}:
            continue
        used = any(d["name"].startswith(name + ".") or d["name"] == name
                   for f in facts["functions"] for d in f["decorators"])
        used = used or any(c["name"].startswith(name + ".") or
                           any(expr_text(v) == name for v in [*c["args"], *c["kwargs"].values()])
                           for c in facts["calls"])
        used = used or any(expr_text(x["value"]) == name for x in facts["assigns"])
        if not used:
            out.append((name, a["line"], cls))
    return out


def _limiter_imports(facts: ModuleFacts) -> list[tuple[int, str, list[str]]]:
    out = []
    for imp in facts["imports"]:
        m = imp["module"]
        if not imp["level"] and any(m == x or m.startswith(x + ".") for x in PY_LIMITER_MODULES):
            out.append((imp["line"], m, [n.split(" as ")[-1] for n in imp["names"]]))
        elif not imp["level"]:
            for n in imp["names"]:
                full = f"{m}.{n.split(' as ')[0]}"
                if full in PY_LIMITER_MODULES:
                    out.append((imp["line"], full, [n.split(" as ")[-1]]))
    return out


def python_limiting(repo: Repo) -> Limiting:
    """Python application code's rate limiting (memoised): the first live sign, and the inert ones."""
    return repo.derived(_python_limiting)


def _python_limiting(repo: Repo) -> Limiting:
    files = sorted((p, f) for p, f in repo.python_items() if is_app_code(repo, p))
    inert: list[Inert] = []
    noop_names: set[str] = set()
    live_fn_names: set[str] = set()
    for path, facts in files:
        for fn in facts["functions"]:
            if fn["cls"] or "." in fn["qualname"] or not _matches(fn["name"]):
                continue
            if _noop_function(facts, fn):
                noop_names.add(fn["name"])
                inert.append(Inert(path, fn["line"], Message(
                    "the {name} decorator defined at {place} does nothing (its wrapper only calls the wrapped "
                    "function)", name=fn["name"], place=f"{path}:{fn['line']}")))
            else:
                live_fn_names.add(fn["name"])
    noop_names -= live_fn_names
    names_by_file = {p: {n for n in f["names"] if _matches(n)} for p, f in files}
    name_files: dict[str, set[str]] = {}
    for p, ns in names_by_file.items():
        for n in ns:
            name_files.setdefault(n, set()).add(p)
    live: list[tuple[str, int]] = []
    for path, facts in files:
        instances = _unapplied_instances(path, facts, name_files) if names_by_file[path] else []
        explained = noop_names | {n for n, _, _ in instances} | {c for _, _, c in instances}
        for _name, line, _ in instances:
            inert.append(Inert(path, line, Message(
                "the limiter built at {place} is never applied (no default limits, no decorator, not used "
                "elsewhere)", place=f"{path}:{line}")))
        for line, _, names in _limiter_imports(facts):
            helpers = all(n in explained or _KEY_HELPERS.search(n) for n in names) and bool(names)
            if not (instances and helpers):
                live.append((path, line))
        unexplained = [n for n in names_by_file[path] if n not in explained]
        unexplained += [f["name"] for f in facts["functions"] if _matches(f["name"]) and f["name"] not in explained]
        unexplained += [c["name"] for c in facts["classes"] if _matches(c["name"])]
        if unexplained:
            live.append((path, 1))
        if live:
            break  # the first file (by path) with a live sign: the inert ones no longer matter
    return Limiting(min(live) if live else None, tuple(sorted(inert, key=lambda i: (i.path, i.line))))


# ---------------------------------------------------------------- TypeScript

def _throttler_guarded(repo: Repo) -> bool:
    """A serving file references ThrottlerGuard (imports it, or a class extends it)."""
    for path, facts in repo.derived(ts_facts).items():
        if not serving(repo, path):
            continue
        for imp in facts["imports"]:
            if any(n.split(" as ")[0].strip() == "ThrottlerGuard" for n in imp["names"]):
                return True
        if any("ThrottlerGuard" in c["extends"] for c in facts["classes"]):
            return True
    return False


def _local_ts_limiter(repo: Repo) -> tuple[str, int] | None:
    """A limiter written in the repository: a serving file or a function, class or decorator named for it."""
    for path, facts in sorted(repo.derived(ts_facts).items()):
        if not serving(repo, path):
            continue
        if TS_LIMITER_NAME.search(path.rsplit("/", 1)[-1]):
            return (path, 1)
        for f in facts["functions"]:
            if TS_LIMITER_NAME.search(f["name"]):
                return (path, f["line"])
        for c in facts["classes"]:
            if TS_LIMITER_NAME.search(c["name"]):
                return (path, c["line"])
            for m in c["methods"]:
                for d in m["decorators"]:
                    if TS_LIMITER_NAME.search(d["name"]) and d["name"] not in _THROTTLER_DECORATORS:
                        return (path, d["line"])
    return None


def ts_limiting(repo: Repo) -> Limiting:
    """TypeScript/JavaScript serving code's rate limiting (memoised)."""
    return repo.derived(_ts_limiting)


def _ts_limiting(repo: Repo) -> Limiting:
    inert: list[Inert] = []
    live: list[tuple[str, int]] = []
    by_module: dict[str, list[tuple[str, int]]] = {}
    for path, imp in importers(repo, TS_LIMITER_MODULES):  # one pass over the imports
        by_module.setdefault(package_name(imp["module"]), []).append((path, imp["line"]))
    for module, places in sorted(by_module.items()):
        if module == "@nestjs/throttler" and not _throttler_guarded(repo):
            for path in sorted({p for p, _ in places}):
                line = _throttler_module_line(repo, path)
                inert.append(Inert(path, line, Message(
                    "ThrottlerModule is configured at {place} but no ThrottlerGuard is registered (APP_GUARD or "
                    "@UseGuards), so nothing is throttled", place=f"{path}:{line}")))
            continue
        live += places
    local = _local_ts_limiter(repo)
    if local:
        live.append(local)
    return Limiting(min(live) if live else None, tuple(sorted(inert, key=lambda i: (i.path, i.line))))


def _throttler_module_line(repo: Repo, path: str) -> int:
    facts = repo.derived(ts_facts).get(path)
    if facts:
        for call in facts["calls"]:
            if call["callee"].startswith("ThrottlerModule."):
                return call["line"]
        for imp in facts["imports"]:
            if imp["module"] == "@nestjs/throttler":
                return imp["line"]
    return 1


def proxy_limits(repo: Repo) -> bool:
    """A proxy or gateway in the tree limits request rates (re-exported for the rules)."""
    return rate_limited_by_proxy(repo)


# ---------------------------------------------------------------- which credential routes are limited

@dataclass(frozen=True)
class RouteLimits:
    """Express credential routes split by whether a limiter middleware sits on them: `limited` pairs each
    route with the limiter's name. Only built when limiters are applied route by route and nothing else
    can limit (see `route_limits`)."""

    limited: tuple[tuple[Endpoint, str], ...]
    unlimited: tuple[Endpoint, ...]


def _is_limiter(text: str) -> bool:
    return bool(TS_LIMITER_NAME.search(text.rsplit(".", 1)[-1].split("(", 1)[0]))


def route_limits(repo: Repo) -> RouteLimits | None:
    """Which Express credential routes (`endpoint.is_login`) carry a limiter middleware (memoised).

    None (not determined) unless the reach of every limiter is visible: a live limiter is credited, no
    proxy or gateway limits requests, and limiters are only route arguments (`router.post('/login',
    loginLimiter, login)`): none is given to `use(...)` (application, router or path-wide), and none is
    called inside a function (a handler consuming rate-limiter-flexible points, a limiter factory).
    Every credential route must be an Express one (NestJS/Fastify/Koa limits are applied otherwise)."""
    return repo.derived(_route_limits)


def _route_limits(repo: Repo) -> RouteLimits | None:
    if ts_limiting(repo).credited is None or proxy_limits(repo):
        return None
    facts_by_path = repo.derived(ts_facts)
    for path, facts in facts_by_path.items():
        if not serving(repo, path):
            continue
        for call in facts["calls"]:
            callee = call["callee"]
            if callee.endswith((".use", ".register")) and any(_is_limiter(expr_text(a)) for a in call["args"]):
                return None  # applied to an application, a router or a path prefix
            if call["func"] and (_is_limiter(callee) or callee.endswith((".consume", ".penalty"))):
                return None  # a limiter used in code: its reach is not a route argument
    limiters: dict[tuple[str, int], str] = {}
    for path, facts in facts_by_path.items():
        if not serving(repo, path):
            continue
        for call, _, _, first in route_calls(facts):
            names = [expr_text(a) for a in call["args"][first:-1] if _is_limiter(expr_text(a))]
            if names:
                limiters[(path, call["line"])] = names[0]
    logins = [e for e in repo.derived(find_express_endpoints) if is_login(e)]
    if not logins or any(e.framework != "express" for e in logins):
        return None
    limited = tuple((e, limiters[(e.file, e.line)]) for e in logins if (e.file, e.line) in limiters)
    unlimited = tuple(e for e in logins if (e.file, e.line) not in limiters)
    return RouteLimits(limited, unlimited)


def python_route_limits(repo: Repo) -> RouteLimits | None:
    """Which FastAPI/Flask credential routes carry a limiter decorator (`@limiter.limit("5/minute")`,
    a project's own `@rate_limit(...)` that does something), memoised.

    None (not determined) unless the reach of every limiter is visible: a live limiter is credited, no
    proxy limits requests, every credential route is a FastAPI or Flask one (Django views are limited
    through method_decorator, DRF throttle classes or middleware), and the only things named for a limiter
    are decorators on functions, their definitions, imports and limiter objects built without default
    limits: no other call, argument, class, setting or assignment names one (`app.add_middleware(
    SlowAPIMiddleware)`, `limiter.limit(...)(blueprint)`, `RATELIMIT_DEFAULT`, a throttle middleware)."""
    return repo.derived(_python_route_limits)


_ERROR_HANDLERS = ("add_exception_handler", "errorhandler", "register_error_handler", "exception_handler")


def _value_names_limiter(value: object) -> bool:
    return _matches(str(value))


def _python_route_limits(repo: Repo) -> RouteLimits | None:
    if python_limiting(repo).credited is None or proxy_limits(repo):
        return None
    logins = [e for e in find_endpoints(repo) if is_login(e)]
    if not logins or any(e.framework not in ("fastapi", "flask") for e in logins):
        return None
    for path, facts in repo.python_items():
        if not is_app_code(repo, path):
            continue
        decorator_lines = {d["line"] for fn in facts["functions"] for d in fn["decorators"]}
        if any(_matches(c["name"]) for c in facts["classes"]):
            return None
        for call in facts["calls"]:
            if call["line"] in decorator_lines:
                continue
            constructor = call["name"].rsplit(".", 1)[-1] in ("Limiter",) and not any(
                k in call["kwargs"] for k in _PY_DEFAULT_LIMITS) and not call["func"]
            if constructor:
                continue
            if call["name"].endswith(_ERROR_HANDLERS):
                continue  # slowapi's 429 handler: answers a limit, applies none
            values = [*call["args"], *call["kwargs"].values()]
            if _matches(call["name"]) or any(_value_names_limiter(v) for v in values):
                return None
        for a in facts["assigns"]:
            value = expr_text(a["value"]) if isinstance(a["value"], dict) else a["value"]
            if a["target"].endswith(".state.limiter"):
                continue  # slowapi's `app.state.limiter = limiter`: where the decorators find it
            if (_matches(a["target"]) and not str(value).endswith("Limiter()")) or \
                    (not _matches(a["target"]) and _value_names_limiter(value)):
                return None
    index = repo.derived(function_index)
    limited: list[tuple[Endpoint, str]] = []
    unlimited: list[Endpoint] = []
    for e in logins:
        fn = index.get((e.handler_file, e.handler))
        if fn is None:
            return None
        names = [d["name"] for d in fn["decorators"] if _matches(d["name"])]
        live = [n for n in names if n.rsplit(".", 1)[-1] not in _python_noop_names(repo)]
        if live:
            limited.append((e, live[0]))
        else:
            unlimited.append(e)
    return RouteLimits(tuple(limited), tuple(unlimited))


def _python_noop_names(repo: Repo) -> frozenset[str]:
    """Names of module-level Python functions named for a limiter whose body does nothing."""
    return repo.derived(_noop_names)


def _noop_names(repo: Repo) -> frozenset[str]:
    out: set[str] = set()
    live: set[str] = set()
    for path, facts in repo.python_items():
        if not is_app_code(repo, path):
            continue
        for fn in facts["functions"]:
            if not fn["cls"] and "." not in fn["qualname"] and _matches(fn["name"]):
                (out if _noop_function(facts, fn) else live).add(fn["name"])
    return frozenset(out - live)


def route_limit_facts(limits: RouteLimits | None) -> list[Fact]:
    """The inventory line saying which credential routes carry a limiter, when limiters are applied
    route by route (`route_limits`, `python_route_limits`); none when that is not determined."""
    if limits is None or not limits.limited:
        return []
    limited = ", ".join(f"{e.method} {e.path} ({name})" for e, name in limits.limited[:8])
    if not limits.unlimited:
        return [Fact(Message("Rate limits on credential routes: every one is limited: {limited}", limited=limited),
                     tuple(Evidence(e.file, e.line) for e, _ in limits.limited[:8]))]
    unlimited = ", ".join(f"{e.method} {e.path}" for e in limits.unlimited[:8])
    return [Fact(Message("Rate limits on credential routes: {limited} limited; not limited: {unlimited}",
                         limited=limited, unlimited=unlimited),
                 tuple(Evidence(e.file, e.line) for e, _ in limits.limited[:4])
                 + tuple(Evidence(e.file, e.line) for e in limits.unlimited[:4]))]
