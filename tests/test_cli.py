"""The command line: formats, outputs, exit codes, and clear one-line errors (never a traceback)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from archaudit import __version__
from archaudit.cli import main
from tests.conftest import write_tree

SMALL = {"README.md": "# x\n\n## Quick start\n", "app/main.py": "import os\n\nprint(os.name)\n"}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.strip() == f"archaudit, version {__version__}"


def test_concise_summary_to_stdout_by_default(tmp_path: Path) -> None:
    """No --format and no -o: the terminal gets the summary, not the whole Markdown document."""
    code, out, _ = run("audit", str(write_tree(tmp_path, SMALL)), "--no-cache")
    assert code == 0
    assert out.startswith(f"archaudit summary: {tmp_path.name}")
    assert "Scores (0-10):" in out and out.rstrip().endswith("--format md,json,sarif,html.")
    assert len(out.splitlines()) < 25


def test_markdown_to_stdout_when_asked(tmp_path: Path) -> None:
    code, out, _ = run("audit", str(write_tree(tmp_path, SMALL)), "--no-cache", "--format", "MD")
    assert code == 0
    assert out.startswith(f"# Architecture audit: {tmp_path.name}")


def test_missing_path_is_a_usage_error_without_traceback() -> None:
    proc = subprocess.run([sys.executable, "-m", "archaudit", "audit", "/nonexistent/repo"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "Error: /nonexistent/repo: no such directory"
    assert "Traceback" not in proc.stderr


def test_a_file_is_not_a_repository(tmp_path: Path) -> None:
    f = tmp_path / "x.py"
    f.write_text("x = 1\n")
    code, _, err = run("audit", str(f))
    assert code == 2 and "not a readable directory" in err


@pytest.mark.parametrize("args, message", [
    (["--format", "pdf"], "unknown format 'pdf'"),
    (["--format", "md,json"], "several formats need -o/--output DIRECTORY"),
])
def test_bad_usage_exits_2(tmp_path: Path, args: list[str], message: str) -> None:
    code, _, err = run("audit", str(write_tree(tmp_path, SMALL)), *args)
    assert code == 2 and message in err


def test_several_formats_into_a_directory(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", SMALL)
    out = tmp_path / "out"
    code, _, _ = run("audit", str(repo), "--format", "md,json", "-o", str(out), "--quiet", "--no-cache")
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == ["report.json", "report.md"]
    assert json.loads((out / "report.json").read_text())["tool"] == {"name": "archaudit", "version": __version__}


def test_never_overwrites_a_foreign_file_without_force(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", SMALL)
    target = tmp_path / "notes.md"
    target.write_text("my own notes\n")
    code, _, err = run("audit", str(repo), "-o", str(target), "--no-cache")
    assert code == 2 and "pass --force" in err
    assert target.read_text() == "my own notes\n"
    code, _, _ = run("audit", str(repo), "-o", str(target), "--force", "--no-cache", "--quiet")
    assert code == 0 and target.read_text().startswith("# Architecture audit")


def test_replaces_its_own_previous_report(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", SMALL)
    target = tmp_path / "report.json"
    for _ in range(2):
        code, _, _ = run("audit", str(repo), "--format", "json", "-o", str(target), "--quiet", "--no-cache")
        assert code == 0


def test_fail_on_threshold(tmp_path: Path) -> None:
    repo = write_tree(tmp_path, {"app/main.py": "x = 1\n"})  # no README: a medium finding
    assert run("audit", str(repo), "--fail-on", "medium", "--no-cache")[0] == 1
    assert run("audit", str(repo), "--fail-on", "critical", "--no-cache")[0] == 0


def test_compare_with_a_previous_report(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"app/main.py": "x = 1\n"})
    old = tmp_path / "old.json"
    run("audit", str(repo), "--format", "json", "-o", str(old), "--quiet", "--no-cache")
    (repo / "README.md").write_text("# repo\n\n## Quick start\n")
    code, out, _ = run("audit", str(repo), "--format", "json", "--compare", str(old), "--no-cache")
    comparison = json.loads(out)["comparison"]
    assert code == 0
    assert "DOC001" in [f["rule"] for f in comparison["fixed"]]
    assert "DOC001" not in [f["rule"] for f in comparison["new"]]


def test_compare_rejects_a_file_that_is_not_a_report(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.json"
    bogus.write_text("[1, 2]")
    code, _, err = run("audit", str(write_tree(tmp_path / "r", SMALL)), "--compare", str(bogus))
    assert code == 2 and "not an archaudit JSON report" in err


def test_rules_and_explain() -> None:
    code, out, _ = run("rules")
    assert code == 0 and "DOC001" in out
    code, out, _ = run("rules", "--format", "json")
    assert code == 0 and any(r["id"] == "DOC001" for r in json.loads(out))
    code, out, _ = run("explain", "doc001")
    assert code == 0 and out.startswith("DOC001 missing-root-readme") and "Bad:" in out and "Good:" in out
    code, _, err = run("explain", "NOPE999")
    assert code == 2 and "unknown rule" in err


def test_fail_on_with_compare_counts_only_new_findings(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"app/main.py": "x = 1\n"})  # DOC001 (medium) from the start
    old = tmp_path / "old.json"
    run("audit", str(repo), "--format", "json", "-o", str(old), "--quiet", "--no-cache")
    assert run("audit", str(repo), "--compare", str(old), "--fail-on", "medium", "--no-cache")[0] == 0
    (repo / "app" / "settings.py").write_text('DEBUG = True\nSECRET_KEY = "dev"\n')
    code, _, _ = run("audit", str(repo), "--compare", str(old), "--fail-on", "high", "--no-cache", "--preview")
    assert code == 1


def test_the_command_ends_at_once_with_its_exit_code_and_its_output_flushed(tmp_path: Path) -> None:
    """`python -m archaudit` (cli.entry) leaves through os._exit: what it printed to a pipe must all be
    there, and each exit code must survive it."""
    import os

    example = Path(__file__).resolve().parents[1] / "examples" / "shop-api"
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "d"), "XDG_CACHE_HOME": str(tmp_path / "c")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "archaudit", *args], env=env, capture_output=True, text=True,
                              timeout=300)

    ok = run("audit", str(example), "--format", "json", "--quiet")
    assert ok.returncode == 0 and json.loads(ok.stdout)["findings"]  # the whole document, parseable
    assert run("audit", str(example), "--format", "json", "--quiet", "--fail-on", "low").returncode == 1
    missing = run("audit", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "no such directory" in missing.stderr
    assert (tmp_path / "d" / "archaudit" / "history.sqlite").is_file()  # the history process had finished
