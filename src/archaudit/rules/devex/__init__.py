"""Developer experience: can a newcomer build, run and check the project?"""

from archaudit.rules.base import Rule
from archaudit.rules.devex import no_git_hooks, no_task_runner, unprovisioned_tool

RULES: list[Rule] = [
    no_task_runner.RULE, no_git_hooks.RULE, unprovisioned_tool.RULE,
]
