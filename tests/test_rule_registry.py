"""Guard: every rule module is registered once, ids are unique and well formed, docs are complete,
and docs/rules.md is exactly what the rules' metadata generates."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import archaudit.rules as rules_pkg
from archaudit.rules import ALL_RULES
from archaudit.rules.base import Rule
from archaudit.rules.docs import rules_markdown

ROOT = Path(__file__).resolve().parents[1]


def _rule_modules() -> list[Rule]:
    found = []
    for info in pkgutil.walk_packages(rules_pkg.__path__, "archaudit.rules."):
        module = importlib.import_module(info.name)
        rule = getattr(module, "RULE", None)
        if isinstance(rule, Rule):
            found.append(rule)
    return found


def test_every_rule_module_is_registered() -> None:
    registered = {r.id for r in ALL_RULES}
    missing = [r.id for r in _rule_modules() if r.id not in registered]
    assert not missing, f"rule modules not listed in their axis __init__: {missing}"


def test_ids_and_names_are_unique_and_well_formed() -> None:
    ids = [r.id for r in ALL_RULES]
    names = [r.name for r in ALL_RULES]
    assert len(ids) == len(set(ids))
    assert len(names) == len(set(names))
    for r in ALL_RULES:
        assert re.fullmatch(r"[A-Z]{2,4}\d{3}", r.id), r.id
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", r.name), r.name


def test_every_rule_explains_itself() -> None:
    for r in ALL_RULES:
        assert r.title and r.impact and r.action, r.id
        assert len(r.rationale) > 20, f"{r.id}: check() needs a docstring saying what it looks at"
        assert r.example_bad and r.example_good, f"{r.id}: examples for 'archaudit explain'"


def test_rules_reference_page_is_generated() -> None:
    assert (ROOT / "docs" / "rules.md").read_text() == rules_markdown(ALL_RULES), \
        "regenerate with: archaudit rules --format md > docs/rules.md"
