"""The CI-facing formats (github, junit, gitlab, summary) and where output goes (-o -, /dev/stdout on a
pipe, a new directory, a report inside the audited tree), through the real command line."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from archaudit.cli import FORMATS, main
from archaudit.model import Report
from archaudit.report import render_github, render_gitlab, render_junit, render_summary
from archaudit.run import Options, analyse_files, audit
from archaudit.scan.walk import walk
from tests.conftest import report_of, write_tree

EXAMPLE = Path(__file__).parents[1] / "examples" / "shop-api"
SRC = Path(__file__).parents[1] / "src"
TIMEOUT = 120  # seconds: a hang (a pipe read, a blocked write) fails the test instead of the suite
_COMMAND = re.compile(r"^::(error|warning|notice) file=([^,:]+),line=(\d+),title=([^:,]+)::(.+)$")


def _cli(*args: str, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    """archaudit in a subprocess, stdout and stderr pipes (not a terminal)."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run([sys.executable, "-m", "archaudit", *args, "--no-cache"], capture_output=True,
                          timeout=TIMEOUT, env=env, check=False, **kwargs)  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def example() -> Report:
    return report_of(EXAMPLE)


def _hostile(report: Report) -> Report:
    """The first finding with a message that tries to end a command, inject XML and control bytes."""
    f = report.findings[0]
    bad = replace(f, message="50% done,\r\nline two::error file=x::injected <b>&\x07</b>")
    return replace(report, findings=[bad, *report.findings[1:]])


def test_github_lines_are_well_formed_workflow_commands(example: Report) -> None:
    head, *lines = render_github.render(_hostile(example)).splitlines()
    assert head.startswith("::debug::archaudit ")
    assert len(lines) == len(example.findings)
    for line in lines:
        m = _COMMAND.match(line)
        assert m, line
        assert (EXAMPLE / m.group(2)).is_file() and int(m.group(3)) >= 1
    assert lines[0].endswith("::50%25 done,%0D%0Aline two::error file=x::injected <b>&\x07</b>")
    assert {_COMMAND.match(x).group(1) for x in lines} == {"error", "warning", "notice"}  # type: ignore[union-attr]
    assert "file=pyproject.toml,line=1,title=DX001" in "\n".join(lines)  # a repository-level finding, located


def test_junit_is_valid_xml_one_case_per_rule_a_failure_per_finding(example: Report) -> None:
    root = ET.fromstring(render_junit.render(_hostile(example)).encode())
    cases = root.findall("testsuite/testcase")
    assert len({c.get("name") for c in cases}) == len(cases)  # one testcase per rule
    fired = {f.rule for f in example.findings}
    assert {c.get("name") for c in cases if c.find("failure") is not None} == fired
    assert len(root.findall("testsuite/testcase/failure")) == len(example.findings)
    assert any(c.find("failure") is None for c in cases)  # rules that ran and found nothing pass
    assert int(root.get("tests", 0)) == len(cases) and int(root.get("failures", 0)) == len(fired)
    first = root.find("testsuite/testcase/failure")
    assert first is not None and "injected <b>&\ufffd</b>" in (first.text or "")


def test_gitlab_code_quality_fields(example: Report) -> None:
    issues = json.loads(render_gitlab.render(example))
    assert len(issues) == len(example.findings)
    for issue in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(issue)
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert isinstance(issue["location"]["path"], str) and issue["location"]["path"] != "."
        assert isinstance(issue["location"]["lines"]["begin"], int) and issue["location"]["lines"]["begin"] >= 1
    assert {i["severity"] for i in issues} == {"major", "minor", "info"}  # high, medium, low in the example


def test_summary_names_the_comparison_and_the_baseline(example: Report) -> None:
    from archaudit.model import BaselineResult, Comparison

    findings = tuple(example.findings)
    comparison = Comparison(previous="old.json", new=findings[:2], fixed=({},), persisting=len(findings) - 2)
    baseline = BaselineResult(file="baseline.json", new=findings[:1], fixed=(), accepted=50)
    report = replace(example, comparison=comparison, baseline=baseline)
    lines = render_summary.render(report).splitlines()
    assert lines[3] == f"Since old.json: 2 new, 0 with a new place, 1 fixed, {len(example.findings) - 2} persisting."
    assert lines[4] == "Against the baseline baseline.json: 1 new, 50 accepted, 0 entries fixed."


