"""API surface: every HTTP endpoint the code declares (FastAPI, Flask, Django/DRF), with its full
path, handler, guard and response model, each pointing at the line that registers it.

`find_endpoints(repo)` is the shared fact other analyses use (security rules read `Endpoint.auth`,
modularity rules read handlers); it is computed once per audit.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from operator import attrgetter

from archaudit.detect.api.django import django_endpoints
from archaudit.detect.api.endpoint import Endpoint, is_computed_path, join_path, new_endpoint, version_of
from archaudit.detect.api.error_handlers import error_facts
from archaudit.detect.api.fab import fab_endpoints
from archaudit.detect.api.fastapi_flask import RawRoute, decorated_routes, registered_routes
from archaudit.detect.api.guards import access_check, fastapi_guard, flask_guard
from archaudit.detect.api.routers import Chain, ChainExpander, WebObject, find_objects, has_test_role
from archaudit.findings import Evidence, Message
from archaudit.model import Fact, Section, Table
from archaudit.repo import Repo

_GUARD_MODULES = ("fastapi.security", "flask_login", "flask_jwt_extended", "flask_httpauth", "flask_security",
                  "rest_framework.permissions", "rest_framework_simplejwt", "django.contrib.auth.decorators",
                  "django.contrib.auth.mixins", "authlib", "fastapi_users", "jose", "jwt")
MAX_ENDPOINTS = 20_000  # (route, prefix) pairs expanded; past it the rest is "not determined"
_SORT_KEY = attrgetter("path", "method", "file", "line")  # Endpoint.sort_key, computed in C
_AUTH_LABELS = {True: Message("yes"), False: Message("no"), None: Message("not determined")}
_LABELS = {"fastapi": "FastAPI", "flask": "Flask", "django": "Django", "drf": "Django REST framework",
           "flask-appbuilder": "Flask-AppBuilder"}


@dataclass(frozen=True)
class ApiInventory:
    endpoints: list[Endpoint]
    notes: list[str]  # what could not be determined (unresolved mounts, dynamic prefixes, unmounted routers)


def find_endpoints(repo: Repo) -> list[Endpoint]:
    """Every endpoint, sorted by path, method, file, line (computed once per audit)."""
    return repo.derived(api_inventory).endpoints


def endpoints_by_handler(repo: Repo) -> dict[tuple[str, str], list[Endpoint]]:
    """(handler file, handler qualname) -> the endpoints it serves, in `find_endpoints` order; the
    handler-level rules look at each function once however many routes it serves (memoised)."""
    return repo.derived(_endpoints_by_handler)


def _endpoints_by_handler(repo: Repo) -> dict[tuple[str, str], list[Endpoint]]:
    grouped: dict[tuple[str, str], list[Endpoint]] = {}
    for e in find_endpoints(repo):
        if e.handler_file:
            grouped.setdefault((e.handler_file, e.handler), []).append(e)
    return grouped


def api_inventory(repo: Repo) -> ApiInventory:
    """Endpoints plus the notes about what could not be resolved statically."""
    objects = repo.derived(find_objects)
    notes = list(objects.unresolved)
    routes: list[tuple[RawRoute, Chain, str]] = []  # (route, chain serving it, guard evidence)
    served: dict[tuple[str, str, str], list[Chain]] = {}
    expander = ChainExpander(objects.by_key)
    for raw in decorated_routes(repo, objects) + registered_routes(repo, objects):
        if has_test_role(repo, raw.file):
            continue
        key = raw.obj.key
        if key not in served:
            served[key] = _chains_of(expander, raw.obj)
        if len(routes) + len(served[key]) > MAX_ENDPOINTS:
            notes.append(Message("more than {max_endpoints} routes once router mounts are expanded; routes from "
                                 "{file}:{line} on were not listed",
                                 max_endpoints=f"{MAX_ENDPOINTS:,}", file=raw.file, line=raw.line))
            break
        routes.extend((raw, chain, _guard(repo, raw, chain)) for chain in served[key])
    notes.extend(expander.notes)
    notes.extend(_unmounted(repo, objects.by_key))
    fab, fab_notes = fab_endpoints(repo)
    notes.extend(fab_notes)
    django, django_notes = django_endpoints(repo)
    notes.extend(django_notes)
    has_guards = any(g for _, _, g in routes) or any(ev for _, ev in django) or _imports_guard_module(repo) \
        or any(e.auth for e in fab)
    unguarded = False if has_guards else None
    out = [e for raw, chain, guard in routes for e in _expand(repo, raw, chain, guard, unguarded)]
    out += [replace(e, auth=True, auth_evidence=ev) if ev else replace(e, auth=unguarded, auth_evidence="")
            for e, ev in django]
    out += [e if e.auth else replace(e, auth=unguarded) for e in fab]
    dynamic = sorted({e.ref + ": path " + e.path + " is partly computed at run time (shown as {expression})"
                      for e in out if is_computed_path(e.path)})
    return ApiInventory(sorted(set(out), key=_SORT_KEY), sorted(set(notes)) + dynamic)


def _chains_of(expander: ChainExpander, obj: WebObject) -> list[Chain]:
    if obj.key in expander.objs:
        return expander.chains(obj.key)
    return [Chain(obj.prefix, tuple(obj.deps), obj.kind == "app", obj.key)]


def _guard(repo: Repo, raw: RawRoute, chain: Chain) -> str:
    outer = chain.deps + raw.route_deps
    if raw.obj.framework == "fastapi":
        return fastapi_guard(repo, raw.handler_file, raw.fn, outer)
    return flask_guard(raw.fn, outer, repo, raw.handler_file)


_MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE", "ANY"})


def _access(repo: Repo, raw: RawRoute, chain: Chain, guard: str) -> tuple[str, str]:
    """What the guards of a guarded route that can change data check (see guards.access_check);
    ("", "") for unguarded or read-only routes, which no rule asks about."""
    if not guard or not _MUTATING.intersection(raw.methods):
        return "", ""
    return access_check(repo, raw.handler_file, raw.fn, chain.deps + raw.route_deps)


def _expand(repo: Repo, raw: RawRoute, chain: Chain, guard: str, unguarded: bool | None) -> list[Endpoint]:
    """One endpoint per method of the route, its auth set (`unguarded` when no guard applies) and
    what its guards check (`access`)."""
    path = join_path(chain.prefix, raw.path)
    router = "app" if raw.obj.kind == "app" else raw.obj.name
    fn = raw.fn
    version = version_of(path)
    auth = True if guard else unguarded
    access, access_evidence = _access(repo, raw, chain, guard)
    return [new_endpoint(m, path, fn["qualname"], raw.file, raw.line, raw.handler_file, fn["line"],
                         raw.obj.framework, router, auth, guard, raw.response_model, fn["is_async"], version,
                         chain.app, access, access_evidence)
            for m in raw.methods]


def _imports_guard_module(repo: Repo) -> bool:
    for _, facts in repo.python_items():
        for imp in facts["imports"]:
            if imp["module"].startswith(_GUARD_MODULES):
                return True
    return False


def _unmounted(repo: Repo, objs: dict[tuple[str, str, str], WebObject]) -> list[str]:
    """Routers that no include_router/register_blueprint mounts: their paths lack any outer prefix."""
    out: list[str] = []
    for o in objs.values():
        if o.kind == "router" and not o.parents and o.line and not has_test_role(repo, o.file):
            out.append(Message("{place}: {text}", place=f"{o.file}:{o.line}", text=Message(
                "router `{name}` is never mounted by a call the audit could resolve; its endpoints are listed "
                "without an outer prefix", name=o.name)))
    return out


def section(repo: Repo) -> Section:
    """The "API surface" inventory section."""
    inv = repo.derived(api_inventory)
    eps = inv.endpoints
    rows = tuple({"method": e.method, "path": e.path, "handler": e.handler,
                  "auth": Message("{auth} ({how})", auth=_AUTH_LABELS[e.auth], how=e.auth_evidence) if e.auth_evidence
                  else _AUTH_LABELS[e.auth],
                  "response_model": e.response_model or "-", "version": e.version or "-",
                  "file": e.file, "line": e.line} for e in eps)
    frameworks = Counter(e.framework for e in eps)
    routers = Counter((e.file if e.framework in ("django", "drf") else e.file + "::" + e.router) for e in eps)
    versions = Counter(e.version for e in eps if e.version)
    facts = []
    if eps:
        facts.append(Fact(Message("Endpoints per framework: {counts}", counts=", ".join(
            f"{_LABELS.get(k, k)} {n}" for k, n in sorted(frameworks.items())))))
        facts.append(Fact(Message("{n} routers/blueprints/urls modules: {modules}", n=len(routers), modules=", ".join(
            f"{k.replace('::', ' ')} ({n})" for k, n in sorted(routers.items()))),
            tuple(Evidence(f, 0) for f in sorted({e.file for e in eps})[:20])))
        if versions:
            facts.append(Fact(Message("Endpoints per version prefix: {counts}", counts=", ".join(
                f"/{k} {n}" for k, n in sorted(versions.items())))))
        open_eps = [e for e in eps if e.auth is False]
        if open_eps:
            places = sorted({(e.file, e.line) for e in open_eps})[:20]
            facts.append(Fact(Message("{n} of {n2} endpoints have no visible auth guard",
                                      n=len(open_eps), n2=len(eps)),
                              tuple(Evidence(f, line) for f, line in places)))
        elif all(e.auth is None for e in eps):
            facts.append(Fact(Message("No authentication mechanism was found: whether endpoints are protected is "
                                      "not determined")))
    if eps:
        # imported here: the rate-limit facts read this module's endpoints
        from archaudit.detect.api.rate_limits import python_route_limits, route_limit_facts
        facts += route_limit_facts(python_route_limits(repo))
    for text, places in error_facts(repo, bool(eps)):
        facts.append(Fact(text, tuple(Evidence(f, line) for f, line in places)))
    headline = ""
    if eps:
        fw = ", ".join(_LABELS.get(k, k) for k in sorted(frameworks))
        headline = (Message("{n} endpoints ({frameworks}), {routers} routers, versions {versions}", n=len(eps),
                            frameworks=fw, routers=len(routers), versions=", ".join(sorted(versions))) if versions
                    else Message("{n} endpoints ({frameworks}), {routers} routers", n=len(eps), frameworks=fw,
                                 routers=len(routers)))
    columns = ("method", "path", "handler", "auth", "response_model", "version")
    table = Table("endpoints", "Endpoints", columns, rows)
    return Section(key="api", title="API surface", facts=tuple(facts), tables=(table,) if rows else (),
                   undetermined=tuple(inv.notes), headline=headline)
