"""Security: authentication, injection, secrets, error exposure."""

from archaudit.rules.base import Rule

RULES: list[Rule] = [
]
