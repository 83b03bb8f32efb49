"""Where test coverage is configured or measured, and the minimum it enforces (fail_under).

Looked at: `.coveragerc`, `[tool.coverage.*]` in pyproject.toml, `[coverage:*]` in setup.cfg /
tox.ini, `--cov` in pytest options, and coverage commands (`pytest --cov`, `coverage run`) in CI
workflows, Makefiles, justfiles, tox.ini and noxfile.py; a codecov configuration counts as
measuring. Text is read line by line so every record has its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archaudit.repo import Repo

_CONFIG_NAMES = frozenset({"pyproject.toml", "setup.cfg", "tox.ini", "pytest.ini", ".coveragerc"})
_COMMAND_NAMES = frozenset({"Makefile", "makefile", "GNUmakefile", "justfile", "Justfile", ".justfile",
                            "noxfile.py", "tox.ini", "Taskfile.yml", "Taskfile.yaml"})
_CODECOV_NAMES = frozenset({"codecov.yml", ".codecov.yml", "codecov.yaml", ".codecov.yaml"})
_SECTION = re.compile(r"^\s*\[(tool\.coverage[\w.]*|coverage:\w+)\]")
_RC_SECTION = re.compile(r"^\s*\[(run|report|paths|html|xml|json)\]")
_COMMAND = re.compile(r"--cov\b|\bcoverage\s+(run|report|xml|html|json|combine)\b")
_FAIL_UNDER = re.compile(r"(?:--cov-fail-under|--fail-under|fail_under)\s*[= ]\s*\"?(\d+(?:\.\d+)?)")


@dataclass(frozen=True, order=True)
class CoverageSetting:
    """One place configuring or measuring coverage."""

    path: str
    line: int
    kind: str  # configuration | command | codecov
    detail: str  # e.g. "[tool.coverage.report]", "pytest --cov", "fail_under = 80"
    fail_under: float | None = None


def find_coverage(repo: Repo) -> list[CoverageSetting]:
    """Coverage configuration and commands, sorted by path and line."""
    out: list[CoverageSetting] = []
    for f in repo.files:
        base = f.path.rsplit("/", 1)[-1]
        if base in _CODECOV_NAMES:
            out.append(CoverageSetting(f.path, 0, "codecov", "codecov configuration"))
            continue
        config = base in _CONFIG_NAMES
        command = base in _COMMAND_NAMES or f.role == "ci" or (f.path.endswith(".sh") and f.language == "shell")
        if config or command:
            out.extend(_scan(repo, f.path, base, config, command))
    return sorted(out)


def _scan(repo: Repo, path: str, base: str, config: bool, command: bool) -> list[CoverageSetting]:
    out: list[CoverageSetting] = []
    in_coverage_section = False
    for i, text in enumerate(repo.lines(path), 1):
        stripped = text.strip()
        if stripped.startswith("#") or stripped.startswith(";"):
            continue
        if stripped.startswith("["):
            section = _SECTION.match(text) or (base == ".coveragerc" and _RC_SECTION.match(text))
            in_coverage_section = bool(section)
            if section:
                out.append(CoverageSetting(path, i, "configuration", stripped[:60]))
            continue
        fail = _FAIL_UNDER.search(text)
        if fail and (in_coverage_section or "--" in fail.group(0)):
            out.append(CoverageSetting(path, i, "configuration" if in_coverage_section else "command",
                                       fail.group(0).strip()[:60], float(fail.group(1))))
        elif _COMMAND.search(text) and (config or command):
            out.append(CoverageSetting(path, i, "command", _COMMAND.search(text).group(0)))  # type: ignore[union-attr]
    return out


def fail_under(settings: list[CoverageSetting]) -> CoverageSetting | None:
    """The first enforced minimum coverage (> 0), if any."""
    return next((s for s in settings if s.fail_under), None)
