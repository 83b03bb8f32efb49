"""CI002 follows what a CI step calls in the repository before saying the tests never run: Makefile
targets and their prerequisites, extension-less scripts run by path, hatch/pdm/poe tasks, package.json
scripts and local composite actions. A CI that really runs only lint is still reported."""

from __future__ import annotations

from pathlib import Path

from archaudit.detect.cicd.commands import classify, expand
from archaudit.rules.cicd import ci_no_tests
from archaudit.rules.devex import unprovisioned_tool
from tests.conftest import repo_of, write_tree

TESTS = {"tests/test_app.py": "def test_ok():\n    assert True\n"}


def _workflow(*runs: str, uses: str = "") -> str:
    steps = "".join(f"      - run: {r}\n" for r in runs) + (f"      - uses: {uses}\n" if uses else "")
    return f"on: push\njobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n{steps}"


def _ci002(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, int]]:
    repo = repo_of(write_tree(tmp_path, {**TESTS, **files}))
    return [(h.path, h.line) for h in ci_no_tests.check(repo)]


def test_make_target_prerequisite_runs_django_tests(tmp_path: Path) -> None:
    makefile = ("ci: compilemessages test\n\t@python -m coverage report\n\ncompilemessages:\n"
                "\tpython -m manage compilemessages\n\ntest:\n\t@python -m coverage run --module manage test\n")
    assert _ci002(tmp_path, {"Makefile": makefile, ".github/workflows/ci.yml": _workflow("make ci")}) == []


def test_extensionless_script_run_through_poetry(tmp_path: Path) -> None:
    files = {"scripts/test": "#!/usr/bin/env bash\nset -e\npytest --cov=app\n",
             ".github/workflows/tests.yml": _workflow("poetry run ./scripts/test")}
    assert _ci002(tmp_path, files) == []


def test_composite_action_running_a_hatch_script(tmp_path: Path) -> None:
    files = {
        ".github/actions/test/action.yml": ("runs:\n  using: composite\n  steps:\n"
                                            "    - shell: bash\n      run: hatch run test-cov-xml\n"),
        "pyproject.toml": '[tool.hatch.envs.default.scripts]\ntest-cov-xml = "pytest --cov app/"\n',
        ".github/workflows/build.yml": _workflow("pip install hatch", uses="./.github/actions/test"),
    }
    assert _ci002(tmp_path, files) == []


def test_npm_script_and_pdm_task_are_read(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {
        "package.json": '{"scripts": {"ci": "jest --runInBand"}}',
        "pyproject.toml": '[tool.pdm.scripts]\ncheck = "pytest -q"\n',
    }))
    assert classify(expand(repo, "npm run ci")) == ("tests",)
    assert classify(expand(repo, "pdm run check")) == ("tests",)
    assert classify(expand(repo, "npm ci")) == ()


def test_lint_only_ci_is_still_reported(tmp_path: Path) -> None:
    files = {"Makefile": "lint:\n\truff check .\n", "scripts/format": "#!/bin/sh\nruff format --check .\n",
             ".github/workflows/lint.yml": _workflow("make lint", "./scripts/format")}
    assert _ci002(tmp_path, files) == [(".github/workflows/lint.yml", 0)]


def test_a_path_argument_is_not_a_script_run(tmp_path: Path) -> None:
    """`ruff check src/app/main.py` does not run that file: its text must not classify the step."""
    repo = repo_of(write_tree(tmp_path, {"src/app/main.py": "import pytest\n"}))
    assert classify(expand(repo, "ruff check src/app/main.py")) == ("lint",)


def test_shell_comment_words_are_not_make_targets(tmp_path: Path) -> None:
    """DX003: `make compile-scss # must come before collectstatic` documents one target, not three."""
    makefile = "compile-scss:\n\tpysassc in.scss out.css\n"
    readme = "# Dev\n\n```sh\nmake compile-scss # must come before collectstatic\nmake deploy\n```\n"
    repo = repo_of(write_tree(tmp_path, {"Makefile": makefile, "README.md": readme}))
    hits = [(h.path, h.line, h.message) for h in unprovisioned_tool.check(repo)]
    assert [(p, n) for p, n, _ in hits] == [("README.md", 5)]
    assert "deploy" in hits[0][2]
