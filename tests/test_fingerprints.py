"""Fingerprints: one per finding and one per occurrence, unique in a report, stable when lines move
and when a file is renamed with unchanged evidence; a report compared with itself changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from archaudit.findings import Finding
from archaudit.history import compare_with
from archaudit.report import render_json
from tests.conftest import report_of, write_tree

SQL = 'def find(conn, name):\n    return conn.execute(f"SELECT * FROM users WHERE name = \'{name}\'")\n'
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "shop-api"


def _sql(findings: list[Finding]) -> Finding:
    return next(f for f in findings if f.rule == "SEC006")


def test_moved_lines_keep_every_fingerprint(tmp_path: Path) -> None:
    before = report_of(write_tree(tmp_path / "a", {"app/db.py": "import sqlite3\n\n\n" + SQL}))
    after = report_of(write_tree(tmp_path / "b", {"app/db.py": "import sqlite3\n# a comment\n\n\n\n\n" + SQL}))
    old, new = _sql(before.findings), _sql(after.findings)
    assert old.evidence[0].line != new.evidence[0].line
    assert (old.fingerprint, old.places) == (new.fingerprint, new.places)


def test_a_renamed_file_with_the_same_evidence_keeps_its_fingerprints(tmp_path: Path) -> None:
    before = report_of(write_tree(tmp_path / "a", {"app/db.py": SQL}))
    after = report_of(write_tree(tmp_path / "b", {"app/queries.py": SQL}))
    old, new = _sql(before.findings), _sql(after.findings)
    assert new.evidence[0].path == "app/queries.py"
    assert (old.fingerprint, old.places) == (new.fingerprint, new.places)


def test_two_identical_problems_in_one_file_are_two_occurrences(tmp_path: Path) -> None:
    one = report_of(write_tree(tmp_path / "a", {"app/db.py": SQL}))
    two = report_of(write_tree(tmp_path / "b", {"app/db.py": SQL + "\n\n" + SQL.replace("find(", "find2(")}))
    first, both = _sql(one.findings), _sql(two.findings)
    assert both.occurrences == 2 and len(set(both.places)) == 2
    assert first.places[0] in both.places  # the old one is still the old one
    comparison = compare_with(two, json.loads(render_json.render(one)), "one")
    assert comparison.new == () and comparison.fixed == ()
    assert [(f.rule, e.line) for f, e, _ in comparison.new_places] == [("SEC006", 6)]
    assert both in comparison.regressions()  # what a --fail-on ratchet sees


def test_the_same_problem_in_two_files_gets_two_findings_and_fingerprints(tmp_path: Path) -> None:
    report = report_of(write_tree(tmp_path, {"app/db.py": SQL, "app/other.py": SQL}))
    sql = [f for f in report.findings if f.rule == "SEC006"]
    assert len(sql) == 2
    assert len({f.fingerprint for f in sql}) == 2 and len({p for f in sql for p in f.places}) == 2


def _self_compare(path: Path) -> None:
    report = report_of(path)
    data = json.loads(render_json.render(report))
    fingerprints = [f.fingerprint for f in report.findings]
    places = [p for f in report.findings for p in f.places]
    assert len(set(fingerprints)) == len(fingerprints) and len(set(places)) == len(places)
    assert all(len(f.places) == f.occurrences for f in report.findings)
    comparison = compare_with(report, data, "itself")
    assert comparison.persisting == len(report.findings) > 0
    assert comparison.new == comparison.fixed == comparison.new_places == comparison.fixed_places == ()
    assert all(s.delta in (0, None) for s in comparison.scores)


def test_a_report_compared_with_itself_changes_nothing() -> None:
    _self_compare(EXAMPLE)


def test_every_fixture_report_compared_with_itself_changes_nothing() -> None:
    fixtures = sorted((Path(__file__).parent / "fixtures" / "repos").iterdir())
    assert len(fixtures) > 3
    for path in fixtures:
        if path.is_dir() and any(True for _ in path.rglob("*.py")):
            report = report_of(path)
            if report.findings:
                _self_compare(path)
