"""NestJS from the TypeScript facts: modules, controllers, endpoints (with global prefix, URI
versioning and guards), providers.

Auth of an endpoint: True when a guard applies (class or method `@UseGuards`, a global guard
registered as `APP_GUARD` or through `app.useGlobalGuards`) and the handler is not opted out by a
`@Public()`-like decorator; False when the project has guards but none applies; None when no guard
mechanism is visible at all (not determined).
"""

from __future__ import annotations

from dataclasses import dataclass

from archaudit.detect.api.endpoint import Endpoint, join_path, version_of
from archaudit.languages.typescript.facts import ClassFact, Decorator, MethodFact, expr_text
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import is_ts_test, package_of, ts_facts

ROUTE_DECORATORS = {
    "Get": "GET",
    "Post": "POST",
    "Put": "PUT",
    "Patch": "PATCH",
    "Delete": "DELETE",
    "All": "ANY",
    "Head": "HEAD",
    "Options": "OPTIONS",
}
_PUBLIC = frozenset({"Public", "IsPublic", "SkipAuth", "AllowAnonymous", "NoAuth", "Unprotected", "PublicRoute"})


@dataclass(frozen=True)
class NestModule:
    name: str
    file: str
    line: int
    imports: tuple[str, ...]
    controllers: tuple[str, ...]
    providers: tuple[str, ...]
    exports: tuple[str, ...]
    global_guards: tuple[str, ...]


@dataclass(frozen=True)
class NestApp:
    """Bootstrap settings of one package (read from main.ts-like files)."""

    prefix: str
    prefix_ref: str
    versioning: str  # "uri", "header", "media-type", "" when not enabled
    default_version: str
    global_guards: tuple[str, ...]
    cors: tuple[str, ...]  # refs of enableCors calls


def _names(value: object) -> tuple[str, ...]:
    """Readable names of a decorator list value: identifiers, `X.forRoot()` calls, provider objects."""
    if not isinstance(value, list):
        return ()
    out = []
    for v in value:
        if isinstance(v, dict) and "provide" in v:
            provide = expr_text(v["provide"]) or str(v["provide"])
            used = next(
                (expr_text(v[k]) or str(v[k]) for k in ("useClass", "useExisting", "useFactory", "useValue") if k in v),
                "",
            )
            out.append(f"{provide} -> {used}" if used else provide)
        else:
            out.append(expr_text(v) or str(v))
    return tuple(out)


def _deco(items: list[Decorator], name: str) -> Decorator | None:
    return next((d for d in items if d["name"] == name or d["name"].endswith("." + name)), None)


def find_nest_modules(repo: Repo) -> list[NestModule]:
    """Classes decorated with @Module, sorted by file."""
    out = []
    for path, facts in repo.derived(ts_facts).items():
        for cls in facts["classes"]:
            deco = _deco(cls["decorators"], "Module")
            if deco is None or not deco["call"]:
                continue
            meta = deco["args"][0] if deco["args"] and isinstance(deco["args"][0], dict) else {}
            providers = _names(meta.get("providers"))
            guards = tuple(p.split(" -> ", 1)[1] for p in providers if p.startswith("APP_GUARD -> "))
            out.append(
                NestModule(
                    cls["name"],
                    path,
                    deco["line"],
                    _names(meta.get("imports")),
                    _names(meta.get("controllers")),
                    providers,
                    _names(meta.get("exports")),
                    guards,
                )
            )
    return sorted(out, key=lambda m: (m.file, m.line))


def nest_apps(repo: Repo) -> dict[str, NestApp]:
    """Per package folder: global prefix, versioning, global guards, CORS calls found in its code."""
    found: dict[str, dict[str, list[tuple[str, object, str]]]] = {}
    for path, facts in repo.derived(ts_facts).items():
        if is_ts_test(path):
            continue
        pkg = package_of(repo, path)
        folder = pkg.folder if pkg else ""
        for call in facts["calls"]:
            method = call["callee"].rsplit(".", 1)[-1]
            if (
                method in ("setGlobalPrefix", "enableVersioning", "useGlobalGuards", "enableCors")
                and "." in call["callee"]
            ):
                arg = call["args"][0] if call["args"] else None
                found.setdefault(folder, {}).setdefault(method, []).append(
                    (f"{path}:{call['line']}", arg, call["callee"])
                )
    apps = {}
    for folder, calls in found.items():
        prefix, ref = "", ""
        for r, arg, _ in calls.get("setGlobalPrefix", []):
            if isinstance(arg, str):
                prefix, ref = arg, r
                break
        versioning, default = "", ""
        for _, arg, _ in calls.get("enableVersioning", []):
            kind = expr_text(arg.get("type")) if isinstance(arg, dict) else ""
            versioning = kind.rsplit(".", 1)[-1].lower().replace("_", "-") or "uri"
            dv = arg.get("defaultVersion") if isinstance(arg, dict) else None
            default = dv if isinstance(dv, str) else ""
        guards = tuple(expr_text(a) or str(a) for _, a, _ in calls.get("useGlobalGuards", []) if a is not None)
        apps[folder] = NestApp(
            prefix, ref, versioning, default, guards, tuple(r for r, _, _ in calls.get("enableCors", []))
        )
    return apps


