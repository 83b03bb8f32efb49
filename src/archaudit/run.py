"""The audit pipeline in one readable function: walk -> analyse files -> Repo -> inventory -> rules
-> scores -> Report."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import importlib
import marshal
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from archaudit import __version__
from archaudit.analyze import EXTRACTORS, analyze_batch, skip_reason
from archaudit.cache import FactCache, ReportCache, content_key, package_fingerprint
from archaudit.config import Config, ConfigError, load_config
from archaudit.findings import Skipped
from archaudit.outputs import HEAD, written_by_archaudit
from archaudit.repo import Repo
from archaudit.safe_text import utf8
from archaudit.scan.walk import RepoFile, WalkResult, walk

Progress = Callable[[str, int, int], None]  # (stage, done, total)
_TEXT_LANGUAGES = frozenset({"yaml", "toml", "json", "ini", "dotenv", "conf", "shell", "dockerfile", "text",
                             "markdown", "sql", "prisma"})
_SECRET_NAMES = (".pem", ".key", "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", ".p12", ".keystore")
_IN_PROCESS_LIMIT = 64
_BATCH = 48
OWN_OUTPUT = "!an archaudit report written by an earlier run (not audited)"
_OUTPUT_SUFFIXES = (".sarif", ".html", ".xml", ".github")  # archaudit's formats that are not read as text
# what the analysis needs next, imported by a thread of this process while the workers parse (it
# would otherwise only wait for them): the sections and the rule registry
_ANALYSIS_MODULES = ("archaudit.assemble",)


# Set to a list by the `archaudit` command (`cli.entry`), which ends its process with os._exit: each
# audit's Repo is kept in it, left to the process's end instead of being freed object by object when
# `audit` returns (tens of milliseconds on a large tree, for a process about to end). None elsewhere.
KEEP_UNTIL_EXIT: list[Any] | None = None


@dataclass(frozen=True)
class Options:
    use_cache: bool = True
    cache_dir: Path | None = None
    jobs: int = 0  # 0: one worker per core
    timestamp: str | None = None
    preview: bool = False  # also run the rules in preview
    lang: str | None = None  # the reports' language (None: the repository's `lang` setting, else English)
    config_file: Path | None = None  # `--config FILE` instead of looking for the repository's own
    select: tuple[str, ...] = ()  # `--select`: replaces the configuration's `select`
    ignore: tuple[str, ...] = ()  # `--ignore`: added to the configuration's `disable`
    today: str = ""  # ISO date suppression expiries are judged against ("": the real date)


def _wanted(f: RepoFile) -> bool:
    """Files whose content we read: parsed languages, text configs, and likely key files."""
    if f.language in EXTRACTORS or f.language in _TEXT_LANGUAGES:
        return True
    return f.path.rsplit("/", 1)[-1].endswith(_SECRET_NAMES)


def read_keys(root: Path, files: list[RepoFile], progress: Progress | None = None) -> dict[str, str]:
    """Content key of every file whose content matters ("!reason" for a file that can't be read, and
    OWN_OUTPUT for a report archaudit wrote)."""
    keys: dict[str, str] = {}
    for f in files:  # outputs whose content is otherwise never read: recognised by their first bytes
        if not _wanted(f) and f.path.endswith(_OUTPUT_SUFFIXES) and _own_output(root / f.path):
            keys[f.path] = OWN_OUTPUT
    wanted = [f for f in files if _wanted(f)]
    for done, f in enumerate(wanted, start=1):
        if progress and (done % 200 == 0 or done == len(wanted)):
            progress("reading files", done, len(wanted))
        try:
            with open(root / f.path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            keys[f.path] = f"!unreadable ({exc.strerror})"
            continue
        keys[f.path] = OWN_OUTPUT if written_by_archaudit(data[:4096]) else content_key(data, f.path)
    return keys


def _own_output(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return written_by_archaudit(fh.read(HEAD))
    except OSError:
        return False


def analyse_files(root: Path, files: list[RepoFile], keys: dict[str, str], options: Options,
                  progress: Progress | None = None) -> tuple[dict[str, dict[str, Any]], dict[str, int]]:
    """FileResult per path: cached by content hash, cache misses parsed over all cores."""
    cache = FactCache(root, options.cache_dir, options.use_cache)
    results: dict[str, dict[str, Any]] = {}
    misses: list[tuple[str, str, str]] = []
    sizes: list[int] = []
    for f in files:
        key = keys.get(f.path)
        if key is None:
            continue
        if key.startswith("!"):
            results[f.path] = {"skip": key[1:]}
            continue
        blob = cache.get(key)
        if blob is not None:
            results[f.path] = marshal.loads(blob)
        else:
            misses.append((f.path, str(root / f.path), f.language))
            sizes.append(f.size)
    total = len(misses)
    if progress:
        progress("parsing files", 0, total)

    def parsed(done: int) -> None:
        if progress:
            progress("parsing files", done, total)

    for rel, blob in _parse_all(misses, options.jobs, parsed, _ANALYSIS_MODULES, sizes):
        results[rel] = marshal.loads(blob)
        cache.put(keys[rel], blob)
    cache.save()
    return results, {"parsed": total, "cached": len(results) - total}


def _parse_all(items: list[tuple[str, str, str]], jobs: int, parsed: Callable[[int], None],
               warm: tuple[str, ...], sizes: list[int]) -> list[tuple[str, bytes]]:
    """Facts of every item, in order; `parsed(count so far)` after each batch, while the parse runs;
    the `warm` modules imported meanwhile when workers parse. Given the items' `sizes`, the workers
    take the largest files first, so no worker is left parsing one big file while the others idle."""
    out: list[tuple[str, bytes]] = []
    workers = jobs or os.cpu_count() or 1
    if len(items) <= _IN_PROCESS_LIMIT or workers <= 1:
        for batch in (items[i : i + _BATCH] for i in range(0, len(items), _BATCH)):
            out.extend(analyze_batch(batch))
            parsed(len(out))
        return out
    order = sorted(range(len(items)), key=lambda i: -sizes[i])
    ordered = [items[i] for i in order]
    batches = [ordered[i : i + _BATCH] for i in range(0, len(ordered), _BATCH)]
    ctx = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_signals)
    warming = None
    try:
        chunks = pool.map(analyze_batch, batches)  # every worker is forked by now: a thread is safe
        if warm:
            warming = threading.Thread(target=_import_quietly, args=(warm,), name="archaudit-warm", daemon=True)
            warming.start()
        for chunk in chunks:
            out.extend(chunk)
            parsed(len(out))
        if warming is not None:
            warming.join()  # the analysis that follows runs alone
    except BaseException:  # Ctrl-C, SIGTERM (raised as SystemExit by the CLI), a worker's error...
        _kill_workers(pool)  # ...never waits for the workers (shutdown(wait=True) did, for ever)
        raise
    pool.shutdown()
    placed: list[tuple[str, bytes]] = [("", b"")] * len(out)
    for at, result in zip(order, out, strict=True):
        placed[at] = result
    return placed


def _import_quietly(modules: tuple[str, ...]) -> None:
    """Import ahead of need; a failure is left for the real import to raise where it is handled."""
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # raised again by the caller's own import
            return


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel what is queued and kill the workers now (Python 3.14 has `pool.kill_workers()`; before
    it the only handle on the processes is the executor's `_processes` table)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # shutdown() forgets them
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.kill()
    for process in processes:
        process.join(timeout=1)


def _worker_signals() -> None:
    """Workers leave interrupts to the parent: Ctrl-C reaches the whole process group, and workers
    dying of KeyboardInterrupt mid-task left the pool's shutdown waiting. The parent kills them
    when it is interrupted; SIGTERM keeps its default action (a CLI handler is inherited by fork)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@dataclass(frozen=True)
