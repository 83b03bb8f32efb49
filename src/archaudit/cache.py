"""Per-file facts cached by content hash, in the user's cache directory (XDG), never in the repo.

One marshal file per (audited root, extractor code) maps a file's content hash to its marshalled
`FileResult`; one pickle per root holds the last report with the digest of its whole input.
Facts are cached, not ASTs: unmarshalling an AST costs more than parsing again.
A cache that cannot be read or written is ignored: it only ever makes a run faster.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from archaudit import __version__

_PACKAGE = Path(__file__).parent


@functools.cache
def _code_hash(patterns: tuple[str, ...]) -> str:
    """Hash of archaudit's own files matching the glob patterns (relative paths and contents),
    computed once per process."""
    digest = hashlib.blake2b(__version__.encode(), digest_size=8)
    sources = sorted({p for pattern in patterns for p in _PACKAGE.glob(pattern)})
    for source in sources:
        try:
            digest.update(str(source.relative_to(_PACKAGE)).encode() + b"\0" + source.read_bytes())
        except OSError:
            continue
    return digest.hexdigest()


def extractor_fingerprint() -> str:
    """A hash of the code that produces per-file facts: a cache written by other extractor code
    (an older release, or a development tree) is never read back."""
    return _code_hash(("analyze.py", "languages/**/*.py", "scan/**/*.py"))


def package_fingerprint() -> str:
    """A hash of all of archaudit's own code and templates: any change to a rule, detector or
    template makes previously cached reports unusable."""
    return _code_hash(("**/*.py", "**/*.j2", "**/*.json"))


def _root_id(root: Path) -> str:
    """One cache entry per audited folder, whatever path spelling reached it."""
    return hashlib.blake2b(os.fsencode(root.resolve()), digest_size=8).hexdigest()  # any bytes the OS allows


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "archaudit"


def content_key(data: bytes, path: str) -> str:
    """Content hash plus the file's extension: the same bytes parse differently as .ts and .tsx."""
    name = path.rsplit("/", 1)[-1]
    suffix = name[name.rfind("."):] if "." in name[1:] else name
    return hashlib.blake2b(data, digest_size=16).hexdigest() + suffix[:12]


class FactCache:
    """Content-hash -> marshalled FileResult, loaded once and written back once."""

    def __init__(self, root: Path, directory: Path | None = None, enabled: bool = True) -> None:
        self.enabled = enabled
        self.root_id = _root_id(root)
        self.path = (directory or cache_dir()) / f"facts-{extractor_fingerprint()}-{self.root_id}.marshal"
        self.entries: dict[str, bytes] = {}
        self.used: dict[str, bytes] = {}
        if enabled:
            self._load()

    def _load(self) -> None:
        try:
            with open(self.path, "rb") as fh:
                loaded = marshal.load(fh)
        except (OSError, EOFError, ValueError, TypeError):
            return
        if isinstance(loaded, dict):
            self.entries = loaded

    def get(self, key: str) -> bytes | None:
        blob = self.entries.get(key)
        if blob is not None:
            self.used[key] = blob
        return blob

    def put(self, key: str, blob: bytes) -> None:
        self.used[key] = blob

    def save(self) -> None:
        """Write only the entries this run used, so the cache never outgrows the tree."""
        if not self.enabled or self.used == self.entries:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".facts-")
            with os.fdopen(fd, "wb") as fh:
                marshal.dump(self.used, fh)
            os.replace(tmp, self.path)
            for stale in self.path.parent.glob(f"facts-*-{self.root_id}.marshal"):
                if stale != self.path:
                    stale.unlink(missing_ok=True)  # written by other extractor code: never readable again
        except OSError:
            return


class ReportCache:
    """The last report of a root, keyed by the digest of its whole input (see run.Tree.digest).

    Pickled: it holds archaudit's own dataclasses and lives in the user's own cache directory."""

    def __init__(self, root: Path, directory: Path | None = None, enabled: bool = True) -> None:
        self.enabled = enabled
        self.path = (directory or cache_dir()) / f"report-{_root_id(root)}.pickle"

    def get(self, digest: str) -> Any:
        if not self.enabled:
            return None
        try:
            with open(self.path, "rb") as fh:
                stored_digest, report = pickle.load(fh)
        except Exception:  # missing, truncated or from an incompatible version: just recompute
            return None
        return report if stored_digest == digest else None

    def put(self, digest: str, report: Any) -> None:
        if not self.enabled:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".report-")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump((digest, report), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except (OSError, pickle.PicklingError):
            return