def test_summary_is_short_and_says_how_to_get_the_rest(example: Report) -> None:
    text = render_summary.render(example)
    lines = text.splitlines()
    assert lines[0].startswith("archaudit summary: shop-api") and lines[1].startswith("Verdict: shop-api is")
    assert lines[2].startswith("Scores (0-10): ")
    assert "app/api/v1/auth.py:18" in text and "... and " in text
    assert lines[-2].startswith("Not determined: ") and "--format md" in lines[-1]
    assert len(lines) <= 20


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_to_stdout_on_a_pipe(fmt: str, tmp_path: Path) -> None:
    """`-o -` writes to stdout (no file named "-"), and formats are accepted in any case."""
    proc = _cli("audit", str(EXAMPLE), "--format", fmt.upper(), "-o", "-", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout and not (tmp_path / "-").exists() and list(tmp_path.iterdir()) == []
    if fmt in ("json", "sarif", "gitlab"):
        json.loads(proc.stdout)
    if fmt == "junit":
        ET.fromstring(proc.stdout)


def test_dev_stdout_on_a_pipe_does_not_hang(tmp_path: Path) -> None:
    proc = _cli("audit", str(EXAMPLE), "--format", "json", "-o", "/dev/stdout")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["repository"] == "shop-api"


def test_a_reader_that_stops_early_is_not_an_error() -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    with subprocess.Popen([sys.executable, "-m", "archaudit", "audit", str(EXAMPLE), "--format", "md", "--no-cache"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.read(10)
        proc.stdout.close()
        err = proc.stderr.read()
        assert proc.wait(timeout=TIMEOUT) == 0, err
    assert b"Traceback" not in err


def test_only_one_format_to_stdout() -> None:
    proc = _cli("audit", str(EXAMPLE), "--format", "md,json", "-o", "-")
    assert proc.returncode == 2 and b"only one format can go to stdout" in proc.stderr


def test_new_directory_with_a_trailing_slash(tmp_path: Path) -> None:
    out = tmp_path / "newdir"
    proc = _cli("audit", str(EXAMPLE), "--format", "json", "-o", f"{out}/")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["report.json"]
    proc = _cli("audit", str(EXAMPLE), "--format", "github,junit,gitlab,summary", "-o", str(out))
    assert sorted(p.name for p in out.iterdir()) == ["report.github", "report.gitlab.json", "report.json",
                                                    "report.junit.xml", "report.txt"]


def test_default_is_the_summary_and_o_without_format_is_markdown(tmp_path: Path) -> None:
    proc = _cli("audit", str(EXAMPLE))
    assert proc.returncode == 0 and proc.stdout.startswith(b"archaudit summary: shop-api")
    assert len(proc.stdout.splitlines()) <= 20
    target = tmp_path / "audit.md"
    assert _cli("audit", str(EXAMPLE), "-o", str(target)).returncode == 0
    assert target.read_text(encoding="utf-8").startswith("# Architecture audit: shop-api")


def test_reports_inside_the_tree_are_not_audited_next_time(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", {p.relative_to(EXAMPLE).as_posix(): p.read_bytes()
                                           for p in EXAMPLE.rglob("*") if p.is_file()})
    before = audit(root, Options(use_cache=False, jobs=1))
    result = CliRunner().invoke(main, ["audit", str(root), "--format", ",".join(FORMATS), "-o", str(root / "audit"),
                                       "--quiet", "--no-cache"])
    assert result.exit_code == 0, result.output
    after = audit(root, Options(use_cache=False, jobs=1))
    assert [f.fingerprint for f in after.findings] == [f.fingerprint for f in before.findings]
    assert after.summary["files"] == before.summary["files"]
    own = sorted(s.path for s in after.skipped if "archaudit report" in s.reason)
    assert own == sorted(f"audit/{name}" for name in FORMATS.values())
    # and rewriting them needs no --force: archaudit recognises its own files
    again = CliRunner().invoke(main, ["audit", str(root), "--format", ",".join(FORMATS), "-o", str(root / "audit"),
                                      "--quiet", "--no-cache"])
    assert again.exit_code == 0, again.output


def test_a_document_that_only_looks_like_a_report_is_audited(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"docs/review.md": "# Architecture audit: our notes\n\nWritten by hand.\n",
                                 "app/main.py": "import os\n"})
    report = audit(root, Options(use_cache=False, jobs=1))
    assert not [s for s in report.skipped if "archaudit report" in s.reason]


def test_the_parse_reports_progress_while_it_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Progress arrives after each batch of the parse (not once at the end), with file counts: each
    update counts exactly the files parsed so far."""
    from archaudit import run

    root = write_tree(tmp_path, {f"app/m{i}.py": f"x = {i}\n" for i in range(150)})
    files = walk(root).files
    keys = {f.path: f"k{i}" for i, f in enumerate(files)}
    parsed_so_far = [0]
    real = run.analyze_batch

    def counting(items: list[tuple[str, str, str]]) -> list[tuple[str, bytes]]:
        out = real(items)
        parsed_so_far[0] += len(out)
        return out

    monkeypatch.setattr(run, "analyze_batch", counting)
    calls: list[tuple[str, int, int, int]] = []
    analyse_files(root, files, keys, Options(use_cache=False, jobs=1),
                  lambda stage, done, total: calls.append((stage, done, total, parsed_so_far[0])))
    parsing = [c for c in calls if c[0] == "parsing files"]
    assert parsing[0][:3] == ("parsing files", 0, 150) and parsing[-1][:3] == ("parsing files", 150, 150)
    assert len(parsing) >= 4 and all(done == so_far for _, done, _, so_far in parsing)
    monkeypatch.setattr(run, "analyze_batch", real)
    pooled: list[tuple[str, int, int]] = []  # and over worker processes
    analyse_files(root, files, keys, Options(use_cache=False, jobs=2), lambda *a: pooled.append(a))
    assert [c[1] for c in pooled if c[0] == "parsing files"] == [0, 48, 96, 144, 150]


def test_every_phase_reports_progress(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    audit(EXAMPLE, Options(use_cache=False, jobs=1), lambda *a: calls.append(a))
    assert [s for s in dict.fromkeys(c[0] for c in calls)] == [
        "walking the tree", "reading files", "parsing files", "inventory", "rules"]


def _stderr_on_a_terminal(*args: str) -> str:
    """Run archaudit with stderr on a pseudo-terminal; what it drew there, control sequences removed."""
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "120"}
    proc = subprocess.Popen([sys.executable, "-m", "archaudit", *args], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=slave, env=env)
    os.close(slave)
    drawn = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other side closed
            break
        if not chunk:
            break
        drawn += chunk
    os.close(master)
    assert proc.wait(timeout=TIMEOUT) == 0
    return re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", drawn).decode("utf-8", "replace")


def test_progress_bar_shows_every_phase_with_counts_on_a_terminal(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", {f"app/m{i}.py": f"x = {i}\n" for i in range(120)})
    out = str(tmp_path / "r.json")
    drawn = _stderr_on_a_terminal("audit", str(root), "--no-cache", "--format", "json", "-o", out)
    for phase, count in (("walking the tree", "120/120"), ("reading files", "120/120"),
                         ("parsing files", "120/120"), ("inventory", "/"), ("rules", "/")):
        frames = [x for x in re.split(r"[\r\n]", drawn) if x.startswith(phase)]
        assert any(count in x for x in frames), (phase, drawn)
    quiet = _stderr_on_a_terminal("audit", str(root), "--no-cache", "--format", "json", "-o", out, "--quiet")
    assert quiet.strip() == ""
