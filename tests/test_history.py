"""The audit history: two audits of a changing repository recorded and compared (fixed with the date
of the first audit that saw it gone, new, persisting), `archaudit history` and `archaudit diff`,
`--compare` refusing what it cannot compare, and where the database lives."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from archaudit.cli import main
from archaudit.store import Store, sqlite_url
from archaudit.store.schema import HEAD_REVISION
from tests.conftest import write_tree

DAY1, DAY2, DAY3 = "1700000000", "1700086400", "1700172800"  # 2023-11-14, -15, -16 (UTC)
SQL = 'def find(conn, name):\n    return conn.execute(f"SELECT * FROM users WHERE name = \'{name}\'")\n'
SECRET = 'DEBUG = True\nSECRET_KEY = "django-insecure-abc123"\n'


def run(*args: str, epoch: str | None = None) -> tuple[int, str, str]:
    env = {"SOURCE_DATE_EPOCH": epoch} if epoch else {}
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def _audit(repo: Path, db: Path, epoch: str, *extra: str) -> dict:
    code, out, err = run("audit", str(repo), "--history", str(db), "--format", "json", "--no-cache", "--quiet",
                         "--preview", *extra, epoch=epoch)
    assert code == 0, err
    return json.loads(out)


def test_two_audits_of_a_changing_repository_are_recorded_and_compared(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite"
    repo = write_tree(tmp_path / "repo", {"app/db.py": SQL, "app/main.py": "x = 1\n"})  # no README: DOC001
    first = _audit(repo, db, DAY1)
    assert "comparison" not in first  # nothing recorded before
    rules_before = {f["rule"] for f in first["findings"]}
    assert {"DOC001", "SEC006"} <= rules_before

    (repo / "README.md").write_text("# repo\n\n## Quick start\n\n    pip install .\n")  # fixes DOC001
    (repo / "app" / "db.py").write_text("import sqlite3\n\n\n" + SQL + "\n\n" + SQL.replace("find(", "find2("))
    write_tree(repo, {"app/settings.py": SECRET})  # new findings
    second = _audit(repo, db, DAY2)
    c = second["comparison"]
    assert c["source"] == "history" and c["previous"].startswith("audit #1 of 2023-11-14")
    fixed = {f["rule"]: f for f in c["fixed"]}
    assert fixed["DOC001"]["fixed_on"].startswith("2023-11-15")
    assert {(f["rule"], f["evidence"][0]["path"]) for f in c["new"]} == {
        ("CFG001", "app/settings.py"), ("CFG002", "app/settings.py")}
    assert all(f["fingerprint"] not in {g["fingerprint"] for g in first["findings"]} for f in c["new"])
    sql = next(f for f in second["findings"] if f["rule"] == "SEC006")
    assert sql["fingerprint"] in c["still_open"]  # moved down three lines: still the same finding
    assert [(p["rule"], p["line"]) for p in c["new_places"]] == [("SEC006", 9)]  # the second one is new
    assert c["persisting"] == len(c["still_open"]) == len(second["findings"]) - len(c["new"])
    doc = next(s for s in c["scores"] if s["axis"] == "documentation")
    assert doc["after"] > doc["before"] and doc["delta"] == round(doc["after"] - doc["before"], 1)

    third = _audit(repo, db, DAY3)  # unchanged: DOC001 stays fixed on day 2, nothing new
    assert third["comparison"]["new"] == third["comparison"]["fixed"] == []
    assert third["comparison"]["persisting"] == len(third["findings"])

    code, _out, _ = run("audit", str(repo), "--history", str(db), "--compare", str(tmp_path / "first.json"))
    assert code == 2  # a missing --compare file is an error, never "everything is new"


def test_fixed_since_an_older_report_is_dated_by_the_first_audit_that_saw_it_gone(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    repo = write_tree(tmp_path / "repo", {"app/main.py": "x = 1\n"})
    old = tmp_path / "old.json"
    old.write_text(json.dumps(_audit(repo, db, DAY1)))
    (repo / "README.md").write_text("# repo\n\n## Quick start\n\n    pip install .\n")
    _audit(repo, db, DAY2)
    report = _audit(repo, db, DAY3, "--compare", str(old))
    c = report["comparison"]
    assert c["source"] == "file" and c["previous"] == str(old)
    assert {f["rule"]: f["fixed_on"][:10] for f in c["fixed"]}["DOC001"] == "2023-11-15"


def test_markdown_and_html_say_what_changed_since_the_previous_audit(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    repo = write_tree(tmp_path / "repo", {"app/main.py": "x = 1\n"})
    assert run("audit", str(repo), "--history", str(db), "--no-cache", epoch=DAY1)[0] == 0
    (repo / "README.md").write_text("# repo\n\n## Quick start\n\n    pip install .\n")
    code, md, _ = run("audit", str(repo), "--history", str(db), "--no-cache", "--format", "md", epoch=DAY2)
    assert code == 0
    assert "## Changes since the previous audit" in md
    assert "~~**No README at the repository root**" in md and "(fixed on 2023-11-15)" in md
    assert "| Documentation |" in md  # the axis by its label, as in the scores table
    code, _html, _ = run("audit", str(repo), "--history", str(db), "--no-cache", "--format", "html",
                        "--compare", str(tmp_path / "none.json"))
    assert code == 2


def test_history_and_diff_commands(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    repo = write_tree(tmp_path / "repo", {"app/main.py": "x = 1\n"})
    one = _audit(repo, db, DAY1)
    (repo / "README.md").write_text("# repo\n\n## Quick start\n\n    pip install .\n")
    two = _audit(repo, db, DAY2)
    code, out, _ = run("history", str(repo), "--history", str(db))
    assert code == 0
    lines = out.splitlines()
    assert lines[1].startswith("#1     2023-11-14") and lines[2].startswith("#2     2023-11-15")
    assert any(line.strip().startswith("documentation") and "(up +" in line for line in lines)
    code, out, _ = run("history", str(repo), "--history", str(db), "--format", "json")
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [1, 2] and rows[0]["findings"] == len(one["findings"])
    assert rows[1]["config"]["exclude"] == [] and rows[1]["coverage"]["files"] >= 2

    code, out, _ = run("diff", "#1", "2", "--history", str(db), "--format", "json")
    by_ids = json.loads(out)
    assert code == 0 and [f["rule"] for f in by_ids["fixed"]] == ["DOC001"] and by_ids["new"] == []
    assert len(by_ids["persisting"]) == len(two["findings"])
    (tmp_path / "1.json").write_text(json.dumps(one))
    (tmp_path / "2.json").write_text(json.dumps(two))
    code, out, _ = run("diff", str(tmp_path / "1.json"), str(tmp_path / "2.json"), "--format", "json")
    assert code == 0 and json.loads(out)["fixed"] == by_ids["fixed"]
    code, out, _ = run("diff", str(tmp_path / "1.json"), str(tmp_path / "2.json"))
    assert "1 fixed" in out and "| documentation |" in out
    assert run("diff", "7", "1", "--history", str(db))[0] == 2
    code, _, err = run("history", str(tmp_path), "--history", str(db))
    assert code == 0 and "no recorded audit" in err


@pytest.mark.parametrize(("content", "says"), [
    ("{not json", "not a readable archaudit JSON report"),
    ('{"version": "2.1.0", "runs": []}', "no findings list"),
    ('{"tool": {"name": "bandit"}, "findings": []}', "its tool is not archaudit"),
    ('{"tool": {"name": "archaudit", "version": "0.1.0"}, "findings": [{"rule": "X"}]}', "has no fingerprint"),
    ('{"tool": {"name": "archaudit", "version": "0.0.9"}, "findings": [{"fingerprint": "ab"}]}',
     "fingerprint scheme 1"),
])
def test_compare_refuses_what_it_cannot_compare(tmp_path: Path, content: str, says: str) -> None:
    bogus = tmp_path / "old.json"
    bogus.write_text(content)
    repo = write_tree(tmp_path / "repo", {"app/main.py": "x = 1\n"})
    code, out, err = run("audit", str(repo), "--compare", str(bogus), "--no-history")
    assert code == 2 and says in err and "Traceback" not in err and out == ""
    code, _, err = run("diff", str(bogus), str(bogus))
    assert code == 2 and says in err


def test_the_default_database_is_in_the_user_data_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    repo = write_tree(tmp_path / "repo", {"app/main.py": "x = 1\n"})
    assert run("audit", str(repo), "--no-cache", "--no-history")[0] == 0
    assert not (tmp_path / "data").exists()
    assert run("audit", str(repo), "--no-cache")[0] == 0
    db = tmp_path / "data" / "archaudit" / "history.sqlite"
    store = Store(sqlite_url(db))
    assert len(store.audits(1)) == 1
    assert not list(repo.rglob("*.sqlite"))


def test_an_unusable_default_database_warns_and_the_audit_goes_on(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "data").write_text("a file where the directory should be")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    repo = write_tree(tmp_path / "repo", {"app/main.py": "x = 1\n"})
    code, out, err = run("audit", str(repo), "--no-cache", "--format", "md")
    assert code == 0 and out.startswith("# ") and "history not recorded" in err
    (tmp_path / "bad.sqlite").write_bytes(b"not a database" * 100)
    code, _, err = run("audit", str(repo), "--no-cache", "--history", str(tmp_path / "bad.sqlite"))
    assert code == 2 and "history: cannot open the database" in err and "Traceback" not in err


def test_the_schema_is_alembics_head_and_matches_the_tables(tmp_path: Path) -> None:
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from archaudit.store import database, schema

    assert ScriptDirectory(str(database._MIGRATIONS)).get_current_head() == HEAD_REVISION
    store = Store(sqlite_url(tmp_path / "h.sqlite"))  # a new file: created from `schema`, stamped at head
    reference = sa.create_engine(sqlite_url(tmp_path / "alembic.sqlite"))  # the same through Alembic itself
    with reference.begin() as conn:
        config = Config()
        config.set_main_option("script_location", str(database._MIGRATIONS))
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    for engine in (store.engine, reference):
        with engine.connect() as conn:
            context = MigrationContext.configure(conn)
            assert context.get_current_revision() == HEAD_REVISION
            assert compare_metadata(context, schema.metadata) == []

    def ddl(engine: sa.Engine) -> list[tuple[str, ...]]:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(
                "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")).all()]

    assert ddl(store.engine) == ddl(reference)  # the same tables, indexes and version table, statement for statement
    assert len(ddl(reference)) > 5


def test_a_new_history_file_is_created_without_importing_alembic(tmp_path: Path) -> None:
    code = ("import sys; from archaudit.store import Store, sqlite_url; from pathlib import Path; "
            f"Store(sqlite_url(Path({str(tmp_path / 'h.sqlite')!r}))).close(); Store(sqlite_url(Path("
            f"{str(tmp_path / 'h.sqlite')!r}))).close(); assert 'alembic' not in sys.modules, 'alembic imported'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")})
    assert done.returncode == 0, done.stderr


def test_recording_never_runs_anything_from_the_tree(tmp_path: Path) -> None:
    """A `.git` full of traps (hooks, fsmonitor, a HEAD that is a FIFO) is only read, never run."""
    repo = write_tree(tmp_path / "repo", {"app/main.py": "x = 1\n"})
    git = repo / ".git"
    (git / "hooks").mkdir(parents=True)
    marker = tmp_path / "ran"
    hook = git / "hooks" / "post-checkout"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
    hook.chmod(0o755)
    (git / "config").write_text(f"[core]\n\tfsmonitor = {hook}\n\tsshCommand = {hook}\n")
    os.mkfifo(git / "HEAD")
    code, _, err = run("audit", str(repo), "--no-cache", "--history", str(tmp_path / "h.sqlite"))
    assert code == 0, err
    assert not marker.exists()
