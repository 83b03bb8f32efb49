"""Application and router objects (FastAPI/APIRouter, Flask/Blueprint) and how they are mounted.

Routes are declared on a variable (`@router.get`, `@bp.route`); their full path depends on the
chain of `include_router` / `register_blueprint` calls that mount that variable, possibly across
modules. This module indexes those objects once, resolves names through imports (including
package re-exports and router factories `create_router()`), and expands every object into the
list of prefixes under which it is served.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from archaudit.detect.api.endpoint import is_auth_name
from archaudit.findings import Message
from archaudit.languages.python.facts import Value, expr_text, is_expr
from archaudit.repo import Repo
from archaudit.resolve.graphs import strongly_connected
from archaudit.resolve.python_index import calls_by_method, import_aliases, qualified

_KINDS = {"FastAPI": ("fastapi", "app"), "APIRouter": ("fastapi", "router"), "Flask": ("flask", "app"),
          "Blueprint": ("flask", "router"), "APIBlueprint": ("flask", "router"), "APIFlask": ("flask", "app")}
_MOUNTS = ("include_router", "register_blueprint")
ObjKey = tuple[str, str, str]  # (file, scope qualname or "", variable)


@dataclass
class WebObject:
    """One app/router/blueprint variable, its own prefix and guard dependencies, and its mounts."""

    file: str
    scope: str
    name: str
    line: int
    framework: str
    kind: str  # app | router
    prefix: str = ""
    deps: list[str] = field(default_factory=list)  # dependency texts, e.g. "Depends(verify_token)"
    parents: list[Mount] = field(default_factory=list)

    @property
    def key(self) -> ObjKey:
        return (self.file, self.scope, self.name)


@dataclass(frozen=True)
class Mount:
    parent: ObjKey
    prefix: str | None  # None: keep the child's own prefix (Flask register_blueprint without url_prefix)
    deps: tuple[str, ...]
    file: str
    line: int


@dataclass
class Objects:
    by_key: dict[ObjKey, WebObject]
    unresolved: list[str]  # human notes: mounts whose child could not be resolved, dynamic prefixes


def scopes_of(qualname: str) -> list[str]:
    """Enclosing function scopes of a definition, innermost first, ending with module level ""."""
    parts = qualname.split(".")[:-1]
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)] + [""]


def definitions(repo: Repo) -> dict[str, set[str]]:
    """Per file: names bound at module level (functions, classes, assignments)."""
    out: dict[str, set[str]] = {}
    for path, facts in repo.python_items():
        names = {f["name"] for f in facts["functions"] if "." not in f["qualname"]}
        names |= {c["name"] for c in facts["classes"]}
        names |= {a["target"] for a in facts["assigns"]
                  if not a["func"] and not a["cls"] and "." not in a["target"]}
        out[path] = names
    return out


def _symbol_memo(repo: Repo) -> dict[tuple[str, str], tuple[str, str] | None]:
    """Per audit: (path, name) -> resolve_symbol's answer (handlers repeat the same few names)."""
    return {}


def resolve_symbol(repo: Repo, path: str, name: str, depth: int = 0) -> tuple[str, str] | None:
    """(file, dotted name inside that file) a name used in `path` refers to, following imports and
    package re-exports; None for third-party or unknown names."""
    memo = repo.derived(_symbol_memo)
    key = (path, name)
    if key not in memo:
        memo[key] = _resolve_symbol(repo, path, name, depth)
    return memo[key]


def _resolve_symbol(repo: Repo, path: str, name: str, depth: int) -> tuple[str, str] | None:
    head = name.split(".")[0]
    aliases = repo.derived(import_aliases).get(path, {})
    if head in repo.derived(definitions).get(path, set()) and head not in aliases:
        return (path, name)
    if head not in aliases or depth > 5:
        return None
    target = qualified(aliases, name)
    found = repo.internal_module(target)
    if found is None:
        return None
    mpath, module = found
    rest = target[len(module) + 1:] if target != module else ""
    if not rest:
        return None
    if rest.split(".")[0] in repo.derived(import_aliases).get(mpath, {}):
        return _resolve_symbol(repo, mpath, rest, depth + 1)
    return (mpath, rest)


