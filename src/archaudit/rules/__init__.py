"""The rule registry: every rule, by axis. A rule that is not listed here does not run, and the
guard test (tests/test_rule_registry.py) fails for a rule module that is not registered.

To add a rule: write `rules/<axis>/<name>.py` defining `RULE`, list it in `rules/<axis>/__init__.py`,
and add `tests/fixtures/rules/<RULE_ID>/{bad,good}/` (see tests/test_rule_examples.py).
"""

from __future__ import annotations

from archaudit.rules import documentation
from archaudit.rules.base import Rule

ALL_RULES: list[Rule] = sorted([*documentation.RULES], key=lambda r: r.id)
RULES_BY_ID: dict[str, Rule] = {r.id: r for r in ALL_RULES}