class Tree:
    """What the audit reads: the configuration, the walked files and their content keys."""

    config: Config
    walked: WalkResult
    keys: dict[str, str]

    def digest(self, lang: str = "") -> str:
        """Identifies this exact input (with the tool's code and the report's language): same
        digest, same report."""
        h = hashlib.blake2b(package_fingerprint().encode(), digest_size=16)
        h.update(utf8(repr((self.config, self.walked.skipped, lang))))
        for f in self.walked.files:
            h.update(utf8(f"{f.path}\0{f.size}\0{self.keys.get(f.path, '')}\n"))
        return h.hexdigest()


def configure(root: Path, options: Options) -> Config:
    """The repository's configuration with the command line's choices applied on top. The date is
    part of it only when an accepted finding expires (a report cached yesterday is stale today).

    Rule ids are checked against the registry only when the configuration names some (or is wrong
    anyway, for the whole message): most repositories have no configuration, and importing the rules
    then waits until the workers parse, in the thread that imports what the analysis needs."""
    try:
        config: Config | None = load_config(root, file=options.config_file)
    except ConfigError:
        config = None
    if config is None or config.names_rules:
        from archaudit.rules import RULES_BY_ID

        config = load_config(root, known_rules=RULES_BY_ID, file=options.config_file)
    if options.preview:
        config = replace(config, preview=True)
    if options.select:
        config = replace(config, select=tuple(dict.fromkeys(s.upper() for s in options.select)))
    if options.ignore:
        config = replace(config, disable=config.disable | {s.upper() for s in options.ignore})
    if any(s.expires for s in config.suppress):
        config = replace(config, today=options.today or dt.date.today().isoformat())
    return config