def constants(repo: Repo) -> dict[str, str]:
    """UPPER_CASE names bound to one string literal across the repository (module constants and
    settings-class fields), so `prefix=settings.API_V1_STR` resolves to "/api/v1". A name bound
    to two different strings is left out: not determined rather than guessed."""
    seen: dict[str, set[str]] = defaultdict(set)
    for _, facts in repo.python_items():
        for a in facts["assigns"]:
            if not a["func"] and a["target"].isupper() and isinstance(a["value"], str):
                seen[a["target"]].add(a["value"])
        for c in facts["classes"]:
            for f in c["fields"]:
                if f["name"].isupper() and isinstance(f["value"], str):
                    seen[f["name"]].add(f["value"])
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}


def _str_or_expr(repo: Repo, value: Value) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    text = expr_text(value) or "?"
    const = repo.derived(constants).get(text.rsplit(".", 1)[-1])
    return const if const is not None else "{" + text + "}"


def _deps(value: Value) -> list[str]:
    if isinstance(value, list):
        return [expr_text(v) for v in value if is_expr(v)]
    return []


def has_test_role(repo: Repo, path: str) -> bool:
    """A file classified as a test by its path. Test apps mount production routers under test
    prefixes: they are not the served surface."""
    f = repo.by_path.get(path)
    return f is not None and f.role == "test"


def _collect(repo: Repo) -> dict[ObjKey, WebObject]:
    objs: dict[ObjKey, WebObject] = {}
    index = repo.derived(calls_by_method)
    # constructor calls (FastAPI(...), APIRouter(...)...) by (file, line, scope, callee text)
    calls = {(p, c["line"], c["func"], c["name"]): c for k in _KINDS for p, c, _ in index.get(k, ())}
    for path, facts in repo.python_items():
        if has_test_role(repo, path):
            continue
        aliases = repo.derived(import_aliases)[path]
        for a in facts["assigns"]:
            text = expr_text(a["value"])
            if a["cls"] or "." in a["target"] or not text.endswith(")"):
                continue
            ctor = text.split("(", 1)[0]
            if "." in ctor and ctor.rsplit(".", 1)[-1] not in _KINDS:
                continue  # imports only rename the head: `x.APIRouter` keeps its last part
            full = qualified(aliases, ctor)
            base = full.rsplit(".", 1)[-1]
            if base not in _KINDS or ("." in full and not full.startswith(("fastapi", "flask", "apiflask",
                                                                           "starlette"))):
                continue
            framework, kind = _KINDS[base]
            call = calls.get((path, a["line"], a["func"], ctor))
            kwargs = call["kwargs"] if call else {}
            prefix = _str_or_expr(repo, kwargs.get("prefix" if framework == "fastapi" else "url_prefix"))
            obj = WebObject(path, a["func"], a["target"], a["line"], framework, kind, prefix,
                            _deps(kwargs.get("dependencies")))
            objs[obj.key] = obj
    return objs


def lookup(repo: Repo, objs: dict[ObjKey, WebObject], path: str, scope: str, name: str) -> WebObject | None:
    """The object a variable name (or `factory()` call, or `module.router`) used in function
    `scope` ("" at module level) of `path` designates."""
    factory = name.endswith("()")
    name = name.removesuffix("()")
    if not factory:
        for enclosing in scopes_of(scope + ".x" if scope else "x"):
            if (path, enclosing, name) in objs:
                return objs[(path, enclosing, name)]
    target = resolve_symbol(repo, path, name)
    if target is None:
        return None
    tpath, tname = target
    if factory:  # the router built inside a factory function
        inner = [o for o in objs.values() if o.file == tpath and o.scope == tname]
        return inner[0] if len(inner) == 1 else None
    return objs.get((tpath, "", tname))


def files_calling(repo: Repo, *methods: str) -> list[str]:
    """Sorted paths of the modules that call a callee whose last name part is one of `methods`:
    the only files a scan for `x.include_router(...)`-like calls needs to visit."""
    index = repo.derived(calls_by_method)
    return sorted({ref[0] for m in methods for ref in index.get(m, ())})


