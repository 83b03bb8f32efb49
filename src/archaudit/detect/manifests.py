"""Declared dependencies and lockfiles, read from every manifest of the repository.

Public, shared facts (each computed once per audit through `repo.derived`):
    find_dependencies(repo) -> list[Dependency]   declared Python and npm dependencies, with file:line
    find_lockfiles(repo)    -> list[Lockfile]     committed lockfiles / compiled requirement files
    locked_versions(repo)   -> {(app, ecosystem, name): (version, lock path)}
    unparsed_requirements(repo) -> list[(path, line, text)]  lines that could not be read (not determined)
    manifest_data(repo)     -> ManifestData with all of the above

Python names are normalised (PEP 503); specifiers come from `packaging`. A malformed line is skipped
and recorded as not determined, never a crash. Parsers live in `manifests_parse.py`.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from archaudit.repo import Repo


@dataclass(frozen=True, order=True)
class Dependency:
    """One declared dependency: where it is declared and how it is constrained.

    kind: "runtime" | "dev" | "optional" | "constraint"; `group` names the extra / dependency group /
    Poetry group / requirements file flavour ("" for the main list). `app` is the folder of the
    manifest ("" for the root; the parent folder for a `requirements/` directory).
    """

    name: str  # PEP 503-normalised for Python ("python-jose"), verbatim for npm ("@reduxjs/toolkit")
    spec: str  # version specifier as written ("==2.0.1", ">=0.110", "^0.110" for Poetry, "" if none)
    source: str  # manifest path
    line: int  # 1-based line where the requirement appears
    kind: str
    ecosystem: str  # "python" | "npm"
    app: str
    group: str = ""
    extras: tuple[str, ...] = ()
    marker: str = ""
    url: str = ""  # direct reference (VCS/URL/path), "" otherwise
    comment: str = ""  # trailing comment of a requirements line, "" otherwise
    raw: str = ""  # the requirement text as written (comment stripped)

    @property
    def ref(self) -> str:
        return f"{self.source}:{self.line}"


@dataclass(frozen=True, order=True)
class Lockfile:
    """A committed lockfile.

    kind: poetry | uv | pdm | pipenv | pip-compile | pip-hashes | npm | yarn | pnpm.
    """

    path: str
    kind: str
    ecosystem: str
    app: str


@dataclass
class ManifestData:
    dependencies: list[Dependency] = field(default_factory=list)
    lockfiles: list[Lockfile] = field(default_factory=list)
    locked: dict[tuple[str, str, str], tuple[str, str]] = field(default_factory=dict)
    unparsed: list[tuple[str, int, str]] = field(default_factory=list)
    manifests: list[str] = field(default_factory=list)  # every manifest file read, sorted


LOCK_NAMES = {
    "poetry.lock": ("poetry", "python"), "uv.lock": ("uv", "python"), "pdm.lock": ("pdm", "python"),
    "Pipfile.lock": ("pipenv", "python"), "package-lock.json": ("npm", "npm"),
    "npm-shrinkwrap.json": ("npm", "npm"), "yarn.lock": ("yarn", "npm"), "pnpm-lock.yaml": ("pnpm", "npm"),
}
REQUIREMENTS_RE = re.compile(r"(^|/)(requirements[^/]*\.(txt|in)|[^/]*requirements\.(txt|in)|"
                             r"constraints[^/]*\.txt|requirements/[^/]+\.(txt|in))$")
_REQ_DIRS = {"requirements", "reqs", "requirements.d"}


def normalize(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def app_of(path: str) -> str:
    """The app folder a manifest belongs to (a `requirements/` directory belongs to its parent)."""
    folder = posixpath.dirname(path)
    if posixpath.basename(folder) in _REQ_DIRS:
        folder = posixpath.dirname(folder)
    return folder


def manifest_data(repo: Repo) -> ManifestData:
    """Everything read from manifests and lockfiles (memoise through `repo.derived(manifest_data)`)."""
    from archaudit.detect import manifests_parse as parse

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
