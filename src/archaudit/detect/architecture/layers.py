"""Architectural layers of the Python code, read from package/folder names, and the internal import
graph between modules. Shared (memoised) by the architecture section and the layering rules.

A module's layer comes from the *outermost* folder of its dotted path whose name is a well-known
layer name (`app/infrastructure/db/repositories/x.py` -> infrastructure). File names are not used:
`core/offers/api.py` is business logic in many projects, not a web layer. `core` counts as the
domain layer only when it holds domain sub-packages (`core/<domain>/...`), because in many FastAPI
projects `app/core/` is just settings and security helpers; a layer folder inside `core`
(`core/views/`, `core/services/`) wins over it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from archaudit.repo import Repo

LAYER_NAMES: dict[str, str] = {
    **dict.fromkeys(("api", "routes", "routers", "controllers", "views", "endpoints", "handlers"), "api"),
    **dict.fromkeys(("application", "use_cases", "usecases", "services", "service"), "application"),
    **dict.fromkeys(("domain", "entities", "models", "core"), "domain"),
    **dict.fromkeys(("infrastructure", "infra", "adapters", "repositories", "repository", "connectors",
                     "clients", "gateways", "db", "persistence"), "infrastructure"),
    **dict.fromkeys(("tasks", "workers", "jobs", "celery_tasks", "scheduled_tasks"), "tasks"),
    **dict.fromkeys(("schemas", "serializers", "serialization", "dto"), "schemas"),
}
LAYER_ORDER = ("api", "schemas", "application", "domain", "infrastructure", "tasks")
STRICT_DOMAIN = frozenset({"domain", "entities"})  # folder names that only a layered design uses


@dataclass(frozen=True, order=True)
class LayerOf:
    """The layer of one module and the folder (dotted package prefix) that gave it."""

    layer: str
    package: str  # e.g. "app.infrastructure"
    folder: str  # the folder name that matched, e.g. "infrastructure"


@dataclass(frozen=True, order=True)
class InternalImport:
    """One import statement of a repository module that resolves to another repository module."""

    path: str  # importing file
    line: int
    target: str  # path of the imported repository module
    dotted: str  # absolute dotted name as written (after resolving relative imports)
    local: bool  # inside a function or `if TYPE_CHECKING:`


def is_test_path(repo: Repo, path: str) -> bool:
    f = repo.by_path.get(path)
    return f is not None and f.role in ("test", "migration")


def _core_is_domain(repo: Repo) -> set[str]:
    """Dotted `...core` packages that hold sub-packages (domain packages), hence are a domain layer."""
    out = set()
    for module in repo.modules:
        parts = module.split(".")
        for i, part in enumerate(parts[:-2]):
            if part == "core":
                out.add(".".join(parts[: i + 1]))
    return out


def layers(repo: Repo) -> dict[str, LayerOf]:
    """Path -> LayerOf for every non-test Python module that sits in a recognised layer folder."""
    core_domains = _core_is_domain(repo)
    out: dict[str, LayerOf] = {}
    for module, path in repo.modules.items():
        if is_test_path(repo, path):
            continue
        parts = module.split(".")
        folders = parts if path.endswith("__init__.py") else parts[:-1]
        found = _layer_in(parts, folders, core_domains)
        if found is not None:
            out[path] = found
    return out


def _layer_in(parts: list[str], folders: list[str], core_domains: set[str]) -> LayerOf | None:
    """The outermost layer folder of a module; `core` is the weakest name: a layer folder inside it
    (`lnbits/core/views/`, `app/core/services/`) wins, since there `core` just means "the main code"."""
    core: LayerOf | None = None
    for i, part in enumerate(folders):
        layer = LAYER_NAMES.get(part)
        package = ".".join(parts[: i + 1])
        if layer is None or (part == "core" and package not in core_domains):
            continue
        if part != "core":
            return LayerOf(layer, package, part)
        core = core or LayerOf(layer, package, part)
    return core


def layer_of(repo: Repo) -> dict[str, str]:
    """Path -> layer name ("api", "application", "domain", "infrastructure", "tasks", "schemas")."""
    return {path: info.layer for path, info in repo.derived(layers).items()}


def is_strict_domain(repo: Repo, path: str) -> bool:
    """True for modules under a folder named `domain`/`entities` (an explicit layered design)."""
    info = repo.derived(layers).get(path)
    return info is not None and info.folder in STRICT_DOMAIN


def _module_targets(repo: Repo, module: str, imported: tuple[str, ...]) -> list[tuple[str, str]]:
    """(dotted, target path) of the repository modules named by `from module import imported`."""
    out = []
    names = [n.partition(" as ")[0] for n in imported] or [""]
    for name in names:
        dotted = f"{module}.{name}" if module and name and name != "*" else module or name
        if not dotted:
            continue
        target = repo.internal_path(dotted)
        if target:
            out.append((dotted, target))
    return sorted(set(out))


def internal_imports(repo: Repo) -> list[InternalImport]:
    """Every import of a repository module by another one (tests and migrations excluded), sorted.
    The same statements recur across modules, so targets are memoised per (module, names)."""
    out = []
    memo: dict[tuple[str, tuple[str, ...]], list[tuple[str, str]]] = {}
    for path, facts in repo.python_items():
        if is_test_path(repo, path):
            continue
        for imp in facts["imports"]:
            module = repo.resolve_import(path, imp["module"], imp["level"])
            key = (module, tuple(imp["names"]))
            targets = memo.get(key)
            if targets is None:
                targets = memo[key] = _module_targets(repo, *key)
            for dotted, target in targets:
                if target != path:
                    out.append(InternalImport(path, imp["line"], target, dotted, imp["local"]))
    return sorted(out)


def imports_by_file(repo: Repo) -> dict[str, list[InternalImport]]:
    """`internal_imports` grouped by importing file."""
    out: dict[str, list[InternalImport]] = defaultdict(list)
    for imp in repo.derived(internal_imports):
        out[imp.path].append(imp)
    return dict(out)


def layer_edges(repo: Repo) -> dict[tuple[str, str], list[InternalImport]]:
    """(from-layer, to-layer) -> the module-level imports crossing those layers, sorted."""
    of = repo.derived(layer_of)
    out: dict[tuple[str, str], list[InternalImport]] = defaultdict(list)
    for imp in repo.derived(internal_imports):
        src, dst = of.get(imp.path), of.get(imp.target)
        if src and dst and src != dst and not imp.local:
            out[(src, dst)].append(imp)
    return dict(out)
