"""The records of declared dependencies and lockfiles, and the one reader of a PEP 508 requirement
string shared by every manifest parser (requirements files, setup.cfg/setup.py, pyproject)."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from packaging.requirements import InvalidRequirement, Requirement

_OPTION_TAIL = re.compile(r"(?<!\s)\s++-{1,2}[A-Za-z]")  # a blank run is tried once, from its start
_EGG = re.compile(r"#egg=([A-Za-z0-9_.\-]+)")


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


def requirement_dependency(body: str, path: str, line: int, kind: str, app: str,
                           group: str = "") -> Dependency | None:
    """A Dependency from one requirement string; None when unreadable. Options (-e, --index-url...)
    and local paths give a Dependency with an empty name (known, not a third-party package)."""
    editable = re.match(r"^(-e|--editable)(?:\s*=\s*|\s+|(?=\S))(\S+)", body)
    if editable:
        egg = _EGG.search(editable.group(2))
        if not egg:
            return Dependency("", "", path, line, kind, "python", app)
        return Dependency(normalize(egg.group(1)), "", path, line, kind, "python", app, group,
                          url=editable.group(2), raw=body)
    if body.startswith("-"):
        return None
    text = _OPTION_TAIL.split(body, maxsplit=1)[0].strip()
    if text.startswith((".", "/", "file:")) and " @ " not in text:
        return Dependency("", "", path, line, kind, "python", app)  # a local path
    if "://" in text and " @ " not in text and not re.match(r"^[A-Za-z0-9_.\-\[\], ]+@", text):
        egg = _EGG.search(text)
        if not egg:
            return None
        return Dependency(normalize(egg.group(1)), "", path, line, kind, "python", app, group,
                          url=text, raw=body)
    try:
        req = Requirement(text)
    except InvalidRequirement:
        return None
    return Dependency(normalize(req.name), str(req.specifier), path, line, kind, "python", app, group,
                      tuple(sorted(req.extras)), str(req.marker or ""), req.url or "", raw=text)
