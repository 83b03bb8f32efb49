"""Work spread over two processes gives what one process gives: the analysis's tasks (`beside.py`),
the parse with the largest files first, the history store in its own process (`store/process.py`),
and an audit that imports neither the rules before the parse nor SQLAlchemy at all."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from archaudit import assemble, beside
from archaudit.beside import run_tasks
from archaudit.report import render_json
from archaudit.run import Options, audit, build_repo
from archaudit.store import StoreError, sqlite_url
from archaudit.store.process import StoreProcess
from tests.conftest import write_tree

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "shop-api"
needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform: everything runs serially")


def _square_and_pid(i: int) -> tuple[int, int]:
    time.sleep(0.004)  # long enough that both processes take some
    return i * i, os.getpid()


@needs_fork
def test_tasks_run_on_two_processes_and_come_back_in_order() -> None:
    tasks = [lambda i=i: _square_and_pid(i) for i in range(60)]
    results, state = run_tasks(tasks, lambda: "child done", parallel=True)
    assert [value for value, _ in results] == [i * i for i in range(60)]
    assert len({pid for _, pid in results}) == 2  # the child really took some
    assert state == "child done"


@needs_fork
def test_a_child_that_dies_leaves_its_tasks_to_the_parent() -> None:
    parent = os.getpid()

    def task(i: int) -> int:
        if os.getpid() != parent:
            os._exit(3)  # the child dies on its first task, without writing anything
        time.sleep(0.002)
        return i + 1

    results, state = run_tasks([lambda i=i: task(i) for i in range(20)], lambda: "never", parallel=True)
    assert results == list(range(1, 21)) and state is None


def test_serial_when_not_parallel() -> None:
    results, state = run_tasks([lambda i=i: _square_and_pid(i) for i in range(5)], lambda: 1, parallel=False)
    assert {pid for _, pid in results} == {os.getpid()} and state is None


@needs_fork
def test_the_report_is_the_same_from_two_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bundled example plus a malformed workflow a section reads: findings, sections, skips and
    scores identical whether the analysis ran on one process or two."""
    repo = tmp_path / "shop-api"
    shutil.copytree(EXAMPLE, repo)
    write_tree(repo, {".github/workflows/ci.yml": "jobs: [unclosed\n  - x: {\n"})
    monkeypatch.setattr(assemble, "PARALLEL_MIN_FILES", 0)
    one = audit(repo, Options(use_cache=False, jobs=1))
    take = beside._take

    def child_takes_all(tasks: list, ends: Any, done: Any, front: bool) -> dict:
        while front and ends[0] < ends[1]:  # the parent waits until the child has claimed every task
            time.sleep(0.005)
        return take(tasks, ends, done, front)

    monkeypatch.setattr(beside, "_take", child_takes_all)
    two = audit(repo, Options(use_cache=False, jobs=2))
    assert render_json.render(two) == render_json.render(one)
    assert any(s.path == ".github/workflows/ci.yml" for s in two.skipped)  # found by the child, kept
    assert two.stats == one.stats


def test_largest_files_first_keeps_the_files_in_their_order(tmp_path: Path) -> None:
    files = {f"pkg/m{i:03}.py": "import os\n" + "x = 1\n" * ((i * 37) % 50) for i in range(150)}
    repo = write_tree(tmp_path / "repo", files)
    one = build_repo(repo, Options(use_cache=False, jobs=1))
    two = build_repo(repo, Options(use_cache=False, jobs=2))
    assert list(two.results) == list(one.results) and two.results == one.results


@needs_fork
def test_the_store_process_records_and_answers_as_the_store_does(tmp_path: Path) -> None:
    from archaudit.store import Store

    db = tmp_path / "h.sqlite"
    remote = StoreProcess(sqlite_url(db))
    remote.opened()
    assert remote.repository_id("nowhere") is None and remote.as_report(12345) is None
    remote.close()
    local = Store(sqlite_url(db))
    assert local.repository_id("nowhere") is None
    local.close()


@needs_fork
def test_the_store_process_raises_what_opening_raised(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory\n")
    remote = StoreProcess(sqlite_url(blocked / "h.sqlite"))
    with pytest.raises(StoreError, match="unable to open"):
        remote.opened()
    with pytest.raises(StoreError):  # every later call says so too
        remote.repository_id("x")
    remote.close()


def test_an_audit_imports_no_sqlalchemy_and_no_rules_before_the_parse(tmp_path: Path) -> None:
    """The audit's own process: SQLAlchemy is the history process's; the rule registry is imported
    only after configuration when the configuration names no rule."""
    code = (
        "import sys, archaudit.run as run\n"
        "from pathlib import Path\n"
        "run.read_tree(Path(sys.argv[1]))\n"
        "before = 'archaudit.rules' in sys.modules\n"
        "from archaudit.cli import main\n"
        "try:\n"
        "    main(['audit', sys.argv[1], '--format', 'json', '-o', sys.argv[2], '--quiet'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(before, 'sqlalchemy' in sys.modules)\n"
    )
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-c", code, str(EXAMPLE), str(tmp_path / "r.json")], env=env,
                         capture_output=True, text=True, check=True, timeout=300).stdout
    assert out.split() == ["False", str(not hasattr(os, "fork"))]
    assert (tmp_path / "data" / "archaudit" / "history.sqlite").is_file()  # recorded all the same
