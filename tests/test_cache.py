"""The facts cache: keyed by content, in the user's cache dir, never inside the audited repo."""

from __future__ import annotations

from pathlib import Path

from archaudit.cache import cache_dir
from archaudit.run import Options, build_repo
from tests.conftest import write_tree


def test_warm_run_reads_facts_from_cache_and_reparses_only_changes(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"a.py": "import os\n", "b.py": "import sys\n"})
    cache = tmp_path / "cache"
    opts = Options(cache_dir=cache, jobs=1)
    assert build_repo(repo, opts).stats == {"parsed": 2, "cached": 0}
    assert build_repo(repo, opts).stats == {"parsed": 0, "cached": 2}
    (repo / "b.py").write_text("import json\n")
    warm = build_repo(repo, opts)
    assert warm.stats == {"parsed": 1, "cached": 1}
    assert warm.python["b.py"]["imports"][0]["module"] == "json"
    assert not any(p.name.startswith("facts-") for p in repo.rglob("*"))


def test_no_cache_neither_reads_nor_writes(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"a.py": "import os\n"})
    cache = tmp_path / "cache"
    build_repo(repo, Options(cache_dir=cache, use_cache=False, jobs=1))
    assert not cache.exists()


def test_default_cache_dir_follows_xdg(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "archaudit"


def test_corrupt_cache_is_ignored(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"a.py": "import os\n"})
    cache = tmp_path / "cache"
    build_repo(repo, Options(cache_dir=cache, jobs=1))
    for f in cache.iterdir():
        f.write_bytes(b"garbage")
    assert build_repo(repo, Options(cache_dir=cache, jobs=1)).stats == {"parsed": 1, "cached": 0}


def test_parallel_parse_matches_in_process(tmp_path: Path) -> None:
    files = {f"pkg/m{i}.py": f"import os\n\ndef f{i}(x):\n    return x + {i}\n" for i in range(150)}
    repo = write_tree(tmp_path / "repo", files)
    one = build_repo(repo, Options(use_cache=False, jobs=1))
    two = build_repo(repo, Options(use_cache=False, jobs=2))
    assert one.python == two.python


def test_unchanged_tree_reuses_the_whole_report(tmp_path: Path) -> None:
    from archaudit.report import render_json
    from archaudit.run import audit

    repo = write_tree(tmp_path / "repo", {"app/main.py": "print('hi')\n", "README.md": "# r\n"})
    opts = Options(cache_dir=tmp_path / "cache", jobs=1)
    first = audit(repo, opts)
    second = audit(repo, opts)
    assert second.stats.get("report_cached") == 1
    assert render_json.render(first) == render_json.render(second)
    (repo / "README.md").unlink()
    third = audit(repo, opts)
    assert "report_cached" not in third.stats
    assert "DOC001" in {f.rule for f in third.findings}
