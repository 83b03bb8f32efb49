"""Walking untrusted trees: ignore files, default excludes, symlinks, classification."""

from __future__ import annotations

import os
from pathlib import Path

from archaudit.scan.classify import classify
from archaudit.scan.walk import walk
from tests.conftest import write_tree


def _paths(root: Path) -> list[str]:
    return [f.path for f in walk(root).files]


def test_gitignore_files_are_honoured_at_every_level(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        ".gitignore": "*.log\nsecret_dir/\n",
        "app/main.py": "x = 1\n",
        "app/debug.log": "noise\n",
        "secret_dir/a.py": "x = 1\n",
        "web/.gitignore": "generated/\n!keep.log\n",
        "web/generated/api.ts": "export {}\n",
        "web/src/index.ts": "export {}\n",
    })
    assert _paths(tmp_path) == [".gitignore", "app/main.py", "web/.gitignore", "web/src/index.ts"]


def test_default_excludes_and_virtualenvs_of_any_name(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "node_modules/react/index.js": "x\n",
        ".venv/lib/site.py": "x = 1\n",
        "pyenv311/pyvenv.cfg": "home = /usr\n",
        "pyenv311/lib/mod.py": "x = 1\n",
        "__pycache__/m.cpython-311.pyc": b"\0\0",
        "pkg/mod.py": "x = 1\n",
    })
    assert _paths(tmp_path) == ["pkg/mod.py"]


def test_symlinks_never_lead_outside_the_root(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write_tree(outside, {"secret.py": "KEY = 1\n", "dir/x.py": "x = 1\n"})
    root = write_tree(tmp_path / "repo", {"app/main.py": "x = 1\n"})
    os.symlink(outside / "secret.py", root / "app" / "leak.py")
    os.symlink(outside / "dir", root / "linked_dir")
    os.symlink(root / "app" / "main.py", root / "alias.py")
    result = walk(root)
    assert [f.path for f in result.files] == ["alias.py", "app/main.py"]
    assert [(s.path, s.reason) for s in result.skipped] == [
        ("app/leak.py", "symlink pointing outside the repository"),
        ("linked_dir", "symlink pointing outside the repository"),
    ]


def test_results_are_sorted_and_stable(tmp_path: Path) -> None:
    write_tree(tmp_path, {f"m{i}/x.py": "x = 1\n" for i in (3, 1, 2)})
    assert _paths(tmp_path) == ["m1/x.py", "m2/x.py", "m3/x.py"] == _paths(tmp_path)


def test_classify_language_and_role() -> None:
    assert classify("app/api/routes.py") == ("python", "source")
    assert classify("tests/test_api.py") == ("python", "test")
    assert classify("alembic/versions/0001_init.py") == ("python", "migration")
    assert classify("lnbits/core/migrations.py") == ("python", "migration")  # m001_...(db) functions
    assert classify("app/migration_helpers.py") == ("python", "source")
    assert classify(".github/workflows/ci.yml") == ("yaml", "ci")
    assert classify("requirements-dev.txt") == ("text", "manifest")
    assert classify("Dockerfile") == ("dockerfile", "deploy")
    assert classify("docker-compose.prod.yml") == ("yaml", "deploy")
    assert classify(".env.example") == ("dotenv", "config")
    assert classify("web/src/App.test.tsx") == ("typescript", "test")
    assert classify("docs/architecture.md") == ("markdown", "doc")


def test_fifos_are_recorded_and_never_opened(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/main.py": "x = 1\n"})
    os.mkfifo(tmp_path / "app" / "pipe.py")
    result = walk(tmp_path)
    assert [f.path for f in result.files] == ["app/main.py"]
    assert [(s.path, s.reason) for s in result.skipped] == [
        ("app/pipe.py", "not a regular file (fifo, socket or device): never opened")]
