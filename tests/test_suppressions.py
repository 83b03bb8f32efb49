"""Suppressions with accountability: inline ones need rule ids and a reason, configured ones a reason
and may expire; suppressed findings are listed (JSON, SARIF), and suppressions that accept nothing
(bare, no reason, unknown rule, unused, expired) are reported, never scored."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from archaudit.config import ConfigError
from archaudit.model import Report
from archaudit.report import render_json, render_markdown, render_sarif
from archaudit.run import audit
from archaudit.scan.suppressions import scan
from tests.conftest import NO_CACHE, write_tree

SQL = 'def {name}(cursor, value):\n    cursor.execute("SELECT id FROM t WHERE v = \'%s\'" % value){comment}\n'


def _sql(name: str, comment: str = "") -> str:
    return SQL.format(name=name, comment=comment)


def _report(root: Path, today: str = "2026-06-01") -> Report:
    return audit(root, replace(NO_CACHE, today=today))  # type: ignore[no-any-return]


def _sec006_places(report: Report) -> list[str]:
    return sorted(e.ref for f in report.findings if f.rule == "SEC006" for e in f.evidence)


def _problems(report: Report) -> set[tuple[str, str, str]]:
    return {(p.problem, p.where, p.rule) for p in report.suppression_problems}


def test_an_inline_suppression_needs_rule_ids_and_a_reason(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "app/a.py": _sql("a", "  # archaudit: ignore[SEC006] reason: value is an enum member"),
        "app/b.py": _sql("b").replace("    cursor", "    # archaudit: ignore[sec006] a constant table\n    cursor"),
        "app/c.py": _sql("c", "  # archaudit: ignore[SEC006]"),
        "app/d.py": "# archaudit: ignore\n" + _sql("d"),
        "app/e.py": _sql("e", "  # archaudit: ignore[NOPE999] reason: typo"),
    })
    report = _report(root)
    assert _sec006_places(report) == ["app/c.py:2", "app/d.py:3", "app/e.py:2"]
    assert [(s.path, s.line, s.kind, s.reason, s.where) for s in report.suppressed] == [
        ("app/a.py", 2, "inSource", "value is an enum member", "app/a.py:2"),
        ("app/b.py", 3, "inSource", "a constant table", "app/b.py:2"),
    ]
    assert _problems(report) == {("no-reason", "app/c.py:2", "SEC006"), ("bare", "app/d.py:1", ""),
                                 ("unknown-rule", "app/e.py:2", "NOPE999")}
    assert report.summary["suppressed"] == 2


def test_a_trailing_directive_covers_its_own_line_only(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"app/a.py": "x = 1  # archaudit: ignore[SEC006] reason: reviewed\n" + _sql("a")})
    report = _report(root)
    assert _sec006_places(report) == ["app/a.py:3"]
    assert ("unused", "app/a.py:1", "SEC006") in _problems(report)


def test_javascript_comments_and_strings_that_only_look_like_directives(tmp_path: Path) -> None:
    js = "const q = 1; // archaudit: ignore[SEC006] reason: fixture data\n"
    py = 'HELP = "# archaudit: ignore[SEC006] reason: this is a string, not a comment"\n'
    assert scan("web/a.ts", js) == [[1, False, "archaudit: ignore[SEC006] reason: fixture data"]]
    assert scan("app/help.py", py) == []
    assert scan("README.md", "    # archaudit: ignore[SEC006] reason: documented\n") == []


def test_configured_suppressions_by_rule_and_path_and_their_expiry(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "pyproject.toml": (
            '[tool.archaudit]\n'
            '[[tool.archaudit.suppress]]\nrule = "SEC006"\npath = "app/admin/**"\n'
            'reason = "admin tools, behind the VPN"\nexpires = 2027-03-01\n'
            '[[tool.archaudit.suppress]]\nrule = "SEC006"\npath = "app/legacy/*.py"\nreason = "rewritten in Q3"\n'
            'expires = "2026-01-31"\n'
            '[[tool.archaudit.suppress]]\nrule = "SEC006"\npath = "app/gone/**"\nreason = "removed last year"\n'),
        "app/admin/tools.py": _sql("tools"),
        "app/legacy/old.py": _sql("old"),
        "app/api.py": _sql("api"),
    })
    report = _report(root, today="2026-06-01")
    assert _sec006_places(report) == ["app/api.py:2", "app/legacy/old.py:2"]  # the expired entry's finding is back
    [accepted] = report.suppressed
    assert (accepted.path, accepted.kind, accepted.where, accepted.expires) == (
        "app/admin/tools.py", "external", "pyproject.toml [[suppress]] #1", "2027-03-01")
    assert _problems(report) == {("expired", "pyproject.toml [[suppress]] #2", "SEC006"),
                                 ("unused", "pyproject.toml [[suppress]] #3", "SEC006")}
    later = _report(root, today="2027-03-02")  # the first entry has expired too
    assert _sec006_places(later) == ["app/admin/tools.py:2", "app/api.py:2", "app/legacy/old.py:2"]


def test_suppressions_of_a_rule_that_did_not_run_are_not_called_unused(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"archaudit.toml": 'disable = ["SEC006"]\n',
                                 "app/a.py": _sql("a", "  # archaudit: ignore[SEC006] reason: reviewed")})
    report = _report(root)
    assert report.suppressed == [] and report.suppression_problems == []


@pytest.mark.parametrize(("entry", "message"), [
    ('rule = "NOPE001"\nreason = "x"', "suppress #1: rule must be a known rule id, not 'NOPE001'"),
    ('rule = "SEC006"', "suppress #1: a reason is required"),
    ('rule = "SEC006"\nreason = "x"\nexpires = "next year"', "suppress #1: expires must be a date"),
    ('rule = "SEC006"\nreason = "x"\nwhen = 1', "suppress #1: unknown key 'when'"),
])
def test_invalid_configured_suppressions_stop_the_audit(tmp_path: Path, entry: str, message: str) -> None:
    root = write_tree(tmp_path, {"archaudit.toml": f"[[suppress]]\n{entry}\n", "app/a.py": "x = 1\n"})
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _report(root)


def test_suppressed_findings_are_listed_in_json_sarif_and_markdown(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "archaudit.toml": '[[suppress]]\nrule = "SEC006"\npath = "app/b.py"\nreason = "seed script"\n',
        "app/a.py": _sql("a", "  # archaudit: ignore[SEC006] reason: value is an enum member"),
        "app/b.py": _sql("b"),
        "app/c.py": "# archaudit: ignore\nx = 1\n",
    })
    report = _report(root)
    data = json.loads(render_json.render(report))
    assert [(s["path"], s["kind"], s["reason"], s["where"]) for s in data["suppressed"]] == [
        ("app/a.py", "inSource", "value is an enum member", "app/a.py:2"),
        ("app/b.py", "external", "seed script", "archaudit.toml [[suppress]] #1")]
    assert [p["problem"] for p in data["suppression_problems"]] == ["bare"]
    results = json.loads(render_sarif.render(report))["runs"][0]["results"]
    dismissed = [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["suppressions"])
                 for r in results if "suppressions" in r]
    assert dismissed == [
        ("app/a.py", [{"kind": "inSource", "status": "accepted",
                       "justification": "value is an enum member (app/a.py:2)"}]),
        ("app/b.py", [{"kind": "external", "status": "accepted",
                       "justification": "seed script (archaudit.toml [[suppress]] #1)"}])]
    assert all(r["level"] == "error" for r in results if "suppressions" in r)  # SEC006 is high
    md = render_markdown.render(report)
    assert "`app/a.py:2` SEC006: value is an enum member (app/a.py:2)" in md
    assert "Suppression that accepts nothing: `app/c.py:1`" in md


def test_suppression_problems_move_no_score(tmp_path: Path) -> None:
    clean = {"app/a.py": "x = 1\n"}
    noisy = {"app/a.py": "x = 1  # archaudit: ignore[SEC006, NOPE1] reason: nothing here\n# archaudit: ignore\n"}
    scores = [[s.score for s in _report(write_tree(tmp_path / name, files)).scores]
              for name, files in (("clean", clean), ("noisy", noisy))]
    assert scores[0] == scores[1]
