"""Testing: is the code covered and is the error contract testable?"""

from archaudit.rules.base import Rule
from archaudit.rules.testing import error_shapes, no_coverage, no_tests, untested_packages
from archaudit.rules.testing.typescript import error_handler_fixed_500 as ts_error_handler_fixed_500
from archaudit.rules.testing.typescript import untested_module as ts_untested_module

RULES: list[Rule] = [
    untested_packages.RULE, no_tests.RULE, no_coverage.RULE, error_shapes.RULE,
    ts_untested_module.RULE, ts_error_handler_fixed_500.RULE,
]
