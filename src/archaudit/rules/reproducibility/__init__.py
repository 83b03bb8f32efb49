"""Dependencies and reproducibility: can the same build be made twice?"""

from archaudit.rules.base import Rule

RULES: list[Rule] = [
]
