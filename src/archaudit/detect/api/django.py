"""Django and Django REST framework endpoints from `urlpatterns`.

A urls module lists `path()`/`re_path()`/`url()` entries; `include("app.urls")` mounts another urls
module under a prefix, `include(router.urls)` mounts a DRF router whose `register("users", ViewSet)`
calls declare viewsets. Full paths compose along include chains starting at urls modules that no
other module includes. Methods come from `@api_view([...])`/`@require_http_methods([...])`, from the
verb methods of a class-based view, else "ANY" (the view dispatches every method itself).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from archaudit.detect.api.endpoint import HTTP_METHODS, Endpoint, is_auth_name, join_path, version_of
from archaudit.detect.api.routers import MAX_CHAINS, MAX_MOUNT_DEPTH, has_test_role, resolve_symbol
from archaudit.findings import Message
from archaudit.languages.python.facts import CallFact, ClassFact, FunctionFact, Value, expr_text
from archaudit.repo import Repo

_PATTERNS = frozenset({"path", "re_path", "url"})
_VERB_DECORATORS = {"require_GET": ("GET",), "require_POST": ("POST",), "require_safe": ("GET", "HEAD")}
_GUARD_MIXINS = ("LoginRequiredMixin", "PermissionRequiredMixin", "UserPassesTestMixin", "AccessMixin")
_OPEN = ("AllowAny",)


@dataclass(frozen=True)
class _Entry:
    file: str
    line: int
    route: str
    view: str  # view expression text, "" for an include
    include: str  # dotted urls module, "router:<var>" for a DRF router, "" for a plain view


def _clean(route: str) -> str:
    return route.removeprefix("^").removesuffix("$")


def _entries(repo: Repo, path: str) -> list[_Entry]:
    calls = repo.python[path]["calls"]
    spans = {s[0]: s[1] for s in repo.python[path].get("include_lists", [])}
    named = {s[0]: (s[1], s[2]) for s in repo.python[path].get("list_spans", [])}  # include(_api_urlpatterns)
    out: list[_Entry] = []
    owners: list[tuple[int, int, int, str]] = []  # (first, last line of the inline list, index, route)
    for i, call in enumerate(calls):
        name = call["name"].rsplit(".", 1)[-1]
        if call["func"] or name not in _PATTERNS or len(call["args"]) < 2 \
                or not isinstance(call["args"][0], str):
            continue
        view = expr_text(call["args"][1])
        include = ""
        if view.startswith("include("):
            nxt: CallFact | None = calls[i + 1] if i + 1 < len(calls) else None
            if nxt is None or not nxt["name"].endswith("include") or not nxt["args"]:
                continue
            target: Value = nxt["args"][0]
            if isinstance(target, list) and len(target) == 2 and (
                    isinstance(target[0], str) or expr_text(target[0]) in named
                    or expr_text(target[0]).endswith(".urls")):
                target = target[0]  # include((patterns, app_name), namespace=...)
            if isinstance(target, str):
                include = target
            elif expr_text(target).endswith(".urls"):
                include = "router:" + expr_text(target).removesuffix(".urls")
            elif isinstance(target, list) and nxt["line"] in spans:
                owners.append((nxt["line"], spans[nxt["line"]], len(out), _clean(call["args"][0])))
                include = "inline"
            elif expr_text(target) in named:
                first, last = named[expr_text(target)]
                owners.append((first, last, len(out), _clean(call["args"][0])))
                include = "inline"
            else:
                include = "?" + (expr_text(target) or "?")
            view = ""
        out.append(_Entry(path, call["line"], _clean(call["args"][0]), view, include))
    if owners:
        out = _nest(out, owners)
    for a in repo.python[path]["assigns"]:  # urlpatterns += router.urls
        if a["target"] == "urlpatterns" and not a["func"] and expr_text(a["value"]).endswith(".urls"):
            var = expr_text(a["value"]).removesuffix(".urls")
            out.append(_Entry(path, a["line"], "", "", "router:" + var))
    return out


def _nest(entries: list[_Entry], owners: list[tuple[int, int, int, str]]) -> list[_Entry]:
    """Prefix the entries written inside `path("event/<slug>/", include([...]))` with the routes of
    every enclosing inline include (outermost first); the owners themselves serve nothing."""
    out = []
    for k, e in enumerate(entries):
        if e.include == "inline":
            continue
        prefix = [route for first, last, index, route in owners if index != k and first <= e.line <= last]
        out.append(_Entry(e.file, e.line, join_path(*prefix, e.route) if prefix else e.route, e.view, e.include))
    return out


def _url_modules(repo: Repo) -> list[str]:
    return [p for p, facts in repo.python_items() if not has_test_role(repo, p)
            and any(a["target"] == "urlpatterns" and not a["func"] for a in facts["assigns"])]


def _urls_module(repo: Repo, name: str, entries: dict[str, list[_Entry]]) -> str | None:
    """The urls module `include('app.urls')` names: exact, or the one urls module whose dotted name
    ends with it (Django projects put their apps folder on sys.path: `projects.urls` is
    `label_studio/projects/urls.py`). None when absent or ambiguous."""
    exact = repo.modules.get(name)
    if exact in entries:
        return exact
    matches = [p for p in entries if repo.module_of.get(p, "").endswith("." + name)]
    return matches[0] if len(matches) == 1 else None


def _prefixes(modules: list[str], entries: dict[str, list[_Entry]], repo: Repo,
              notes: list[str]) -> dict[str, list[str]]:
    """Prefixes each urls module is served under (roots: modules nobody includes -> [""]), at most
    MAX_CHAINS each (a cut is added to `notes`)."""
    parents: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for mod in modules:
        for e in entries[mod]:
            plain = e.include and not e.include.startswith(("?", "router:"))
            child = _urls_module(repo, e.include, entries) if plain else None
            if child is not None and child in entries:
                parents[child].append((mod, e.route))
    memo: dict[str, list[str]] = {}

    def walk(mod: str, seen: frozenset[str]) -> list[str]:
        if mod in memo:
            return memo[mod]
        if not parents.get(mod) or mod in seen or len(seen) >= MAX_MOUNT_DEPTH:
            return [""]
        out = sorted({join_path(p, r) for parent, r in parents[mod] for p in walk(parent, seen | {mod})})
        if len(out) > MAX_CHAINS:  # include() fan-out: the prefixes multiply at every level
            notes.append(Message("{mod}: served under more than {max_chains} prefixes (include fan-out); only the "
                                 "first {max_chains} are listed",
                                 mod=mod, max_chains=f"{MAX_CHAINS:,}"))
            out = out[:MAX_CHAINS]
        memo[mod] = out
        return out

    return {mod: walk(mod, frozenset()) for mod in modules}


def _drf_default_guard(repo: Repo) -> str:
    for _, facts in repo.python_items():
        for a in facts["assigns"]:
            if a["target"] == "REST_FRAMEWORK" and isinstance(a["value"], dict):
                perms = a["value"].get("DEFAULT_PERMISSION_CLASSES")
                if isinstance(perms, list | tuple) and perms \
                        and not any(str(p).endswith(_OPEN) for p in perms):
                    return "REST_FRAMEWORK DEFAULT_PERMISSION_CLASSES"
    return ""


def _class_guard(cls: ClassFact, drf_default: str, drf: bool, repo: Repo | None = None, path: str = "",
                 depth: int = 0) -> str:
    """The guard a class-based view declares or inherits: a login/permission mixin among its bases,
    DRF permission_classes, or (followed through the project's own base classes, e.g.
    `class TeamView(PermissionRequired)` where `PermissionRequired(PermissionRequiredMixin)`) the
    same on an ancestor."""
    for base in cls["bases"]:
        if base.endswith(_GUARD_MIXINS):
            return base.rsplit(".", 1)[-1]
    for f in cls["fields"]:
        if f["name"] == "permission_classes":
            names = [expr_text(v) for v in f["value"]] if isinstance(f["value"], list | tuple) else []
            if names and not any(n.endswith(_OPEN) for n in names):
                return "permission_classes=[" + ", ".join(names) + "]"
            return ""
    if repo is not None and depth < 6:
        for base in cls["bases"]:
            parent = _repo_class(repo, path, base)
            if parent is not None:
                inherited = _class_guard(parent[1], "", False, repo, parent[0], depth + 1)
                if inherited:
                    return inherited if inherited.startswith("inherited") else f"inherited from {base}: {inherited}"
    return drf_default if drf else ""


def _repo_class(repo: Repo, path: str, name: str) -> tuple[str, ClassFact] | None:
    """(file, class facts) of a class of the repository that `name`, used in `path`, refers to."""
    target = resolve_symbol(repo, path, name)
    if target is None:
        return None
    cls = next((c for c in repo.python[target[0]]["classes"] if c["name"] == target[1]), None)
    return (target[0], cls) if cls is not None else None


def _fn_guard(fn: FunctionFact, drf_default: str) -> str:
    names = [d["name"] for d in fn["decorators"]]
    guard = next((n for n in names if is_auth_name(n) and n.rsplit(".", 1)[-1] != "api_view"), "")
    if guard:
        return "@" + guard
    return drf_default if any(n.endswith("api_view") for n in names) else ""


def _fn_methods(fn: FunctionFact) -> tuple[str, ...]:
    for d in fn["decorators"]:
        base = d["name"].rsplit(".", 1)[-1]
        if base in _VERB_DECORATORS:
            return _VERB_DECORATORS[base]
        if base in ("api_view", "require_http_methods"):
            arg = d["args"][0] if d["args"] else d["kwargs"].get("http_method_names")
            if isinstance(arg, list | tuple) and all(isinstance(m, str) for m in arg) and arg:
                return tuple(sorted({m.upper() for m in arg}))
            return ("GET",) if base == "api_view" else ("ANY",)
    return ("ANY",)


def django_endpoints(repo: Repo) -> tuple[list[tuple[Endpoint, str]], list[str]]:
    """(endpoint, guard evidence) for every urlpatterns entry, plus notes on what stayed unresolved."""
    modules = _url_modules(repo)
    entries = {m: _entries(repo, m) for m in modules}
    notes: list[str] = []
    prefixes = _prefixes(modules, entries, repo, notes)
    drf_default = _drf_default_guard(repo)
    out: list[tuple[Endpoint, str]] = []
    for mod in modules:
        for e in entries[mod]:
            if e.include.startswith("?"):
                notes.append(Message("{mod}:{line}: include({value}) could not be resolved",
                                     mod=mod, line=e.line, value=e.include[1:]))
                continue
            if e.include and not e.include.startswith("router:"):
                if _urls_module(repo, e.include, entries) is None:
                    notes.append(Message("{mod}:{line}: include(`{include}`) names no urls module in the repository",
                                         mod=mod, line=e.line, include=e.include))
                continue
            for prefix in prefixes[mod]:
                base = join_path(prefix, e.route)
                if e.include:
                    out.extend(_router_endpoints(repo, mod, e.include[7:], base, drf_default))
                else:
                    out.extend(_view_endpoints(repo, mod, e, base, drf_default))
    return out, sorted(set(notes))


def _endpoint(method: str, path: str, handler: str, e_file: str, line: int, h_file: str, h_line: int,
              framework: str, router: str, is_async: bool, guard: str) -> tuple[Endpoint, str]:
    return (Endpoint(method=method, path=path, handler=handler, file=e_file, line=line, handler_file=h_file,
                     handler_line=h_line, framework=framework, router=router, auth=None, is_async=is_async,
                     version=version_of(path)), guard)


def _view_endpoints(repo: Repo, mod: str, e: _Entry, path: str,
                    drf_default: str) -> list[tuple[Endpoint, str]]:
    target = resolve_symbol(repo, mod, e.view.removesuffix(".as_view()"))
    if target is None:  # a view from an installed package (admin.site.urls, auth views...)
        guard = "Django admin login" if e.view.endswith("admin.site.urls") else ""
        router = repo.module_of.get(mod, mod)
        if not e.view:
            return []
        return [_endpoint("ANY", path, e.view, mod, e.line, "", 0, "django", router, False, guard)]
    tfile, tname = target
    facts = repo.python[tfile]
    router = repo.module_of.get(mod, mod)
    if not e.view.endswith(".as_view()"):
        fn = next((f for f in facts["functions"] if f["qualname"] == tname), None)
        if fn is None:
            return []
        drf = any(d["name"].endswith("api_view") for d in fn["decorators"])
        return [_endpoint(m, path, tname, mod, e.line, tfile, fn["line"], "drf" if drf else "django", router,
                          fn["is_async"], _fn_guard(fn, drf_default)) for m in _fn_methods(fn)]
    cls = next((c for c in facts["classes"] if c["name"] == tname), None)
    if cls is None:
        return []
    drf = any("APIView" in b or "ViewSet" in b or b.startswith(("generics.", "viewsets."))
              for b in cls["bases"])
    guard = _class_guard(cls, drf_default, drf, repo, tfile)
    verbs = [f for f in facts["functions"] if f["cls"] == tname and f["name"] in HTTP_METHODS]
    fw = "drf" if drf else "django"
    if not verbs:
        return [_endpoint("ANY", path, tname, mod, e.line, tfile, cls["line"], fw, router, False, guard)]
    return [_endpoint(f["name"].upper(), path, f["qualname"], mod, e.line, tfile, f["line"], fw, router,
                      f["is_async"], guard) for f in verbs]


def _router_endpoints(repo: Repo, mod: str, var: str, base: str,
                      drf_default: str) -> list[tuple[Endpoint, str]]:
    out = []
    for call in repo.python[mod]["calls"]:
        if call["name"] != var + ".register" or len(call["args"]) < 2 or not isinstance(call["args"][0], str):
            continue
        target = resolve_symbol(repo, mod, expr_text(call["args"][1]))
        cls = None
        if target is not None:
            cls = next((c for c in repo.python[target[0]]["classes"] if c["name"] == target[1]), None)
        if target is None or cls is None:
            continue
        path = join_path(base, _clean(call["args"][0]), "/")
        out.append(_endpoint("ANY", path, target[1], mod, call["line"], target[0], cls["line"], "drf",
                             var, False, _class_guard(cls, drf_default, True, repo, target[0])))
    return out
