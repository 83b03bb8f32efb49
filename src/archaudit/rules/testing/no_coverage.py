"""TST003 coverage-not-measured."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.testing.section import find_tests
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule


def check(repo: Repo) -> Iterator[Hit]:
    """When Python tests exist, looks for anything configuring or measuring coverage: .coveragerc,
    [tool.coverage] in pyproject.toml, [coverage:*] in setup.cfg/tox.ini, --cov in pytest options,
    `pytest --cov` / `coverage run` in CI, Makefile, justfile, tox.ini, noxfile.py or shell scripts,
    a codecov configuration. Reports once when there is none."""
    inv = find_tests(repo)
    if not inv.files or inv.coverage:
        return
    first = inv.files[0]
    yield Hit(".", 0, Message("{test_count} tests exist but nothing configures or measures their coverage.",
                              test_count=inv.test_count),
              also=(Evidence(first.path, first.line),), key="no-coverage")


RULE = Rule(
    id="TST003",
    name="coverage-not-measured",
    axis=Axis.TESTING,
    severity=Severity.LOW,
    title="Test coverage is not measured",
    impact="Nobody can tell which code the tests exercise, and coverage can silently drop as code is added.",
    action="Measure coverage in CI (pytest-cov: `pytest --cov=<package>`) and configure it in pyproject.toml "
           "([tool.coverage.run] source, [tool.coverage.report] fail_under).",
    check=check,
    anchor=("pyproject.toml", "setup.cfg", "tox.ini", "pytest.ini", ".github/workflows/"),
    example_bad="tests/test_api.py\npyproject.toml  # [tool.pytest.ini_options] only",
    example_good="[tool.coverage.report]\nfail_under = 80",
)
