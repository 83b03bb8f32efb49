"""CI001 no-ci-configuration."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.cicd.section import ci_files
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule


def check(repo: Repo) -> Iterator[Hit]:
    """Looks for any CI configuration (GitHub Actions workflows, .gitlab-ci.yml, .circleci/,
    Jenkinsfile, Azure, Bitbucket, Travis) in a repository that holds application code (Python,
    TypeScript or JavaScript sources)."""
    if ci_files(repo):
        return
    if any(f.role == "source" for f in repo.files):
        yield Hit(".", 0, Message("No CI configuration was found: nothing runs the tests or checks on each change."),
                  key="no-ci")


RULE = Rule(
    id="CI001",
    name="no-ci-configuration",
    axis=Axis.REPRODUCIBILITY,
    severity=Severity.MEDIUM,
    title="No continuous integration",
    impact="Tests, linters and builds run only when someone remembers to run them locally; regressions "
           "and broken builds reach the main branch unnoticed.",
    action="Add a CI pipeline (e.g. .github/workflows/ci.yml) that installs the locked dependencies and runs "
           "the linters and the test suite on every push and pull request.",
    check=check,
    anchor=("pyproject.toml", "package.json", "README.md"),
    example_bad="repo/\n  app/\n  tests/\n  (no .github/workflows, no .gitlab-ci.yml)",
    example_good="repo/\n  .github/workflows/ci.yml   # ruff + mypy + pytest on push and pull_request",
)
