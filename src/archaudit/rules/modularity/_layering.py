"""Shared helpers of the layering rules (MOD050-MOD058): which imports cross which layers."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.architecture.layers import (
    InternalImport,
    imports_by_file,
    is_strict_domain,
    is_test_path,
    layer_of,
)
from archaudit.languages.python.facts import Import
from archaudit.repo import Repo

FRAMEWORKS = {"fastapi": "web framework", "flask": "web framework", "starlette": "web framework",
              "django": "web framework", "sqlalchemy": "ORM", "sqlmodel": "ORM", "flask_sqlalchemy": "ORM",
              "tortoise": "ORM", "peewee": "ORM"}
COMPOSITION_ROOTS = frozenset({"container", "containers", "bootstrap", "di", "dependencies", "deps", "wiring",
                               "composition", "providers", "main", "app", "factory"})


def strict_domain_files(repo: Repo) -> list[str]:
    """Non-test modules under a `domain/` or `entities/` folder, sorted."""
    return sorted(p for p in repo.derived(layer_of) if is_strict_domain(repo, p) and not is_test_path(repo, p))


def crossing(repo: Repo, path: str, to_layer: str) -> Iterator[InternalImport]:
    """Module-level imports of `path` whose target module is in `to_layer`, one per line."""
    of = repo.derived(layer_of)
    seen = set()
    for imp in repo.derived(imports_by_file).get(path, []):
        if not imp.local and of.get(imp.target) == to_layer and imp.line not in seen:
            seen.add(imp.line)
            yield imp


def framework_imports(repo: Repo, path: str) -> Iterator[tuple[Import, str]]:
    """Module-level imports of a web framework or ORM in `path` (with what it is)."""
    for imp in repo.python[path]["imports"]:
        if imp["level"] or imp["local"]:
            continue
        top = imp["module"].split(".")[0]
        kind = FRAMEWORKS.get(top)
        if top == "django" and imp["module"].startswith("django.db"):
            kind = "ORM"
        if kind and not repo.internal_path(imp["module"]):
            yield imp, kind


def is_composition_root(path: str) -> bool:
    """Files whose job is wiring adapters to ports (a container, `dependencies.py`, `main.py`)."""
    return path.rsplit("/", 1)[-1][:-3] in COMPOSITION_ROOTS
