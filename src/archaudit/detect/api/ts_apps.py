"""The HTTP applications of a TypeScript/JavaScript repository, and the middleware the code applies.

An application is where a server object is created in serving code: `NestFactory.create(...)`
(a NestJS bootstrap), `express()` in a file importing express, `new Koa()` in a file importing koa,
`fastify()` / `Fastify()` in a file importing fastify. Tests, scripts, seeders, samples and docs
are not applications (their file context is not production).

A NestJS bootstrap may hand the application to a function (`setupApp(app)`): when that function
comes from a package that is not in the repository, what it applies cannot be seen, and
`TsApp.unfollowed` names it, so rules about missing middleware say "not determined" there.

`repo_imports(repo, modules)` tells whether any serving file of the repository imports one of the
modules: middleware can be applied anywhere (a Nest module's `configure()`, a shared setup file).
"""

from __future__ import annotations

from dataclasses import dataclass

from archaudit.languages.typescript.facts import CallFact, Import, TsFacts, expr_text
from archaudit.repo import Repo
from archaudit.resolve.context import Context, context_of
from archaudit.resolve.typescript_index import is_ts_test, package_name, package_of, resolve_import, ts_facts

_NEST_APP_METHODS = frozenset({
    "listen", "use", "enableCors", "useGlobalPipes", "useGlobalGuards", "useGlobalFilters", "useGlobalInterceptors",
    "setGlobalPrefix", "enableVersioning", "enableShutdownHooks", "get", "register", "useWebSocketAdapter",
    "connectMicroservice", "startAllMicroservices", "init", "select", "set", "getHttpAdapter",
})
# packages whose functions receive the app without applying middleware to it (documentation, DI container)
_INERT = ("@nestjs/", "class-validator", "class-transformer", "@nestcloud/")
_FRAMEWORK_CALLS = {"express": ("express", "express"), "koa": ("new Koa", "koa"), "fastify": ("fastify", "fastify")}
_BY_CALLEE = {name.lower(): (framework, label) for framework, (name, label) in _FRAMEWORK_CALLS.items()}  # distinct


@dataclass(frozen=True)
class TsApp:
    """One HTTP application created in serving code."""

    framework: str  # nestjs | express | koa | fastify
    file: str
    line: int
    func: str  # the function creating it ("" at module level)
    package: str  # folder of the nearest package.json ("" for the root)
    unfollowed: tuple[str, ...] = ()  # "setup (from @acme/core)": calls given the app, not in the repository
    # a hybrid app connecting a microservice transport (gRPC, NATS...) in its bootstrap or in a function of the
    # repository the bootstrap calls: an internal service, its HTTP side is not taken as the public API
    microservice: bool = False


def serving(repo: Repo, path: str) -> bool:
    """A file whose code serves production (not a test, script, seeder, sample or doc)."""
    return not is_ts_test(path) and context_of(repo, path) is Context.PRODUCTION


def local_modules(facts: TsFacts) -> dict[str, str]:
    """Local name -> module specifier of every import of the file."""
    out = {}
    for imp in facts["imports"]:
        for name in imp["names"]:
            out[name.rsplit(" as ", 1)[-1].strip()] = imp["module"]
    return out


def _unfollowed(repo: Repo, path: str, facts: TsFacts, create: CallFact) -> tuple[str, ...]:
    """Calls of the bootstrap function that are given the app and whose code is outside the repository."""
    calls = [c for c in facts["calls"] if c["func"] == create["func"]]
    names = {"app"} | {c["callee"].split(".", 1)[0] for c in calls
                       if c["callee"].count(".") == 1 and c["callee"].rsplit(".", 1)[1] in _NEST_APP_METHODS}
    local = local_modules(facts)
    out = []
    for c in calls:
        if not any(expr_text(a) in names for a in c["args"]) or c["callee"].split(".", 1)[0] in names:
            continue
        module = local.get(c["callee"].split(".", 1)[0].removeprefix("new "), "")
        if not module or module.startswith(".") or resolve_import(repo, path, module):
            continue  # defined in this file or in the repository: its imports are seen
        if not module.startswith(_INERT):
            out.append(f"{c['callee']} (from {module})")
    return tuple(sorted(set(out)))


def _microservice_setups(repo: Repo) -> frozenset[str]:
    """Names of the functions of serving code that call `connectMicroservice` (bootstraps included)."""
    out: set[str] = set()
    for path, facts in repo.derived(ts_facts).items():
        if serving(repo, path):
            out.update(c["func"].rsplit(".", 1)[-1] for c in facts["calls"]
                       if c["callee"].endswith(".connectMicroservice"))
    return frozenset(out - {""})


def _is_microservice(repo: Repo, facts: TsFacts, create: CallFact) -> bool:
    setups = repo.derived(_microservice_setups)
    if create["func"].rsplit(".", 1)[-1] in setups:
        return True
    return any(c["func"] == create["func"] and c["callee"] in setups for c in facts["calls"])


def _framework_imported(facts: TsFacts, framework: str) -> bool:
    return any(package_name(i["module"]) == framework for i in facts["imports"])


def find_ts_apps(repo: Repo) -> list[TsApp]:
    """Every HTTP application created in serving code, sorted by file and line (memoise with derived)."""
    out = []
    for path, facts in repo.derived(ts_facts).items():
        if not serving(repo, path):
            continue
        pkg = package_of(repo, path)
        folder = pkg.folder if pkg else ""
        for call in facts["calls"]:
            callee = call["callee"]
            if callee == "NestFactory.create":
                out.append(TsApp("nestjs", path, call["line"], call["func"], folder,
                                 _unfollowed(repo, path, facts, call), _is_microservice(repo, facts, call)))
                continue
            known = _BY_CALLEE.get(callee.lower())
            if known and _framework_imported(facts, known[0]):
                out.append(TsApp(known[1], path, call["line"], call["func"], folder))
    return sorted(out, key=lambda a: (a.file, a.line))


def importers(repo: Repo, modules: tuple[str, ...]) -> list[tuple[str, Import]]:
    """(path, import) of every import of one of `modules` (by package name) in serving code."""
    wanted = set(modules)
    out = []
    for path, facts in repo.derived(ts_facts).items():
        if not serving(repo, path):
            continue
        for imp in facts["imports"]:
            if package_name(imp["module"]) in wanted:
                out.append((path, imp))
    return out
