"""The recall benchmark's matching logic (benchmarks/recall/run.py), on a tiny synthetic report.

A matcher that is too loose inflates the recall figure the team steers by; one that is too strict
hides what archaudit already does. The audit files themselves are validated too (no snapshot needed).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

RUN = Path(__file__).resolve().parents[1] / "benchmarks" / "recall" / "run.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("recall_run", RUN)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["recall_run"] = module
    spec.loader.exec_module(module)
    return module


run = _load()

REPORT: dict[str, Any] = {
    "findings": [
        {"rule": "CFG002", "evidence": [{"path": "app/core/config.py", "line": 20}]},
        {"rule": "TS006", "evidence": [{"path": "src/main.ts", "line": 36}, {"path": "src/other.ts", "line": 5}]},
        {"rule": "CI001", "evidence": [{"path": ".", "line": 0}]},
    ],
    "inventory": {
        "ts_backend": {"title": "TypeScript backends", "headline": "Express (server); 43 endpoints",
                       "facts": [{"text": "43 endpoints (express 43); 37 behind a guard", "evidence": []}],
                       "tables": {"ts_endpoints": [{"path": "/api/user/login", "auth": "no"}]}},
        "configuration": {"title": "Configuration", "headline": "", "facts": [], "tables": {}},
    },
}


@pytest.mark.parametrize(("expect", "hit"), [
    ({"rule": "CFG002", "path": "app/core/config.py", "line": 20}, True),
    ({"rule": "CFG002", "path": "app/core/config.py", "line": 23}, True),   # within the default window of 3
    ({"rule": "CFG002", "path": "app/core/config.py", "line": 24}, False),  # outside it
    ({"rule": "CFG002", "path": "app/core/config.py", "line": 30, "window": 10}, True),
    ({"rule": "CFG002", "path": "app/core/settings.py", "line": 20}, False),  # same line, other file
    ({"rule": "CFG002", "path": "app/core/", "line": 20}, True),              # a folder matches its files
    ({"rule": "CFG002", "path": "app/core"}, False),                          # a file path is not a prefix
    ({"rule": "CFG003", "path": "app/core/config.py", "line": 20}, False),   # right place, wrong rule
    ({"rule": ["SEC008", "TS006"], "path": "src/other.ts", "line": 5}, True),  # any listed rule, any evidence
    ({"rule": "CI001"}, True),                                                # repository-level
    ({"rule": "SEC005"}, False),
])
def test_rule_expectations(expect: dict[str, Any], hit: bool) -> None:
    assert run.reproduced(expect, REPORT) is hit


@pytest.mark.parametrize(("expect", "hit"), [
    ({"inventory": "ts_backend", "contains": "BEHIND A GUARD"}, True),         # case-insensitive, in a fact
    ({"inventory": "TypeScript backends", "contains": "43 endpoints"}, True),  # by title, in the headline
    ({"inventory": "ts_backend", "contains": "/api/user/login"}, True),        # in a table row
    ({"inventory": "configuration", "contains": "behind a guard"}, False),     # another section
    ({"inventory": "deployment", "contains": "docker"}, False),                # a section the report lacks
])
def test_inventory_expectations(expect: dict[str, Any], hit: bool) -> None:
    assert run.reproduced(expect, REPORT) is hit


def test_null_expectation_is_a_miss() -> None:
    assert run.reproduced(None, REPORT) is False


def test_only_verified_checkable_claims_count() -> None:
    audit = {"repo": "o/r", "claims": [
        {"id": "A", "checkable": True, "verified": True, "expect": {"rule": "CFG002"}},
        {"id": "B", "checkable": True, "verified": True, "expect": {"rule": "CI001"}, "partial": "half"},
        {"id": "C", "checkable": True, "verified": True, "expect": None},
        {"id": "D", "checkable": True, "verified": False, "expect": {"rule": "CI001"}},   # does not hold
        {"id": "E", "checkable": False, "verified": True, "expect": None},                 # an opinion
    ]}
    outcomes = {o.claim["id"]: o for o in run.evaluate(audit, REPORT)}
    assert sorted(outcomes) == ["A", "B", "C"]
    assert (outcomes["A"].reproduced, outcomes["A"].partial) == (True, False)
    assert (outcomes["B"].reproduced, outcomes["B"].partial) == (True, True)
    assert outcomes["C"].reproduced is False


def test_validate_reports_malformed_claims() -> None:
    audit = {"repo": "o/r", "commit": "c", "document": "AUDIT.md", "claims": [
        {"id": "A", "claim": "x", "category": "security", "checkable": True, "verified": True,
         "evidence": "a.py:1", "expect": {"path": "a.py"}},
        {"id": "A", "claim": "y", "category": "security", "checkable": True, "verified": True, "evidence": "b.py:2"},
    ]}
    problems = run.validate(audit)
    assert "A: expect needs rule, or inventory and contains" in problems
    assert "A: duplicate id" in problems
    assert "A: missing expect" in problems


def test_committed_audits_are_well_formed() -> None:
    audits = run.load_audits()
    assert len(audits) >= 8
    assert {a["repo"] for a in audits} == {a["repo"] for a in audits if "/" in a["repo"]}
    for audit in audits:
        assert run.validate(audit) == [], audit["_file"]
        assert len(str(audit["commit"])) == 40, audit["_file"]