def _first_path(args: list[object]) -> str | None:
    if not args:
        return ""
    arg = args[0]
    if isinstance(arg, list):
        arg = arg[0] if arg else ""
    if isinstance(arg, dict) and not expr_text(arg):
        arg = arg.get("path", "")
        arg = arg[0] if isinstance(arg, list) and arg else arg
    return arg if isinstance(arg, str) else None


def _version(decos: list[Decorator], meta: object) -> str:
    d = _deco(decos, "Version")
    if d and d["args"] and isinstance(d["args"][0], str):
        return d["args"][0]
    if isinstance(meta, dict) and isinstance(meta.get("version"), str):
        return str(meta["version"])
    return ""


def _guards(decos: list[Decorator]) -> list[str]:
    d = _deco(decos, "UseGuards")
    return [expr_text(a) or str(a) for a in d["args"]] if d else []


def _is_public(decos: list[Decorator]) -> bool:
    for d in decos:
        base = d["name"].rsplit(".", 1)[-1]
        if base in _PUBLIC or (base == "SetMetadata" and d["args"] and "public" in str(d["args"][0]).lower()):
            return True
    return False


ClassTraits = tuple[str, list[str], bool]  # (version, guards, public) declared on a controller class


def _class_traits(cls: ClassFact, ctrl: Decorator) -> ClassTraits:
    """What a controller class declares for all of its handlers (computed once per class)."""
    return (_version(cls["decorators"], ctrl["args"][0] if ctrl["args"] else None), _guards(cls["decorators"]),
            _is_public(cls["decorators"]))


def _endpoint(
    path: str,
    cls: ClassFact,
    ctrl: Decorator,
    method: MethodFact,
    verb: Decorator,
    app: NestApp | None,
    global_guards: list[str],
    any_guard: bool,
    traits: ClassTraits,
) -> Endpoint:
    base, sub = _first_path(ctrl["args"]), _first_path(verb["args"])
    if base is None or sub is None:
        base, sub = base if base is not None else "{expr}", sub if sub is not None else "{expr}"
    cls_version, cls_guards, cls_public = traits
    version = _version(method["decorators"], None) or cls_version
    version = version or (app.default_version if app else "")
    vseg = f"v{version}" if app and app.versioning == "uri" and version else ""
    full = join_path(app.prefix if app else "", vseg, base, sub)
    guards = _guards(method["decorators"]) or cls_guards or global_guards
    public = _is_public(method["decorators"]) or cls_public
    auth: bool | None = (bool(guards) and not public) if any_guard else None
    evidence = "@Public()" if guards and public else ", ".join(guards)
    return Endpoint(
        method=ROUTE_DECORATORS[verb["name"]],
        path=full,
        handler=f"{cls['name']}.{method['name']}",
        file=path,
        line=verb["line"],
        handler_file=path,
        handler_line=method["line"],
        framework="nestjs",
        router=cls["name"],
        auth=auth,
        auth_evidence=evidence,
        version=f"v{version}" if vseg else version_of(full),
    )


def find_nest_endpoints(repo: Repo) -> list[Endpoint]:
    """Every @Get/@Post/... handler of every @Controller class, with prefixes and guards applied."""
    apps = repo.derived(nest_apps)
    modules = repo.derived(find_nest_modules)
    facts = repo.derived(ts_facts)
    module_guards: dict[str, set[str]] = {}
    for m in modules:
        pkg = package_of(repo, m.file)
        module_guards.setdefault(pkg.folder if pkg else "", set()).update(m.global_guards)
    any_guard = (
        any(module_guards.values())
        or any(a.global_guards for a in apps.values())
        or any(
            _deco(c["decorators"], "UseGuards") or any(_deco(m["decorators"], "UseGuards") for m in c["methods"])
            for f in facts.values()
            for c in f["classes"]
        )
    )
    out = []
    for path, f in facts.items():
        if is_ts_test(path):
            continue
        pkg = package_of(repo, path)
        folder = pkg.folder if pkg else ""
        app = apps.get(folder)
        global_guards = [*sorted(module_guards.get(folder, ())), *(app.global_guards if app else ())]
        for cls in f["classes"]:
            ctrl = _deco(cls["decorators"], "Controller")
            if ctrl is None:
                continue
            traits = _class_traits(cls, ctrl)
            for method in cls["methods"]:
                for verb in method["decorators"]:
                    if verb["name"] in ROUTE_DECORATORS and verb["call"]:
                        out.append(_endpoint(path, cls, ctrl, method, verb, app, global_guards, any_guard, traits))
    return sorted(out, key=lambda e: e.sort_key)