def find_objects(repo: Repo) -> Objects:
    """Every app/router object with its mounts (memoise through `repo.derived`)."""
    objs = _collect(repo)
    notes: list[str] = []
    implicit: dict[ObjKey, WebObject] = {}
    for path in files_calling(repo, *_MOUNTS):
        if has_test_role(repo, path):
            continue
        for call in repo.python[path]["calls"]:
            owner, _, method = call["name"].rpartition(".")
            if method not in _MOUNTS or not owner or not call["args"]:
                continue
            child_text = expr_text(call["args"][0])
            child = lookup(repo, objs, path, call["func"], child_text) if child_text else None
            if child is None and child_text:
                child = _passed_in(repo, objs, path, call["func"], child_text)
            if child is None:
                notes.append(Message("{path}:{line}: {method}({value}) could not be resolved to a router defined in "
                                     "the repository",
                                     path=path, line=call['line'], method=method, value=child_text or '?'))
                continue
            parent = lookup(repo, objs, path, call["func"], owner)
            if parent is None:  # e.g. `app` local to create_app(): an application root
                key = (path, call["func"], owner)
                parent = implicit.setdefault(key, WebObject(path, call["func"], owner, call["line"],
                                                            child.framework, "app"))
            kw = call["kwargs"]
            raw = kw.get("prefix", kw.get("url_prefix"))
            prefix = None if raw is None and child.framework == "flask" else _str_or_expr(repo, raw or "")
            child.parents.append(Mount(parent.key, prefix, tuple(_deps(kw.get("dependencies"))), path,
                                       call["line"]))
    objs.update({k: v for k, v in implicit.items() if k not in objs})
    _add_before_request_guards(repo, objs)
    return Objects(objs, sorted(set(notes)))


def _passed_in(repo: Repo, objs: dict[ObjKey, WebObject], path: str, func: str, name: str) -> WebObject | None:
    """One call deep: `name` is a parameter of the function mounting it (`create_application(router)`
    doing `app.include_router(router)`), and every call of that function in the repository passes the
    same router object; then that object is what is mounted. Several different routers: None."""
    fn = next((f for f in repo.python[path]["functions"] if f["qualname"] == func), None)
    if fn is None or name not in fn["params"]:
        return None
    index = fn["params"].index(name) - (1 if fn["cls"] and fn["params"][:1] in (["self"], ["cls"]) else 0)
    found: set[ObjKey] = set()
    for caller in files_calling(repo, fn["name"]):
        for call in repo.python[caller]["calls"]:
            if call["name"].rsplit(".", 1)[-1] != fn["name"]:
                continue
            arg = call["kwargs"].get(name, call["args"][index] if 0 <= index < len(call["args"]) else None)
            text = expr_text(arg) if arg is not None else ""
            obj = lookup(repo, objs, caller, call["func"], text) if text else None
            if obj is None:
                return None
            found.add(obj.key)
    return objs[found.pop()] if len(found) == 1 else None


def _add_before_request_guards(repo: Repo, objs: dict[ObjKey, WebObject]) -> None:
    """A Flask `@bp.before_request` hook named like a guard protects every view of `bp`."""
    for path, facts in repo.python_items():
        for fn in facts["functions"]:
            for dec in fn["decorators"]:
                owner, _, method = dec["name"].rpartition(".")
                if owner and method in ("before_request", "before_app_request") and is_auth_name(fn["name"]):
                    obj = lookup(repo, objs, path, fn["qualname"].rpartition(".")[0], owner)
                    if obj is not None:
                        obj.deps.append(f"before_request({fn['name']})")


@dataclass(frozen=True)
class Chain:
    """One way an object is served: the full prefix and the guard dependencies met on the way."""

    prefix: str
    deps: tuple[str, ...]
    mounted: bool
    root: ObjKey = ("", "", "")  # the outermost object reached: the application when `mounted`

    @property
    def app(self) -> str:
        """Which application serves the chain ("file:name"), "" when no application was reached."""
        return f"{self.root[0]}:{self.root[2]}" if self.mounted else ""


MAX_MOUNT_DEPTH = 20  # mount levels followed upwards from a router (real applications use a handful)
MAX_CHAINS = 2_000  # prefixes kept per router: fan-out (each router mounted 4 times by the next) is exponential
MAX_EXPANSION_STEPS = 200_000  # chains built in one expansion, whatever the shape of the mount graph


