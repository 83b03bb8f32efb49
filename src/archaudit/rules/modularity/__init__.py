"""Modularity and layering: is business logic where it belongs, are boundaries respected?"""

from archaudit.rules.base import Rule

RULES: list[Rule] = [
]
