"""The audit pipeline in one readable function: walk -> analyse files -> Repo -> inventory -> rules
-> scores -> Report."""

from __future__ import annotations

import gc
import marshal
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archaudit import __version__
from archaudit.analyze import EXTRACTORS, analyze_batch
from archaudit.cache import FactCache, content_key
from archaudit.config import load_config
from archaudit.findings import Skipped
from archaudit.repo import Repo
from archaudit.scan.walk import RepoFile, walk

Progress = Callable[[str, int, int], None]  # (stage, done, total)
_TEXT_LANGUAGES = frozenset({"yaml", "toml", "json", "ini", "dotenv", "conf", "shell", "dockerfile", "text",
                             "markdown", "sql", "prisma"})
_SECRET_NAMES = (".pem", ".key", "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", ".p12", ".keystore")
_IN_PROCESS_LIMIT = 64
_BATCH = 48


@dataclass(frozen=True)
class Options:
    use_cache: bool = True
    cache_dir: Path | None = None
    jobs: int = 0  # 0: one worker per core
    timestamp: str | None = None


def _wanted(f: RepoFile) -> bool:
    """Files whose content we read: parsed languages, text configs, and likely key files."""
    if f.language in EXTRACTORS or f.language in _TEXT_LANGUAGES:
        return True
    return f.path.rsplit("/", 1)[-1].endswith(_SECRET_NAMES)


def analyse_files(root: Path, files: list[RepoFile], options: Options,
                  progress: Progress | None = None) -> tuple[dict[str, dict[str, Any]], dict[str, int]]:
    """FileResult per path: cached by content hash, cache misses parsed over all cores."""
    cache = FactCache(root, options.cache_dir, options.use_cache)
    results: dict[str, dict[str, Any]] = {}
    misses: list[tuple[str, str, str]] = []
    keys: dict[str, str] = {}
    for f in files:
        if not _wanted(f):
            continue
        try:
            with open(root / f.path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            results[f.path] = {"skip": f"unreadable ({exc.strerror})"}
            continue
        key = content_key(data, f.path)
        blob = cache.get(key)
        if blob is not None:
            results[f.path] = marshal.loads(blob)
        else:
            keys[f.path] = key
            misses.append((f.path, str(root / f.path), f.language))
    total = len(misses)
    for done, (rel, blob) in enumerate(_parse_all(misses, options.jobs), start=1):
        results[rel] = marshal.loads(blob)
        cache.put(keys[rel], blob)
        if progress and (done % 50 == 0 or done == total):
            progress("parsing", done, total)
    cache.save()
    return results, {"parsed": total, "cached": len(results) - total}


def _parse_all(items: list[tuple[str, str, str]], jobs: int) -> list[tuple[str, bytes]]:
    if len(items) <= _IN_PROCESS_LIMIT:
        return analyze_batch(items)
    workers = jobs or os.cpu_count() or 1
    if workers <= 1:
        return analyze_batch(items)
    # Biggest work first, interleaved, so both workers finish together.
    batches = [items[i : i + _BATCH] for i in range(0, len(items), _BATCH)]
    out: list[tuple[str, bytes]] = []
    ctx = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        for chunk in pool.map(analyze_batch, batches):
            out.extend(chunk)
    return out


def build_repo(root: Path, options: Options = Options(), progress: Progress | None = None) -> Repo:
    """Walk and analyse: the shared Repo every inventory section and rule reads.

    The cyclic GC is paused while millions of small fact objects are created (they hold no
    cycles; collecting during their creation cost 7x the load time), then they are frozen so
    later collections skip them.
    """
    gc.disable()
    try:
        repo = _build_repo(root, options, progress)
    finally:
        gc.freeze()
        gc.enable()
    return repo


def _build_repo(root: Path, options: Options, progress: Progress | None) -> Repo:
    config = load_config(root)
    walked = walk(root, config.exclude)
    if progress:
        progress("walking", len(walked.files), len(walked.files))
    results, counts = analyse_files(root, walked.files, options, progress)
    skipped = list(walked.skipped)
    skipped += [Skipped(p, r["skip"]) for p, r in sorted(results.items()) if "skip" in r]
    repo = Repo(root, walked.files, results, skipped)
    repo.stats.update(counts)
    repo.config = config
    return repo


def audit(root: Path, options: Options = Options(), progress: Progress | None = None) -> Any:
    """Run the whole audit of `root` and return the Report value."""
    from archaudit.report.build import build_report

    repo = build_repo(root, options, progress)
    return build_report(repo, __version__, options.timestamp)
