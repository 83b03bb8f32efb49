"""Every place that declares a Python version: requires-python, runtime.txt, .python-version,
Dockerfile base images, CI setup-python / matrix / images, tox envlist, mypy / ruff / black targets,
Pipfile, render.yaml PYTHON_VERSION, app.yaml runtime, .tool-versions.

Each record says what kind of declaration it is: a `pin` (the interpreter something runs on), a
`range` (what the project supports), a `matrix` entry (one of several tested versions) or a
`target` (what a tool assumes). Only like can be compared with like. A CI job's versions are `pin`
or `matrix` when the job runs the project (tests, lint, type-check, build, coverage, migrations), and
`tool` when it only runs some tool (`pip install smokeshow && smokeshow upload`): that interpreter is
not a statement about the project's Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from archaudit.detect.cicd.section import find_ci_jobs
from archaudit.detect.deploy.manifests import find_app_yaml, find_render_services
from archaudit.detect.formats.dockerfile import find_dockerfiles
from archaudit.model import Table
from archaudit.repo import Repo

_MM = re.compile(r"(?<![\d.])(3)\.?(\d{1,2})(?:\.(\d+))?")


@dataclass(frozen=True)
class PythonVersion:
    source: str  # e.g. "runtime.txt", "Dockerfile FROM", "CI setup-python"
    declared: str  # the text as written
    version: str  # "3.12" (major.minor), "" for a range or when not determined
    kind: str  # pin | range | matrix | target | tool
    file: str
    line: int
    ci: bool = False  # declared by a CI job (the interpreter CI checks the project on)


def major_minor(text: str) -> str:
    """"3.12.1" / "python-3.12" / "py312" / "python312" -> "3.12"; "" when no version is written."""
    m = re.search(r"py(?:thon)?-?(3)(\d{1,2})\b", text) or _MM.search(text)
    return f"{m.group(1)}.{m.group(2)}" if m else ""


def _line(repo: Repo, path: str, pattern: str) -> int:
    rx = re.compile(pattern)
    for n, raw in enumerate(repo.lines(path)[:5000], 1):
        if rx.search(raw):
            return n
    return 0


def _pyproject(repo: Repo, path: str) -> list[PythonVersion]:
    data = repo.toml(path) or {}
    out = []
    tool: dict[str, Any] = data["tool"] if isinstance(data.get("tool"), dict) else {}
    project: dict[str, Any] = data["project"] if isinstance(data.get("project"), dict) else {}
    if isinstance(project.get("requires-python"), str):
        out.append(PythonVersion("requires-python", project["requires-python"], "", "range", path,
                                 _line(repo, path, r"^\s*requires-python\s*=")))
    poetry = tool.get("poetry", {}).get("dependencies", {}) if isinstance(tool.get("poetry"), dict) else {}
    if isinstance(poetry, dict) and isinstance(poetry.get("python"), str):
        out.append(PythonVersion("poetry python", poetry["python"], "", "range", path,
                                 _line(repo, path, r"^\s*python\s*=")))
    for name, key in (("mypy", "python_version"), ("ruff", "target-version"), ("black", "target-version")):
        value = tool.get(name, {}).get(key) if isinstance(tool.get(name), dict) else None
        value = value[0] if isinstance(value, list) and value else value
        if isinstance(value, str):
            out.append(PythonVersion(f"{name} {key}", value, major_minor(value), "target", path,
                                     _line(repo, path, rf"^\s*{re.escape(key)}\s*=")))
    return out


def _simple_files(repo: Repo) -> list[PythonVersion]:
    out = []
    for f in repo.files:
        name = f.path.rsplit("/", 1)[-1]
        if name == "pyproject.toml":
            out += _pyproject(repo, f.path)
        elif name in ("runtime.txt", ".python-version"):
            first = next((n for n, t in enumerate(repo.lines(f.path)[:20], 1) if t.strip()), 0)
            text = repo.line(f.path, first)
            if major_minor(text):
                out.append(PythonVersion(name, text, major_minor(text), "pin", f.path, first))
        elif name in ("Pipfile", ".tool-versions", "environment.yml", "mypy.ini", "setup.cfg", "tox.ini", "setup.py"):
            out += _scan_lines(repo, f.path, name)
    return out


_LINE_RULES = {  # file name -> (regex on one line, source, kind)
    "Pipfile": (r"^\s*python_version\s*=\s*['\"]([^'\"]+)", "Pipfile python_version", "pin"),
    ".tool-versions": (r"^\s*python\s+(\S+)", ".tool-versions", "pin"),
    "environment.yml": (r"^\s*-\s*python\s*=+\s*([\d.]+)", "conda environment", "pin"),
    "mypy.ini": (r"^\s*python_version\s*=\s*(\S+)", "mypy python_version", "target"),
    "setup.cfg": (r"^\s*(?:python_version|python_requires)\s*=\s*(\S+)", "setup.cfg", "target"),
    "setup.py": (r"python_requires\s*=\s*['\"]([^'\"]+)", "setup.py python_requires", "range"),
}


def _scan_lines(repo: Repo, path: str, name: str) -> list[PythonVersion]:
    out = []
    if name == "tox.ini":
        n = _line(repo, path, r"^\s*envlist\s*=")
        for env in re.finditer(r"py(3)(\d{1,2})\b", repo.line(path, n) if n else ""):
            out.append(PythonVersion("tox envlist", env.group(0), f"3.{env.group(2)}", "matrix", path, n))
        return out
    pattern, source, kind = _LINE_RULES[name]
    for n, raw in enumerate(repo.lines(path)[:5000], 1):
        m = re.search(pattern, raw)
        if m:
            here_kind, here_source = ("range", "setup.cfg python_requires") \
                if name == "setup.cfg" and "requires" in raw else (kind, source)
            out.append(PythonVersion(here_source, m.group(1),
                                     "" if here_kind == "range" else major_minor(m.group(1)), here_kind, path, n))
    return out


_PROJECT_WORK = frozenset({"tests", "lint", "type-check", "build", "coverage", "migrations"})


def _deployment(repo: Repo) -> list[PythonVersion]:
    out = []
    for df in find_dockerfiles(repo):
        if df.path.startswith(".devcontainer/"):
            continue
        for ins in df.all("FROM"):
            image = ins.args.split()[0] if ins.args else ""
            name, _, tag = image.partition(":")
            if name.rsplit("/", 1)[-1] == "python" or "python" in tag:
                version = major_minor(tag)
                if version:
                    out.append(PythonVersion("Dockerfile FROM", image, version, "pin", df.path, ins.line))
    for svc in find_render_services(repo):
        text = svc.get("PYTHON_VERSION")
        if text:
            out.append(PythonVersion("render.yaml PYTHON_VERSION", text, major_minor(text), "pin", svc.file,
                                     svc.line_of("PYTHON_VERSION")))
    for path, key, value, line in find_app_yaml(repo):
        if key == "runtime" and value.startswith("python") and major_minor(value):
            out.append(PythonVersion("app.yaml runtime", value, major_minor(value), "pin", path, line))
    for job in find_ci_jobs(repo):
        kind = "matrix" if len(job.python) > 1 else "pin"
        if not set(job.kinds) & _PROJECT_WORK:
            kind = "tool"
        for version, line in job.python:
            if major_minor(version):
                out.append(PythonVersion(f"CI {job.name}", version, major_minor(version), kind, job.file, line,
                                         ci=True))
    return out


def _compute(repo: Repo) -> list[PythonVersion]:
    found = {(v.file, v.line, v.declared, v.source): v for v in _simple_files(repo) + _deployment(repo)}
    return sorted(found.values(), key=lambda v: (v.file, v.line, v.declared))


def find_python_versions(repo: Repo) -> list[PythonVersion]:
    """Every Python version declaration of the repository (memoised), sorted by file and line."""
    return repo.derived(_compute)


def in_range(spec: str, version: str) -> bool | None:
    """Whether major.minor `version` can satisfy the range `spec` (None when it cannot be read).

    Poetry's caret/tilde forms are translated; a minor version matches when any of its patch releases does."""
    text = spec.strip()
    if text.startswith(("^", "~")) and major_minor(text):
        text = f">={text.lstrip('^~=')}"
    try:
        specifier = SpecifierSet(text.replace(" ", ""))
    except InvalidSpecifier:
        return None
    return any(specifier.contains(f"{version}.{patch}", prereleases=True) for patch in (0, 99))


def table(repo: Repo) -> Table:
    rows = [{"declared in": v.source, "declared": v.declared, "major.minor": v.version or "-", "kind": v.kind,
             "file": v.file, "line": v.line} for v in find_python_versions(repo)]
    return Table("python_versions", "Python versions", ("declared in", "declared", "major.minor", "kind"),
                 tuple(rows))
