"""Developer experience: can a newcomer build, run and check the project?"""

from archaudit.rules.base import Rule
from archaudit.rules.devex import (
    adhoc_test_script,
    no_git_hooks,
    no_lint_config,
    no_task_runner,
    runtime_artefact,
    unprovisioned_tool,
)
from archaudit.rules.devex.typescript import implicit_any as ts_implicit_any

RULES: list[Rule] = [
    no_task_runner.RULE, no_git_hooks.RULE, unprovisioned_tool.RULE, runtime_artefact.RULE, adhoc_test_script.RULE,
    no_lint_config.RULE, ts_implicit_any.RULE,
]
