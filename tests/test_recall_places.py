"""Findings point where a reviewer looks: CFG008 at the fixed `docs_url=` argument as well as the
application, SEC006 at the statement where outside data enters a query built across statements, and
CFG004 never shows the literal database password it reports."""

from __future__ import annotations

from pathlib import Path

from archaudit.rules.config_security.api_docs_exposed import RULE as CFG008
from archaudit.rules.config_security.default_database import RULE as CFG004
from archaudit.rules.engine import run_rules
from archaudit.rules.security.sql_string_building import RULE as SEC006
from tests.conftest import FIXTURES, repo_of

RULES = FIXTURES / "rules"


def _evidence(rule_id: str, root: Path, path: str) -> list[list[int]]:
    rule = {"CFG008": CFG008, "CFG004": CFG004, "SEC006": SEC006}[rule_id]
    findings, failures = run_rules(repo_of(root), [rule])
    assert not failures
    return [[e.line for e in f.evidence] for f in findings if f.evidence[0].path == path]


def test_fixed_docs_paths_are_shown_where_written() -> None:
    assert _evidence("CFG008", RULES / "CFG008" / "bad", "app/public.py") == [[5, 7, 9]]


def test_query_built_across_statements_points_at_the_piece_from_outside() -> None:
    assert _evidence("SEC006", RULES / "SEC006" / "bad", "app/logs/db.py") == [[14, 12]]


def test_literal_database_password_is_masked() -> None:
    findings, _ = run_rules(repo_of(RULES / "CFG004" / "bad"), [CFG004])
    texts = " ".join(f.message + " ".join(e.snippet for e in f.evidence) for f in findings)
    assert "shop_s3cret_pw" not in texts and "shop/settings.py" in {f.evidence[0].path for f in findings}
