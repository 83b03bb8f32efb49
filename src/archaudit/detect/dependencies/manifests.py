"""Declared dependencies and lockfiles, read from every manifest of the repository.

Public, shared facts (each computed once per audit through `repo.derived`):
    find_dependencies(repo) -> list[Dependency]   declared Python and npm dependencies, with file:line
    find_lockfiles(repo)    -> list[Lockfile]     committed lockfiles / compiled requirement files
    locked_versions(repo)   -> {(app, ecosystem, name): (version, lock path)}
    unparsed_requirements(repo) -> list[(path, line, text)]  lines that could not be read (not determined)
    manifest_data(repo)     -> ManifestData with all of the above

Python names are normalised (PEP 503); specifiers come from `packaging`. A malformed line is skipped
and recorded as not determined, never a crash. Records are in `records.py`,
parsers in `manifest_files.py` and `pyproject.py`.
"""

from __future__ import annotations

import posixpath
import re

from archaudit.detect.dependencies import manifest_files as parse
from archaudit.detect.dependencies.records import (
    LOCK_NAMES,
    REQUIREMENTS_RE,
    Dependency,
    Lockfile,
    ManifestData,
    app_of,
    normalize,
)
from archaudit.repo import Repo

__all__ = ["LOCK_NAMES", "REQUIREMENTS_RE", "Dependency", "Lockfile", "ManifestData", "app_of", "normalize"]


def manifest_data(repo: Repo) -> ManifestData:
    """Everything read from manifests and lockfiles (memoise through `repo.derived(manifest_data)`)."""
    data = ManifestData()
    parse.read_all(repo, data)
    data.dependencies.sort()
    data.lockfiles.sort()
    data.unparsed.sort()
    data.manifests = sorted(set(data.manifests))
    return data


def find_dependencies(repo: Repo) -> list[Dependency]:
    """Declared dependencies of every manifest, sorted (name, spec, source, line...)."""
    return repo.derived(manifest_data).dependencies


def find_lockfiles(repo: Repo) -> list[Lockfile]:
    """Committed lockfiles, including pip-compile outputs and fully hashed requirement files."""
    return repo.derived(manifest_data).lockfiles


def locked_versions(repo: Repo) -> dict[tuple[str, str, str], tuple[str, str]]:
    """(app, ecosystem, name) -> (version, lockfile path), from lockfiles cheap to read."""
    return repo.derived(manifest_data).locked


def unparsed_requirements(repo: Repo) -> list[tuple[str, int, str]]:
    """(path, line, text) of requirement lines that could not be parsed: not determined."""
    return repo.derived(manifest_data).unparsed


def locked_version(repo: Repo, dep: Dependency) -> tuple[str, str] | None:
    """The locked (version, lockfile) for a dependency: lock of its app, else of an enclosing folder."""
    locked = locked_versions(repo)
    folder = dep.app
    while True:
        hit = locked.get((folder, dep.ecosystem, dep.name))
        if hit:
            return hit
        if not folder:
            return None
        folder = posixpath.dirname(folder)


_EXACT = re.compile(r"^\s*={2,3}\s*v?([0-9][0-9A-Za-z.+!-]*)\s*$")
_BARE = re.compile(r"^\s*v?([0-9]+(?:\.[0-9]+)*"
                   r"(?:[-+.]?(?:a|b|rc|alpha|beta|pre|post|dev)[0-9A-Za-z.]*)?)\s*$")


def pinned_version(dep: Dependency) -> str | None:
    """The exact version a declaration pins ("==1.2.3"; a bare "1.2.3" in Poetry/npm), else None."""
    if dep.url:
        return "url"
    m = _EXACT.match(dep.spec)
    if m and "*" not in m.group(1):
        return m.group(1)
    if dep.ecosystem == "npm" or dep.source.endswith(("pyproject.toml", "Pipfile")):
        m = _BARE.match(dep.spec)
        if m:
            return m.group(1)
    return None
