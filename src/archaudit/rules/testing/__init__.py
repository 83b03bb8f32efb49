"""Testing: is the code covered and is the error contract testable?"""

from archaudit.rules.base import Rule

RULES: list[Rule] = [
]
