"""Configuration security: are the defaults safe to ship?"""

from archaudit.rules.base import Rule

RULES: list[Rule] = [
]
