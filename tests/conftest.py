"""Shared helpers: build the Repo / Report of a fixture repository without touching the user cache."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from archaudit.model import Report
from archaudit.repo import Repo
from archaudit.run import Options, audit, build_repo

FIXTURES = Path(__file__).parent / "fixtures"
NO_CACHE = Options(use_cache=False, jobs=1)


def repo_of(path: Path) -> Repo:
    return build_repo(path, NO_CACHE)


def report_of(path: Path, preview: bool = True) -> Report:
    """The report of a fixture repository. Rules in preview run too (as with `--preview`) unless
    asked otherwise: fixtures test what every rule and renderer does, not the default selection."""
    return audit(path, replace(NO_CACHE, preview=preview))  # type: ignore[no-any-return]


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Create a small repository from {relative path: content}."""
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return root


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never write to the developer's real cache directory from tests."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