def read_tree(root: Path, progress: Progress | None = None, options: Options = Options()) -> Tree:
    config = configure(root, options)
    walked = walk(root, config.exclude)
    if progress:
        progress("walking the tree", len(walked.files), len(walked.files))
    keys = read_keys(root, walked.files, progress)
    own = {path for path, key in keys.items() if key == OWN_OUTPUT}
    if own:  # a report written inside the tree by an earlier run: listed as skipped, never audited
        walked = WalkResult([f for f in walked.files if f.path not in own],
                            sorted([*walked.skipped, *(Skipped(p, OWN_OUTPUT[1:]) for p in own)]))
        keys = {path: key for path, key in keys.items() if path not in own}
    return Tree(config, walked, keys)


def build_repo(root: Path, options: Options = Options(), progress: Progress | None = None,
               tree: Tree | None = None) -> Repo:
    """Walk and analyse: the shared Repo every inventory section and rule reads.

    The cyclic GC is paused while millions of small fact objects are created (they hold no
    cycles; collecting during their creation cost 7x the load time), then they are frozen so
    later collections skip them.
    """
    gc.disable()
    try:
        repo = _build_repo(root, options, progress, tree or read_tree(root, progress, options))
    finally:
        gc.freeze()
        gc.enable()
    return repo


def _build_repo(root: Path, options: Options, progress: Progress | None, tree: Tree) -> Repo:
    config, walked = tree.config, tree.walked
    results, counts = analyse_files(root, walked.files, tree.keys, options, progress)
    skipped = list(walked.skipped)
    skipped += [Skipped(p, skip_reason(r)) for p, r in sorted(results.items()) if "skip" in r]
    repo = Repo(root, walked.files, results, skipped)
    repo.stats.update(counts)
    repo.config = config
    return repo


def audit(root: Path, options: Options = Options(), progress: Progress | None = None) -> Any:
    """Run the whole audit of `root` and return the Report value.

    An unchanged tree (same files, same contents, same configuration, same archaudit code) gets
    the report computed last time, from the cache, without re-analysing anything."""
    tree = read_tree(root, progress, options)
    reports = ReportCache(root, options.cache_dir, options.use_cache)
    lang = options.lang or tree.config.lang
    digest = tree.digest(lang)
    report = reports.get(digest)
    if report is None:
        repo = build_repo(root, options, progress, tree)
        from archaudit.assemble import build_report  # imported while the workers parsed (_ANALYSIS_MODULES)

        gc.disable()  # analyses build large acyclic indexes: collections only cost time here
        try:
            report = build_report(repo, __version__, progress=progress, jobs=options.jobs)
        finally:
            gc.enable()
        reports.put(digest, report)
        if KEEP_UNTIL_EXIT is not None:
            KEEP_UNTIL_EXIT.append(repo)
    else:
        report.stats = {"parsed": 0, "cached": len(tree.keys), "report_cached": 1}
    report.generated_at = options.timestamp
    report.lang = lang
    return report
