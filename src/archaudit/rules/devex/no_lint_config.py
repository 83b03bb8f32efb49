"""DX103 no-lint-configuration.

Without a linter, a formatter or a type checker, nothing but review catches unused imports, shadowed
names, undefined variables in rarely-run branches or style drift, and every contributor formats
differently. Reviewers of Python backends check for ruff / flake8 / black / mypy first.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import PYTHON, Rule

# linters, formatters and type checkers of Python code; a mention in a manifest, a config or a CI file counts
_TOOLS = re.compile(r"(?<![\w-])(ruff|flake8|black|mypy|pylint|pyright|basedpyright|pyflakes|pycodestyle|autopep8|"
                    r"yapf|isort|pylama|prospector|pytype|wemake-python-styleguide)(?![\w-])", re.IGNORECASE)
_CONFIG_FILES = frozenset({
    ".flake8", "ruff.toml", ".ruff.toml", "mypy.ini", ".mypy.ini", ".pylintrc", "pylintrc", "pyrightconfig.json",
    ".style.yapf", ".isort.cfg", ".pep8", ".pre-commit-config.yaml", ".pre-commit-config.yml", "Makefile",
    "makefile", "GNUmakefile", "justfile", "Justfile", "noxfile.py", "Pipfile", "Taskfile.yml", "Taskfile.yaml",
    ".gitlab-ci.yml", "Jenkinsfile", "azure-pipelines.yml", "bitbucket-pipelines.yml", ".travis.yml",
    "environment.yml", "environment.yaml", "package.json",
})
_CI_FOLDERS = (".github/workflows/", ".circleci/", ".gitlab/", ".buildkite/", ".woodpecker/")
_REQUIREMENTS = re.compile(r"(^|/)(requirements[^/]*\.(txt|in)|[^/]*requirements\.txt|requirements/[^/]+\.(txt|in))$",
                           re.IGNORECASE)


def _tooling_file(path: str) -> bool:
    """A file that configures, installs or runs development tools."""
    name = posixpath.basename(path)
    return (name in _CONFIG_FILES or name.endswith((".toml", ".cfg", ".ini")) or path.startswith(_CI_FOLDERS)
            or bool(_REQUIREMENTS.search(path)))


def lint_evidence(repo: Repo) -> tuple[str, int] | None:
    """(path, line) of the first mention of a Python linter, formatter or type checker in a file that
    configures, installs or runs tools, or None when there is none."""
    for f in sorted(repo.files, key=lambda f: f.path):
        if not _tooling_file(f.path):
            continue
        for n, line in enumerate(repo.lines(f.path), 1):
            if _TOOLS.search(line):
                return f.path, n
    return None


def check(repo: Repo) -> Iterator[Hit]:
    """In a repository with Python application code, reads every file that configures, installs or runs
    development tools (pyproject.toml, setup.cfg, tox.ini and other .toml/.cfg/.ini files, requirements
    files, Pipfile, Makefile / justfile / noxfile, pre-commit and CI configuration, package.json) for a
    mention of ruff, flake8, black, mypy, pylint, pyright, isort or another Python linter, formatter or
    type checker. Reports once when none mentions any."""
    if not any(f.role == "source" and f.language == "python" for f in repo.files):
        return
    if lint_evidence(repo) is not None:
        return
    yield Hit(".", 0, Message("No linter, formatter or type checker is configured, installed or run for the Python "
                              "code (no ruff, flake8, black, mypy or pylint in any configuration, requirements or CI "
                              "file)."), key="no-lint")


RULE = Rule(
    id="DX103",
    name="no-lint-configuration",
    axis=Axis.DEVELOPER_EXPERIENCE,
    severity=Severity.LOW,
    title="No linter, formatter or type checker for the Python code",
    impact="Undefined names in rarely-run branches, unused imports and type mistakes are only found in production "
           "or in review, and every contributor formats the code differently.",
    action="Add ruff (lint and format) and a type checker (mypy or pyright) to the dev dependencies, configure "
           "them in pyproject.toml, and run them in CI and in a pre-commit hook.",
    check=check,
    anchor=("pyproject.toml", "setup.cfg", "requirements.txt", "README.md"),
    languages=PYTHON,  # a claim about the tooling of Python code: the axis examines Python through it
    example_bad="requirements.txt: fastapi, sqlalchemy  (no ruff / flake8 / black / mypy anywhere)",
    example_good='pyproject.toml\n  [tool.ruff]\n  line-length = 120\n  [tool.mypy]\n  strict = true',
)
