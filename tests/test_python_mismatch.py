"""CI009 reports real disagreement only: runtime pins against each other, a runtime pin CI never
checks the project on, anything outside requires-python. CI jobs on several versions are a matrix,
and a job that only runs a tool says nothing about the project's Python."""

from __future__ import annotations

from pathlib import Path

from archaudit.rules.cicd import python_mismatch
from tests.conftest import repo_of, write_tree


def _job(name: str, versions: str, run: str) -> str:
    return (f"  {name}:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        py: [{versions}]\n"
            f"    steps:\n      - uses: actions/setup-python@v5\n        with:\n"
            f"          python-version: ${{{{ matrix.py }}}}\n      - run: {run}\n")


def _single(name: str, version: str, run: str) -> str:
    return (f"  {name}:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-python@v5\n"
            f"        with:\n          python-version: '{version}'\n      - run: {run}\n")


def _hits(root: Path, files: dict[str, str]) -> list[tuple[str, int, str]]:
    base = {"pyproject.toml": '[project]\nname = "shop"\nrequires-python = ">=3.9"\n'}
    repo = repo_of(write_tree(root, {**base, **files}))
    return [(h.path, h.line, h.message) for h in python_mismatch.check(repo)]


def test_runtime_version_inside_the_ci_matrix_is_fine(tmp_path: Path) -> None:
    ci = "on: push\njobs:\n" + _job("test", "'3.9', '3.12'", "pytest") + _single("release", "3.11", "python -m build")
    assert _hits(tmp_path, {"Dockerfile": "FROM python:3.12-slim\n", ".github/workflows/ci.yml": ci}) == []


def test_runtime_version_ci_never_checks_is_reported(tmp_path: Path) -> None:
    ci = "on: push\njobs:\n" + _single("test", "3.12", "pytest")
    hits = _hits(tmp_path, {"Dockerfile": "FROM python:3.13-alpine\n", ".github/workflows/ci.yml": ci})
    assert [(p, n) for p, n, _ in hits] == [("Dockerfile", 1)]
    assert "CI checks the project on 3.12 only" in hits[0][2]


def test_tool_only_job_is_not_compared(tmp_path: Path) -> None:
    ci = "on: push\njobs:\n" + _single("smokeshow", "3.8", "pip install smokeshow && smokeshow upload htmlcov")
    tests = "on: push\njobs:\n" + _single("test", "3.12", "pytest")
    files = {".github/workflows/smokeshow.yml": ci, ".github/workflows/test.yml": tests,
             "Dockerfile": "FROM python:3.12-slim\n"}
    assert _hits(tmp_path, files) == []


def test_out_of_range_runtime_is_one_finding(tmp_path: Path) -> None:
    ci = "on: push\njobs:\n" + _single("test", "3.12", "pytest")
    hits = _hits(tmp_path, {"Dockerfile": "FROM python:3.8\n", ".github/workflows/ci.yml": ci})
    assert [(p, n) for p, n, _ in hits] == [("Dockerfile", 1)]
    assert "outside requires-python >=3.9" in hits[0][2]


def test_two_runtime_pins_disagree(tmp_path: Path) -> None:
    hits = _hits(tmp_path, {"Dockerfile": "FROM python:3.12-slim\n", ".python-version": "3.11\n"})
    # a tie goes to the first declaration in file order (.python-version)
    assert [(p, n) for p, n, _ in hits] == [("Dockerfile", 1)]
