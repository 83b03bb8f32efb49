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
from archaudit.languages.python.facts import Value, expr_text, is_expr
from archaudit.repo import Repo
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
            if child is None:
                notes.append(f"{path}:{call['line']}: {method}({child_text or '?'}) could not be resolved to "
                             "a router defined in the repository")
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


def chains(objs: dict[ObjKey, WebObject], key: ObjKey, seen: frozenset[ObjKey] = frozenset()) -> list[Chain]:
    """All (prefix, deps) under which the object `key` is served, outermost prefix first."""
    obj = objs[key]
    if not obj.parents or key in seen or len(seen) > 12:
        return [Chain(obj.prefix, tuple(obj.deps), obj.kind == "app", key)]
    out: dict[tuple[str, tuple[str, ...], ObjKey], Chain] = {}
    for m in obj.parents:
        own = obj.prefix if m.prefix is None else m.prefix
        if obj.framework == "fastapi" and m.prefix is not None:
            own = m.prefix + obj.prefix
        for up in chains(objs, m.parent, seen | {key}):
            c = Chain(_concat(up.prefix, own), up.deps + m.deps + tuple(obj.deps), up.mounted, up.root)
            out.setdefault((c.prefix, c.deps, c.root), c)
    return [out[k] for k in sorted(out)]


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
