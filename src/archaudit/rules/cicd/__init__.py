"""CI/CD and deployment (scored under reproducibility / developer experience)."""

from archaudit.rules.base import Rule
from archaudit.rules.cicd import (
    ci_no_tests,
    inline_script,
    lint_restricted,
    migrations_in_build,
    no_ci,
    no_healthcheck,
    python_mismatch,
    server_unused,
    stale_ci_reference,
    step_cannot_fail,
)

RULES: list[Rule] = [
    no_ci.RULE, ci_no_tests.RULE, lint_restricted.RULE, step_cannot_fail.RULE, inline_script.RULE,
    stale_ci_reference.RULE, migrations_in_build.RULE, no_healthcheck.RULE, python_mismatch.RULE,
    server_unused.RULE,
]
