"""Runtime and performance: blocking calls, inline heavy work, shared state, pooling."""

from archaudit.rules.base import Rule

RULES: list[Rule] = [
]
