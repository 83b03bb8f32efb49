"""TST001 package-without-tests."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.testing.section import find_tests
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule


def check(repo: Repo) -> Iterator[Hit]:
    """Only when the project has Python tests: flags each top-level application package (a folder of
    source modules defining functions or classes) that no test imports, directly or through the
    modules the tests import, that holds no test file, and that no test folder or file is named after."""
    inv = find_tests(repo)
    if not inv.files:
        return
    for p in inv.untested:
        yield Hit(p.path, 0, Message("Package `{folder}` ({modules} modules, {lines} lines) is reached by no test: "
                                     "no test imports it, directly or through other modules, and no test folder is "
                                     "named after it.",
                                     folder=p.folder, modules=p.modules, lines=p.lines), key=p.folder)


RULE = Rule(
    id="TST001",
    name="package-without-tests",
    axis=Axis.TESTING,
    severity=Severity.MEDIUM,
    title="Application package with no tests",
    impact="Changes to this package are never exercised by the test suite: regressions there reach "
           "production unnoticed, and refactoring it is risky.",
    action="Add tests for the package's main behaviour (a tests/<package>/ folder mirroring it), starting "
           "with its public functions and the endpoints that use it.",
    check=check,
    example_bad="app/orders/  -> tests/test_orders.py\napp/billing/ -> (nothing imports it from tests)",
    example_good="app/billing/ -> tests/billing/test_invoice.py imports app.billing.invoice",
)
