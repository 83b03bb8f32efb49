"""CI002 ci-does-not-run-tests."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.cicd.section import find_ci_jobs, unsupported_ci_files
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at the steps of every CI job (GitHub Actions, GitLab CI, CircleCI), including the
    repository scripts and Makefile targets they call, for a test run (pytest, tox, nox, manage.py
    test, npm test, vitest, jest...), in a repository that has test files. Silent when a job
    delegates to a reusable workflow or a CI file could not be read (not determined)."""
    jobs = find_ci_jobs(repo)
    if not jobs or any(j.reusable for j in jobs) or unsupported_ci_files(repo):
        return
    if not any(f.role == "test" for f in repo.files):
        return
    if any("tests" in j.kinds for j in jobs):
        return
    files = sorted({j.file for j in jobs})
    yield Hit(files[0], 0, Message("{n} CI jobs run, none of them runs the test suite.",
                                   n=len(jobs)),
              also=tuple(Evidence(f, 0) for f in files[1:]), key="ci-no-tests")


RULE = Rule(
    id="CI002",
    name="ci-does-not-run-tests",
    axis=Axis.TESTING,
    severity=Severity.MEDIUM,
    title="CI never runs the tests",
    impact="The test suite exists but nothing enforces it: changes that break it are merged, and the "
           "tests rot until nobody trusts them.",
    action="Add a CI step that runs the test suite (e.g. `pytest`) and fails the pipeline on failure.",
    check=check,
    example_bad="jobs:\n  lint:\n    steps:\n      - run: ruff check .",
    example_good="jobs:\n  test:\n    steps:\n      - run: ruff check .\n      - run: pytest",
)
