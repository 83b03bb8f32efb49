"""DOC001 missing-root-readme."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.context import ALL
from archaudit.rules.base import Rule

_NAMES = ("README.md", "README.rst", "README.txt", "README", "readme.md", "Readme.md")


def check(repo: Repo) -> Iterator[Hit]:
    """Looks for a README at the repository root (README.md, .rst, .txt or bare README)."""
    if any(repo.has(n) for n in _NAMES) or not repo.files:
        return
    yield Hit(".", 0, Message("The repository root has no README."), key="root")


RULE = Rule(
    id="DOC001",
    name="missing-root-readme",
    axis=Axis.DOCUMENTATION,
    severity=Severity.MEDIUM,
    title="No README at the repository root",
    impact="Newcomers and reviewers have no entry point: what the project is, how to run and test it.",
    action="Add a root README with the project's purpose, a quick start (install, run, test) and links "
           "to deeper docs.",
    contexts=ALL,
    check=check,
    anchor=("pyproject.toml", "package.json", "setup.cfg", "setup.py"),
    example_bad="repo/\n  app/main.py\n  requirements.txt",
    example_good="repo/\n  README.md   # purpose, quick start, how to test\n  app/main.py",
)
