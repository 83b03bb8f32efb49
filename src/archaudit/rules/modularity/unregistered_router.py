"""MOD101 router-never-registered."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.api.routers import find_objects, has_test_role
from archaudit.findings import Axis, Evidence, Hit, Message, Premise, Severity
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_by_method, importers_of
from archaudit.rules.base import Rule

# calls that load modules by name or register routers the audit cannot follow
_DYNAMIC = ("import_module", "__import__", "import_string", "iter_modules", "walk_packages", "entry_points",
            "exec_module", "spec_from_file_location", "find_modules", "load_module", "autodiscover_tasks")


def _dynamic_loading(repo: Repo) -> list[tuple[str, int, str]]:
    """Production places that import modules by name (plugin loaders, `importlib`, blueprint discovery)."""
    index = repo.derived(calls_by_method)
    return sorted((p, c["line"], c["name"]) for m in _DYNAMIC for p, c, _ in index.get(m, ())
                  if not has_test_role(repo, p))


def check(repo: Repo) -> Iterator[Hit]:
    """Reads the app/router objects (detect.api.routers.find_objects): a module-level APIRouter or
    Blueprint that no include_router/register_blueprint mounts, in a module no other module imports.
    Not determined when some mount in the project could not be resolved, or when modules are loaded
    by name (importlib, import_string, pkgutil discovery): such a router may be registered there."""
    objects = repo.derived(find_objects)
    importers = repo.derived(importers_of)
    dynamic = _dynamic_loading(repo)
    for obj in sorted(objects.by_key.values(), key=lambda o: (o.file, o.line)):
        if obj.kind != "router" or obj.scope or obj.parents or not obj.line or has_test_role(repo, obj.file):
            continue
        if importers.get(obj.file):
            continue
        premises = [Premise(Message("no include_router/register_blueprint call mounts `{name}` and no module imports "
                                    "{file}", name=obj.name, file=obj.file), evidence=(Evidence(obj.file, obj.line),))]
        if objects.unresolved:
            premises.append(Premise.unknown(Message("every mount of the project is resolved"),
                                            Message("{n} mount(s) could not be resolved, e.g. {example}",
                                                    n=len(objects.unresolved), example=objects.unresolved[0])))
        elif dynamic:
            p, line, name = dynamic[0]
            premises.append(Premise.unknown(Message("no module is loaded by name"),
                                            Message("{place} calls {name}(), which may import this module and "
                                                    "register the router", place=f"{p}:{line}", name=name)))
        kind = "Blueprint" if obj.framework == "flask" else "APIRouter"
        yield Hit(obj.file, obj.line, Message("{kind} `{name}` is defined but never registered (no "
                                              "include_router/register_blueprint mounts it) and its module is never "
                                              "imported: its routes are not served.", kind=kind, name=obj.name),
                  key=obj.name, premises=tuple(premises))


RULE = Rule(
    id="MOD101",
    name="router-never-registered",
    axis=Axis.MODULARITY,
    severity=Severity.LOW,
    title="Router or blueprint defined but never registered",
    impact="Its routes are not served: dead code that readers and reviewers take for part of the API, or a "
           "feature silently missing from production.",
    action="Register it (`app.include_router(router)` / `app.register_blueprint(bp)`) where the application is "
           "built, or delete the module.",
    check=check,
    example_bad='# app/api/legacy.py (imported nowhere)\nrouter = APIRouter()\n\n@router.get("/legacy")\n'
                'def legacy(): ...',
    example_good='# app/main.py\nfrom app.api import legacy\napp.include_router(legacy.router)',
)
