"""Accepted debt and the CI gate: `archaudit baseline` writes a deterministic file, `--baseline` reports
what it lacks and what it holds that is fixed, and `--fail-on` then fails on new findings only,
naming them on stderr."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from archaudit.cli import main
from tests.conftest import write_tree

SQL = 'def {name}(cursor, value):\n    cursor.execute("SELECT id FROM t WHERE v = \'%s\'" % value)\n'


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _repo(root: Path) -> Path:
    return write_tree(root, {"README.md": "# shop\n\n## Quick start\n\n```sh\nmake run\n```\n",
                             "app/users.py": SQL.format(name="find")})


def test_the_baseline_file_is_sorted_and_deterministic(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo")
    target = tmp_path / "archaudit-baseline.json"
    assert run("baseline", str(repo), "-o", str(target), "--quiet", "--no-cache")[0] == 0
    first = target.read_text()
    assert run("baseline", str(repo), "-o", str(target), "--quiet", "--no-cache")[0] == 0  # replaces its own file
    assert target.read_text() == first
    data = json.loads(first)
    entries = data["findings"]
    assert data["archaudit_baseline"] == 1 and set(data) == {"archaudit_baseline", "findings"}  # no date, no version
    assert entries == sorted(entries, key=lambda e: (e["rule"], e["path"], e["fingerprint"]))
    assert {"fingerprint": entries[-1]["fingerprint"], "rule": "SEC006", "path": "app/users.py",
            "title": "SQL built by string formatting"} in entries
    code, out, _ = run("baseline", str(repo), "--quiet", "--no-cache")  # stdout by default
    assert code == 0 and out == first


def test_the_baseline_never_overwrites_a_foreign_file(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo")
    foreign = tmp_path / "notes.json"
    foreign.write_text('{"mine": true}\n')
    code, _, err = run("baseline", str(repo), "-o", str(foreign), "--quiet", "--no-cache")
    assert code == 2 and "--force" in err and foreign.read_text() == '{"mine": true}\n'


def test_the_gate_fails_on_new_findings_only_and_says_which(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo")
    baseline = tmp_path / "baseline.json"
    run("baseline", str(repo), "-o", str(baseline), "--quiet", "--no-cache")
    code, out, err = run("audit", str(repo), "--baseline", str(baseline), "--fail-on", "high", "--format", "json",
                         "--no-cache", "--quiet")
    assert code == 0 and err == ""  # the known SQL injection is accepted debt
    report = json.loads(out)
    assert report["baseline"]["new"] == [] and report["baseline"]["fixed"] == []
    assert report["baseline"]["accepted"] == len(report["findings"])

    # a new injection of its own (an identical copy of the old line in another file ties with it: both then
    # take their path into the fingerprint and both read as new, the gate erring on the side of failing)
    (repo / "app" / "orders.py").write_text(SQL.format(name="by_status").replace("WHERE v", "WHERE status"))
    code, out, err = run("audit", str(repo), "--baseline", str(baseline), "--fail-on", "high", "--format", "json",
                         "--no-cache", "--quiet")
    assert code == 1
    assert err.splitlines() == ["archaudit: --fail-on high failed: 1 new finding at or above high",
                                "  high     SEC006  app/orders.py:2  SQL built by string formatting"]
    new = json.loads(out)["baseline"]["new"]
    assert [(f["rule"], f["evidence"][0]["path"]) for f in new] == [("SEC006", "app/orders.py")]
    code, _, _ = run("audit", str(repo), "--baseline", str(baseline), "--fail-on", "critical", "--no-cache", "--quiet")
    assert code == 0


def test_fixed_baseline_entries_are_listed(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo")
    baseline = tmp_path / "baseline.json"
    run("baseline", str(repo), "-o", str(baseline), "--quiet", "--no-cache")
    (repo / "app" / "users.py").write_text("def find(cursor, v):\n    cursor.execute('SELECT 1 WHERE v = ?', (v,))\n")
    code, out, _ = run("audit", str(repo), "--baseline", str(baseline), "--format", "json", "--no-cache", "--quiet")
    fixed = json.loads(out)["baseline"]["fixed"]
    assert code == 0 and [(e["rule"], e["path"]) for e in fixed] == [("SEC006", "app/users.py")]
    code, out, _ = run("audit", str(repo), "--baseline", str(baseline), "--no-cache", "--quiet")
    assert "## Against the baseline" in out and "- Fixed: **SQL built by string formatting** `app/users.py`" in out


def test_without_a_reference_the_gate_judges_every_finding(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo")
    code, _, err = run("audit", str(repo), "--fail-on", "high", "--no-cache", "--quiet")
    assert code == 1 and "1 finding at or above high" in err and "SEC006  app/users.py:2" in err


def test_a_file_that_is_not_a_baseline_is_refused(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo")
    report = tmp_path / "report.json"
    run("audit", str(repo), "--format", "json", "-o", str(report), "--no-cache", "--quiet")
    for bogus, why in ((report, "a JSON report goes to --compare"), (tmp_path / "none.json", "not a readable")):
        code, _, err = run("audit", str(repo), "--baseline", str(bogus))
        assert code == 2 and why in err and "Traceback" not in err
    broken = tmp_path / "broken.json"
    broken.write_text('{"archaudit_baseline": 1, "findings": [{"rule": "SEC006"}]}')
    code, _, err = run("audit", str(repo), "--baseline", str(broken))
    assert code == 2 and "each with a fingerprint" in err
