"""Shared facts for the dependency rules: which app a Python file belongs to, what each app
declares, and which top-level modules its declarations make importable."""

from __future__ import annotations

import posixpath

from archaudit.data.stack_catalog import PROVIDES
from archaudit.detect.dependencies.distributions import import_names, name_keys, requires
from archaudit.detect.dependencies.manifests import Dependency, find_dependencies, find_lockfiles
from archaudit.repo import Repo

NO_PYTHON_LOCK = "python-lockfile-missing"  # the fact DEP005 and DEP006 both state (`Hit.fact`)


def python_apps(repo: Repo) -> list[str]:
    """Folders whose manifests declare Python dependencies, deepest first."""
    apps = {d.app for d in find_dependencies(repo) if d.ecosystem == "python"}
    return sorted(apps, key=lambda a: (-a.count("/") - (1 if a else 0), a))


def app_of_file(repo: Repo, path: str) -> str | None:
    """The deepest Python-declaring app containing `path`, or None."""
    for app in repo.derived(python_apps):
        if not app or path.startswith(app + "/"):
            return app
    return None


def declared_in(repo: Repo, app: str) -> list[Dependency]:
    """Python dependencies visible to an app: its own and those of enclosing folders."""
    return [d for d in find_dependencies(repo) if d.ecosystem == "python" and d.kind != "constraint"
            and (not d.app or d.app == app or app.startswith(d.app + "/"))]


def provided_modules(deps: list[Dependency]) -> set[str]:
    """Dotted module names made importable by these declarations: direct, the packages an extra
    asks for (`djangorestframework-simplejwt[crypto]` -> cryptography), and the companions a
    package expects its users to import (starlette under fastapi, modelcluster under wagtail)."""
    out: set[str] = set()
    for d in deps:
        out.update(import_names(d.name))
        out.update(PROVIDES.get(d.name, ()))
        for extra in d.extras:  # an extra usually installs the package it is named after: bs4[lxml]
            out.update(PROVIDES.get(f"{d.name}[{extra}]", ()))
            out.update(import_names(extra))
        base = set(requires(d.name))
        for name in requires(d.name, d.extras):
            if name not in base:
                out.update(import_names(name))
    return out


def declared_keys(deps: list[Dependency]) -> frozenset[str]:
    """Squashed spellings of the modules these declarations may be imported as (`distributions.name_keys`)."""
    return frozenset().union(*(name_keys(d.name) for d in deps))


def has_python_lock(repo: Repo, app: str) -> bool:
    """A Python lockfile in the app's folder or an enclosing one."""
    for lock in find_lockfiles(repo):
        if lock.ecosystem == "python" and (not lock.app or lock.app == app or app.startswith(lock.app + "/")):
            return True
    return False


def python_files_in(repo: Repo, app: str) -> list[str]:
    return [p for p in repo.python if (not app or p.startswith(app + "/")) and posixpath.basename(p) != "setup.py"]


def project_names(repo: Repo) -> set[str]:
    """The project's own distribution names ([project].name, [tool.poetry].name)."""
    out = set()
    for f in repo.find(name="pyproject.toml"):
        doc = repo.toml(f.path) or {}
        for table in (doc.get("project"), (doc.get("tool") or {}).get("poetry") if isinstance(doc.get("tool"), dict)
                      else None):
            if isinstance(table, dict) and isinstance(table.get("name"), str):
                out.add(table["name"].lower().replace("_", "-").replace(".", "-"))
    return out
