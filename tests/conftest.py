"""Shared helpers: build the Repo / Report of a fixture repository without touching the user cache."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import pytest

from archaudit.model import Report
from archaudit.repo import Repo
from archaudit.run import Options, audit, build_repo

FIXTURES = Path(__file__).parent / "fixtures"
# Module-scoped fixtures run before the autouse fixture below: the real data directory (the audit
# history) must be out of reach from the start, for them and for every subprocess.
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="archaudit-test-data-")
atexit.register(shutil.rmtree, os.environ["XDG_DATA_HOME"], True)
NO_CACHE = Options(use_cache=False, jobs=1)


def repo_of(path: Path) -> Repo:
    return build_repo(path, NO_CACHE)


def report_of(path: Path, preview: bool = True) -> Report:
    """The report of a fixture repository. Rules in preview run too (as with `--preview`) unless
    asked otherwise: fixtures test what every rule and renderer does, not the default selection."""
    return audit(path, replace(NO_CACHE, preview=preview))  # type: ignore[no-any-return]


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
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
    """Never write to the developer's real cache or data directory from tests."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    # ...nor to the real history database (each test has its own: an audit never compares itself with
    # another test's audit of the same tree)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data")))
    monkeypatch.delenv("ARCHAUDIT_HISTORY_URL", raising=False)


# Hypothesis profiles: `ci` by default (a few hundred examples per parser, no example database and a
# derandomized search so every run tries the same examples: a CI failure is reproducible, never luck);
# `fuzz` (random) for a longer hand-run session: HYPOTHESIS_PROFILE=fuzz python -m pytest tests/test_properties.py
try:
    from hypothesis import HealthCheck, settings

    settings.register_profile("ci", max_examples=200, deadline=None, database=None, derandomize=True,
                              print_blob=True,
                              suppress_health_check=[HealthCheck.too_slow])
    settings.register_profile("fuzz", max_examples=2000, deadline=None, print_blob=True,
                              suppress_health_check=[HealthCheck.too_slow])
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
except ImportError:  # hypothesis is a dev dependency: the property tests are skipped without it
    pass
