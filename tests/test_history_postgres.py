"""The shared history on a real PostgreSQL server, started by the test itself (initdb + pg_ctl of
Debian's `postgresql` package, in a temporary directory, listening on 127.0.0.1 only): two machines
record audits of one repository into one database and each sees the other's."""

from __future__ import annotations

import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from archaudit.cli import main
from tests.conftest import write_tree


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[4]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path and shutil.which("initdb") else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A throwaway server; as root (CI), run as the `postgres` system user (initdb refuses root)."""
    bin_dir = _binaries()
    if bin_dir is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl): install Debian's postgresql package")
    as_user: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="archaudit-pg-"))
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no postgres user to run the server as")
        os.chown(base, user.pw_uid, user.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = base / "data", _free_port()
    log = base / "server.log"
    try:
        init = subprocess.run([*as_user, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                               "--no-sync", "-E", "UTF8"], capture_output=True, text=True, timeout=120)
        if init.returncode != 0:
            pytest.skip(f"initdb could not create a cluster: {init.stderr.strip()[-300:]}")
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c fsync=off"
        start = subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options,
                                "-w", "-t", "60", "start"], capture_output=True, text=True, timeout=90)
        if start.returncode != 0:
            pytest.skip(f"the PostgreSQL server did not start: {start.stderr.strip()[-300:]}")
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)


def run(*args: str, epoch: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env={"SOURCE_DATE_EPOCH": epoch})
    return result.exit_code, result.stdout, result.stderr


def _clone(root: Path, files: dict[str, str]) -> Path:
    """A checkout of one shared repository (same origin remote) on some machine."""
    write_tree(root, files)
    (root / ".git" / "refs" / "heads").mkdir(parents=True)
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / ".git" / "config").write_text('[remote "origin"]\n\turl = git@github.com:acme/shop.git\n')
    return root


def test_two_machines_share_one_postgresql_history(tmp_path: Path, postgres_url: str) -> None:
    laptop = _clone(tmp_path / "laptop" / "shop", {"app/main.py": "x = 1\n"})
    (laptop / ".git" / "refs" / "heads" / "main").write_text("1" * 40 + "\n")
    code, out, err = run("audit", str(laptop), "--history-url", postgres_url, "--format", "json", "--no-cache",
                         epoch="1700000000")
    assert code == 0, err
    assert "comparison" not in json.loads(out)

    ci = _clone(tmp_path / "ci" / "checkout", {"app/main.py": "x = 1\n",
                                               "README.md": "# shop\n\n## Quick start\n\n    pip install .\n"})
    (ci / ".git" / "refs" / "heads" / "main").write_text("2" * 40 + "\n")
    code, out, err = run("audit", str(ci), "--history-url", postgres_url, "--format", "json", "--no-cache",
                         epoch="1700086400")
    assert code == 0, err
    comparison = json.loads(out)["comparison"]
    assert comparison["source"] == "history" and "commit 111111111111" in comparison["previous"]
    assert [(f["rule"], f["fixed_on"][:10]) for f in comparison["fixed"]] == [("DOC001", "2023-11-15")]

    code, out, _ = run("history", str(laptop), "--history-url", postgres_url, "--format", "json", epoch="1700090000")
    rows = json.loads(out)
    assert code == 0 and [r["commit"][:1] for r in rows] == ["1", "2"]
    assert rows[0]["repository"] == "shop" and rows[1]["repository"] == "checkout"
    code, out, _ = run("diff", str(rows[0]["id"]), str(rows[1]["id"]), "--history-url", postgres_url,
                       "--format", "json", epoch="1700090000")
    assert code == 0 and [f["rule"] for f in json.loads(out)["fixed"]] == ["DOC001"]


def test_an_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"app/main.py": "x = 1\n"})
    url = f"postgresql://nobody:hunter2@127.0.0.1:{_free_port()}/none"
    code, _out, err = run("audit", str(repo), "--history-url", url, "--no-cache", epoch="1700000000")
    assert code == 2 and "history: cannot open the database" in err and "Traceback" not in err
    assert "hunter2" not in err
