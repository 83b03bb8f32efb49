"""Database migrations (scored under reproducibility): reversible, ordered, single head?"""

from archaudit.rules.base import Rule

RULES: list[Rule] = [
]
