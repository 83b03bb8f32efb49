"""Developer experience: can a newcomer build, run and check the project?"""

from archaudit.rules.base import Rule

RULES: list[Rule] = [
]
