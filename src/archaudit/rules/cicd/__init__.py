"""CI/CD and deployment (scored under reproducibility / developer experience)."""

from archaudit.rules.base import Rule

RULES: list[Rule] = [
]
