"""The rule registry: every rule, by folder. A rule that is not listed does not run, and the guard
test (tests/test_rule_registry.py) fails for a rule module that is not registered.

To add a rule: write `rules/<folder>/<name>.py` defining `RULE`, list it in `rules/<folder>/__init__.py`,
and add `tests/fixtures/rules/<RULE_ID>/{bad,good}/` (see tests/test_rule_examples.py).
"""

from __future__ import annotations

from archaudit.rules import (
    cicd,
    config_security,
    devex,
    documentation,
    migrations,
    modularity,
    observability,
    performance,
    reproducibility,
    security,
    testing,
)
from archaudit.rules.base import Rule

_FOLDERS = (cicd, config_security, devex, documentation, migrations, modularity, observability, performance,
            reproducibility, security, testing)
ALL_RULES: list[Rule] = sorted((r for folder in _FOLDERS for r in folder.RULES), key=lambda r: r.id)
RULES_BY_ID: dict[str, Rule] = {r.id: r for r in ALL_RULES}
