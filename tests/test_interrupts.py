"""SIGINT and SIGTERM during the parallel parse: the worker pool is killed and the CLI exits 130 / 143
within seconds, leaving no worker behind (it used to print "Aborted!" and wait for ever)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

_MODULE = "".join(f"def f{i}(x):\n    if x > {i}:\n        return [y * {i} for y in range(x)]\n    return x\n"
                  for i in range(300))


def _children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (any of its threads may have started them)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists() or not hasattr(os, "fork"), reason="Linux /proc")
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_mid_parse_kills_the_pool_and_exits(tmp_path: Path, signum: int, code: int) -> None:
    repo = tmp_path / "repo"
    for i in range(600):
        target = repo / f"pkg{i % 30}" / f"m{i}.py"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_MODULE)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    proc = subprocess.Popen([sys.executable, "-m", "archaudit", "audit", str(repo), "--no-cache", "--quiet",
                             "--jobs", "2", "-o", str(tmp_path / "out.md")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    workers: list[int] = []
    try:
        _signal_mid_parse(proc, signum, code, workers)
    finally:  # on failure, leave nothing running
        for pid in {proc.pid, *workers}:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    assert not (tmp_path / "out.md").exists()


def _signal_mid_parse(proc: subprocess.Popen[bytes], signum: int, code: int, workers: list[int]) -> None:
    deadline = time.monotonic() + 60
    while not workers and proc.poll() is None and time.monotonic() < deadline:
        workers.extend(_children(proc.pid))  # the pool is up: the parse has started
        time.sleep(0.02)
    assert workers and proc.poll() is None, "the audit ended before its worker pool started"
    time.sleep(0.3)
    sent = time.monotonic()
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=10)
    took = time.monotonic() - sent
    assert proc.returncode == code, err.decode(errors="replace")[-2000:]
    assert took < 5, f"took {took:.1f} s to exit"
    assert "Traceback" not in err.decode(errors="replace")
    time.sleep(0.2)
    assert [w for w in workers if _alive(w)] == []


@pytest.fixture(scope="module")
def large_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """600 modules of 300 functions: small on disk (4 MB), but their parse with two workers lasts
    seconds, far longer than any of the interrupts below waits."""
    repo = tmp_path_factory.mktemp("large")
    for i in range(600):
        target = repo / f"pkg{i % 30}" / f"m{i}.py"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_MODULE)
    return repo


@pytest.mark.skipif(not Path("/proc/self/task").exists() or not hasattr(os, "fork"), reason="Linux /proc")
@pytest.mark.parametrize("run", range(10))
def test_ten_interrupts_at_different_moments_of_the_parse_each_exit_130_within_2_s(
        large_tree: Path, tmp_path: Path, run: int) -> None:
    """Ctrl-C at ten moments of the parallel parse (from right after the pool starts to well into it):
    every run exits 130 within 2 s of the signal, with no worker left and no report written. It used
    to hang for ever in half the runs ("Aborted!")."""
    out = tmp_path / "out.md"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    proc = subprocess.Popen([sys.executable, "-m", "archaudit", "audit", str(large_tree), "--no-cache", "--quiet",
                             "--jobs", "2", "-o", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while not workers and proc.poll() is None and time.monotonic() < deadline:
            workers.extend(_children(proc.pid))
            time.sleep(0.01)
        assert workers and proc.poll() is None, "the audit ended before its worker pool started"
        time.sleep(0.05 * run)  # 0 to 0.45 s into the parse
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        took = time.monotonic() - sent
    finally:
        for pid in {proc.pid, *workers}:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    text = err.decode(errors="replace")
    assert proc.returncode == 130, text[-2000:]
    assert took < 2, f"took {took:.2f} s to exit after SIGINT"
    assert "Traceback" not in text and "Aborted!" not in text
    time.sleep(0.1)
    assert [w for w in workers if _alive(w)] == []
    assert not out.exists()


def test_exit_codes_are_documented_in_help() -> None:
    from click.testing import CliRunner

    from archaudit.cli import main

    for args in (["--help"], ["audit", "--help"]):
        out = CliRunner().invoke(main, args).output
        assert "130  interrupted (Ctrl-C, SIGINT)" in out and "143  terminated (SIGTERM)" in out
        assert "2    bad usage, unreadable PATH, invalid archaudit configuration" in out
