"""Every rule runs on its own fixture repositories: it must fire exactly at the expected places in
`tests/fixtures/rules/<ID>/bad/` (listed in its EXPECTED file as `path:line`, one per line) and
stay silent on `tests/fixtures/rules/<ID>/good/`. A new rule needs fixtures, no test code."""

from __future__ import annotations

from pathlib import Path

import pytest

from archaudit.rules import ALL_RULES
from archaudit.rules.base import Rule
from archaudit.rules.engine import run_rules
from tests.conftest import FIXTURES, repo_of

RULE_FIXTURES = FIXTURES / "rules"


def _expected(bad: Path) -> set[tuple[str, int]]:
    out = set()
    for line in (bad / "EXPECTED").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            path, _, lineno = line.rpartition(":")
            out.add((path, int(lineno)))
    return out


def _places(rule: Rule, root: Path) -> set[tuple[str, int]]:
    findings, failures = run_rules(repo_of(root), [rule])
    assert not failures, failures
    return {(f.evidence[0].path, f.evidence[0].line) for f in findings}


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_rule_fires_on_bad_example(rule: Rule) -> None:
    bad = RULE_FIXTURES / rule.id / "bad"
    assert (bad / "EXPECTED").is_file(), f"{rule.id} has no bad fixture with an EXPECTED file"
    expected = _expected(bad)
    assert expected, f"{rule.id}: EXPECTED lists no place"
    assert _places(rule, bad) == expected


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_rule_is_silent_on_good_example(rule: Rule) -> None:
    good = RULE_FIXTURES / rule.id / "good"
    assert good.is_dir(), f"{rule.id} has no good fixture"
    assert _places(rule, good) == set()
