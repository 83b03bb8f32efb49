"""TST002 no-tests."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.testing.packages import NOT_APPLICATION
from archaudit.detect.testing.scan import is_test_file
from archaudit.detect.testing.section import find_tests
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule

_NOT_APP_FILES = frozenset({"setup.py", "noxfile.py", "conftest.py", "manage.py", "fabfile.py", "tasks.py"})
MIN_DEFINITIONS = 5
MIN_LINES = 100


def app_code(repo: Repo) -> tuple[int, int, int]:
    """(files, functions + classes, lines) of Python application code: source-role modules outside
    tests, scripts, docs, examples and migrations."""
    files = defs = lines = 0
    for path, facts in repo.python_items():
        *folders, base = path.split("/")
        if (repo.by_path[path].role != "source" or is_test_file(repo, path) or base in _NOT_APP_FILES
                or not base.endswith(".py")
                or any(seg in NOT_APPLICATION for seg in folders)):
            continue
        files += 1
        defs += len(facts["functions"]) + len(facts["classes"])
        lines += facts["lines"]
    return files, defs, lines


def check(repo: Repo) -> Iterator[Hit]:
    """Counts Python test functions (test_* functions and test methods in test files); when there
    are none while the repository holds application code (at least 5 functions or classes and 100
    lines in source modules outside tests/scripts/docs), reports it once for the repository."""
    if find_tests(repo).files:
        return
    files, defs, lines = app_code(repo)
    if defs < MIN_DEFINITIONS or lines < MIN_LINES:
        return
    yield Hit(".", 0, Message("No Python test was found for {files} application modules ({lines} lines, {defs} "
                              "functions and classes).",
                              files=files, lines=lines, defs=defs), key="no-tests")


RULE = Rule(
    id="TST002",
    name="no-tests",
    axis=Axis.TESTING,
    severity=Severity.HIGH,
    title="No automated tests",
    impact="Nothing checks that the application works: every change, dependency upgrade or refactoring "
           "is verified by hand or in production.",
    action="Add pytest with a tests/ folder; start with smoke tests of the main endpoints (a test client) "
           "and unit tests of the business rules, and run them in CI.",
    check=check,
    anchor=("pyproject.toml", "setup.cfg", "tox.ini", "pytest.ini"),
    example_bad="app/main.py\napp/services/orders.py\n(no tests/ folder, no test_*.py)",
    example_good="app/...\ntests/test_orders.py   def test_place_order(): ...",
)