class ChainExpander:
    """Expands objects into the chains (full prefix, guards) that serve them, within a budget.

    Mount graphs come from untrusted code: an include cycle is cut (the mount closing it on the
    current path is not followed), and depth, prefixes per router and total work are capped; every
    cut is recorded in `notes` ("not determined" in the report) instead of being expanded into
    millions of rows. A result depends on the path that reached it only through the members of its
    own include cycle on that path, so it is memoised under (object, those members): linear work for
    acyclic fan-out, whatever is cut."""

    def __init__(self, objs: dict[ObjKey, WebObject]) -> None:
        self.objs = objs
        self.notes: set[str] = set()
        self._cycle = _cycle_members(objs)
        self._memo: dict[tuple[ObjKey, frozenset[ObjKey]], list[Chain]] = {}
        self._steps = 0

    def chains(self, key: ObjKey) -> list[Chain]:
        """All (prefix, deps) under which the object `key` is served, outermost prefix first; its own
        prefix alone (not mounted) when every mount of it was cut."""
        found = self._up(key, ())
        if found:
            return found
        obj = self.objs[key]
        return [Chain(obj.prefix, tuple(obj.deps), obj.kind == "app", key)]

    def _up(self, key: ObjKey, below: tuple[ObjKey, ...]) -> list[Chain]:
        obj = self.objs[key]
        if not obj.parents:
            return [Chain(obj.prefix, tuple(obj.deps), obj.kind == "app", key)]
        cycle = self._cycle.get(key)
        memo_key = (key, cycle.intersection(below) if cycle else frozenset())
        if memo_key in self._memo:
            return self._memo[memo_key]
        result = self._expand(obj, (*below, key)) if len(below) < MAX_MOUNT_DEPTH else self._too_deep(obj)
        self._memo[memo_key] = result
        return result

    def _too_deep(self, obj: WebObject) -> list[Chain]:
        self.notes.add(f"{obj.file}:{obj.line}: router `{obj.name}` is mounted through more than "
                       f"{MAX_MOUNT_DEPTH} levels; the mounts above were not followed")
        return []

    def _expand(self, obj: WebObject, path: tuple[ObjKey, ...]) -> list[Chain]:
        out: dict[tuple[str, tuple[str, ...], ObjKey], Chain] = {}
        for m in obj.parents:
            if m.parent in path:
                self.notes.add(f"{m.file}:{m.line}: include cycle: `{obj.name}` is mounted into `{m.parent[2]}`, "
                               f"which is itself served under `{obj.name}`; this mount was not followed")
                continue
            if not self._add(obj, m, self._up(m.parent, path), out):
                break
        result = [out[k] for k in sorted(out)]
        if len(result) > MAX_CHAINS:
            self.notes.add(f"{obj.file}:{obj.line}: router `{obj.name}` is served under more than {MAX_CHAINS:,} "
                           f"prefixes (mount fan-out); only the first {MAX_CHAINS:,} are listed")
            result = result[:MAX_CHAINS]
        return result

    def _add(self, obj: WebObject, m: Mount, ups: list[Chain],
             out: dict[tuple[str, tuple[str, ...], ObjKey], Chain]) -> bool:
        """Chains of `obj` through mount `m` into `out`; False once the work budget is spent."""
        own = obj.prefix if m.prefix is None else m.prefix
        if obj.framework == "fastapi" and m.prefix is not None:
            own = m.prefix + obj.prefix
        for up in ups:
            self._steps += 1
            if self._steps > MAX_EXPANSION_STEPS:
                self.notes.add(f"router mounts expand past {MAX_EXPANSION_STEPS:,} chains (mount fan-out); "
                               f"the expansion stopped at `{obj.name}` ({obj.file}:{obj.line})")
                return False
            c = Chain(_concat(up.prefix, own), up.deps + m.deps + tuple(obj.deps), up.mounted, up.root)
            out.setdefault((c.prefix, c.deps, c.root), c)
        return True


def _cycle_members(objs: dict[ObjKey, WebObject]) -> dict[ObjKey, frozenset[ObjKey]]:
    """Object -> the objects of its include cycle (its strongly connected component in the
    child -> parent mount graph), for objects on a cycle only. Tarjan's algorithm, iterative:
    (`resolve.graphs`, iterative: mount chains from untrusted code can be deeper than the recursion limit)."""
    graph = {key: [m.parent for m in obj.parents if m.parent in objs] for key, obj in objs.items()}
    out: dict[ObjKey, frozenset[ObjKey]] = {}
    for members in strongly_connected(graph):
        if len(members) > 1 or members[0] in graph[members[0]]:
            out.update(dict.fromkeys(members, frozenset(members)))
    return out


def _concat(a: str, b: str) -> str:
    if a.endswith("/") and b.startswith("/"):
        return a + b[1:]
    if a and b and not a.endswith("/") and not b.startswith("/"):
        return a + "/" + b
    return a + b


def by_file(objs: dict[ObjKey, WebObject]) -> dict[str, list[WebObject]]:
    out: dict[str, list[WebObject]] = defaultdict(list)
    for o in objs.values():
        out[o.file].append(o)
    return out
