"""DX002 no-pre-commit-hooks."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.cicd.devtools import find_git_hooks
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule

_CODE = frozenset({"python", "typescript", "javascript"})


def check(repo: Repo) -> Iterator[Hit]:
    """In a repository with Python or TypeScript/JavaScript source code, looks for a git hook manager
    anywhere in the tree: .pre-commit-config.yaml, .husky/, lefthook.yml, .overcommit.yml, .githooks/,
    or husky / lefthook / simple-git-hooks / lint-staged / pre-commit declared in a package.json.
    Reports once when there is none."""
    if not any(f.role == "source" and f.language in _CODE for f in repo.files):
        return
    if repo.derived(find_git_hooks):
        return
    yield Hit(".", 0, Message("No pre-commit hooks (.pre-commit-config.yaml, husky, lefthook): formatting, lint and "
                              "secret checks only happen in CI, if at all."), key="pre-commit")


RULE = Rule(
    id="DX002",
    name="no-pre-commit-hooks",
    axis=Axis.DEVELOPER_EXPERIENCE,
    severity=Severity.LOW,
    title="No pre-commit hooks",
    impact="Style, lint and secret problems are found late (in review or CI) instead of before the commit, "
           "costing round trips and letting secrets reach the history.",
    action="Add a .pre-commit-config.yaml (ruff, ruff-format, end-of-file fixer, a secret scanner), or for a "
           "Node project husky with lint-staged (eslint, prettier), and document how to install the hooks.",
    check=check,
    anchor=("pyproject.toml", "package.json"),
    example_bad="repo/ with no .pre-commit-config.yaml, .husky/ or lefthook.yml",
    example_good=".pre-commit-config.yaml\n  repos:\n    - repo: https://github.com/astral-sh/ruff-pre-commit",
)
