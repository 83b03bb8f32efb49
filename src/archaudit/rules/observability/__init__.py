"""Observability: can operators see what the system does?"""

from archaudit.rules.base import Rule

RULES: list[Rule] = [
]
