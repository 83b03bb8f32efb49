"""Scores say what they rest on: an axis no rule examined for the code present is not evaluated (never
10/10), an axis whose rules read none of a language present says so, and one rule cannot decide an axis."""

from __future__ import annotations

from archaudit.findings import Axis, Evidence, Finding, Severity
from archaudit.rules import ALL_RULES
from archaudit.rules.base import PYTHON
from archaudit.scoring import CAP, score_axes
from tests.conftest import FIXTURES, report_of


def _finding(rule: str, severity: Severity, occurrences: int = 1) -> Finding:
    return Finding(rule=rule, name="n", severity=severity, axis=Axis.SECURITY, title="t", message="m", impact="i",
                   action="a", evidence=(Evidence("a.py", 1),), fingerprint=rule.lower(), occurrences=occurrences)


def test_a_typescript_backend_is_not_scored_on_axes_only_python_rules_examine() -> None:
    report = report_of(FIXTURES / "repos" / "ts_express")
    scores = {s.axis: s for s in report.scores}
    assert scores[Axis.SECURITY].is_evaluated and not scores[Axis.SECURITY].not_examined  # TS102-TS106, SEC101...
    assert scores[Axis.CONFIG_SECURITY].is_evaluated and not scores[Axis.CONFIG_SECURITY].not_examined  # TS006...
    # the performance rules reading TS (TypeORM pools, schedulers, compression) or any stack's manifests
    # (migrations at start)
    assert scores[Axis.PERFORMANCE].evaluated == ("PERF005", "PERF103", "PERF104", "TS125")
    rated = [s for s in report.scores if s.is_evaluated]
    assert report.summary["axes_evaluated"] == len(rated)
    python_only = [r for r in ALL_RULES if r.axis == Axis.PERFORMANCE and r.code_languages == PYTHON]
    [performance] = [s for s in score_axes([], python_only, {"typescript"}) if s.axis == Axis.PERFORMANCE]
    assert not performance.is_evaluated and performance.formula.startswith("not evaluated")


def test_a_python_backend_is_evaluated_on_every_axis() -> None:
    report = report_of(FIXTURES / "repos" / "api_fastapi")
    assert all(s.is_evaluated and not s.not_examined for s in report.scores)


def test_one_rule_takes_at_most_the_cap_from_an_axis() -> None:
    [security] = [s for s in score_axes([_finding("SEC008", Severity.CRITICAL, occurrences=5)]) if
                  s.axis == Axis.SECURITY]
    assert security.score == 10 - CAP and "(capped)" in security.formula


def test_repeats_count_occurrences_merged_into_one_finding() -> None:
    one = score_axes([_finding("SEC006", Severity.HIGH)])
    three = score_axes([_finding("SEC006", Severity.HIGH, occurrences=3)])
    assert [s.score for s in one if s.axis == Axis.SECURITY] == [8.0]
    assert [s.score for s in three if s.axis == Axis.SECURITY] == [7.0]
