"""Which repository and commit an audited tree is, read from its `.git` files (never by running git).

The history keys audits by repository identity and commit. Both are read from plain files: `.git/HEAD`,
loose refs, `packed-refs`, `config` (the `origin` remote), and for a linked worktree or a submodule the
`.git` file's `gitdir:` pointer. The tree is untrusted: every file read is a regular file (no symlink,
FIFO or device), small, and inside the tree's own git directory; a `gitdir:` pointer leading outside
the tree is followed only when the directory it names points back at this tree (a worktree registered
by git, a submodule whose `core.worktree` is this tree); ref names are checked before they become paths.
Anything else gives "no commit" with the reason, never an exception.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

_MAX_SMALL = 64 * 1024  # HEAD, a loose ref, commondir, gitdir, config
_MAX_PACKED = 16 * 1024 * 1024  # packed-refs of a very large repository
_OBJECT_ID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")  # SHA-1 or SHA-256
_REF_NAME = re.compile(r"refs/[A-Za-z0-9._/-]{1,240}")
_SECTION = re.compile(r'^\s*\[\s*remote\s+"(?P<name>[^"]*)"\s*\]\s*$')
_URL = re.compile(r"^\s*url\s*=\s*(?P<url>\S+)\s*$")
_WORKTREE = re.compile(r"^\s*worktree\s*=\s*(?P<path>.+?)\s*$")
_USERINFO = re.compile(r"^(?P<scheme>[a-z][a-z0-9+.-]*://)[^@/]*@", re.IGNORECASE)


@dataclass(frozen=True)
class GitState:
    """What the `.git` files say: the remote URL (credentials removed), the commit checked out and
    the branch (None when detached or unknown), and why the commit is unknown when it is."""

    remote: str | None = None
    commit: str | None = None
    branch: str | None = None
    note: str = ""


def _read(path: Path, within: Path, limit: int = _MAX_SMALL) -> str | None:
    """The text of a small regular file under `within` (no component of the path leading elsewhere
    through a symlink), or None (missing, a symlink, a FIFO, a device, too large, unreadable)."""
    try:
        if not _inside(path, within):
            return None
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            return fh.read(limit + 1)[:limit].decode("utf-8", "replace")
    except (OSError, ValueError):
        return None


def _is_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except (OSError, ValueError):
        return False


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError, ValueError):
        return False


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError, ValueError):
        return False


def _git_dirs(root: Path) -> tuple[Path, Path] | str:
    """(the git directory, the common directory), or why there is none that may be read."""
    dot = root / ".git"
    if _is_dir(dot):
        return dot, dot
    text = _read(dot, root)
    if text is None:
        return "no .git directory or file"
    if not text.startswith("gitdir:"):
        return ".git is neither a directory nor a gitdir file"
    named = text[len("gitdir:"):].strip().split("\n", 1)[0].strip()
    if not named or "\0" in named:
        return ".git names no git directory"
    target = Path(named)
    gitdir = target if target.is_absolute() else root / target
    if not _is_dir(gitdir):
        return ".git points at a missing git directory"
    if not (_inside(gitdir, root) or _points_back(gitdir, root)):
        return ".git points outside the repository at a directory that does not name it back"
    common = gitdir
    pointer = _read(gitdir / "commondir", gitdir)
    if pointer is not None and pointer.strip():
        candidate = Path(pointer.strip().splitlines()[0])
        common = candidate if candidate.is_absolute() else gitdir / candidate
        if not _is_dir(common):
            return "the worktree's common git directory is missing"
    return gitdir, common


def _points_back(gitdir: Path, root: Path) -> bool:
    """A git directory outside the tree is trusted when it names this tree: a linked worktree's
    `gitdir` file holds this tree's `.git` path; a submodule's `core.worktree` is this tree."""
    back = _read(gitdir / "gitdir", gitdir)
    if back is not None and back.strip():
        named = Path(back.strip().splitlines()[0])
        if _same(named if named.is_absolute() else gitdir / named, root / ".git"):
            return True
    config = _read(gitdir / "config", gitdir) or ""
    for line in config.splitlines():
        m = _WORKTREE.match(line)
        if m:
            named = Path(m.group("path"))
            return _same(named if named.is_absolute() else gitdir / named, root)
    return False


def _resolve_ref(gitdir: Path, common: Path, ref: str) -> str | None:
    """The object id a ref names: a loose ref (worktree-private, then common), then packed-refs."""
    if not _REF_NAME.fullmatch(ref) or ".." in ref or "//" in ref or ref.endswith(("/", ".lock", ".")):
        return None
    for base in dict.fromkeys((gitdir, common)):
        text = _read(base / ref, base)
        if text is not None:
            value = text.strip()
            return value if _OBJECT_ID.fullmatch(value) else None
    packed = _read(common / "packed-refs", common, _MAX_PACKED) or ""
    for line in packed.splitlines():
        parts = line.split(" ", 1)
        if len(parts) == 2 and parts[1].strip() == ref and _OBJECT_ID.fullmatch(parts[0]):
            return parts[0]
    return None


def remote_url(common: Path) -> str | None:
    """The `origin` remote's URL (else the first remote's), user name and password removed."""
    config = _read(common / "config", common)
    if config is None:
        return None
    urls: dict[str, str] = {}
    current: str | None = None
    for line in config.splitlines():
        section = _SECTION.match(line)
        if section:
            current = section.group("name")
            continue
        if line.lstrip().startswith("["):
            current = None
            continue
        m = _URL.match(line)
        if current is not None and m and current not in urls:
            urls[current] = m.group("url")
    url = urls.get("origin") or next(iter(urls.values()), None)
    return _USERINFO.sub(r"\g<scheme>", url)[:500] if url else None


def git_state(root: Path) -> GitState:
    """The repository's remote, commit and branch as its `.git` files say; never raises."""
    try:
        dirs = _git_dirs(root)
    except (OSError, RuntimeError, ValueError) as exc:  # a path the OS refuses (too long, NUL...)
        return GitState(note=f"the .git files could not be read ({type(exc).__name__})")
    if isinstance(dirs, str):
        return GitState(note=dirs)
    gitdir, common = dirs
    remote = remote_url(common)
    head = (_read(gitdir / "HEAD", gitdir) or "").strip()
    if _OBJECT_ID.fullmatch(head):
        return GitState(remote, head, None)
    if head.startswith("ref:"):
        ref = head[4:].strip()
        branch = ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else None
        commit = _resolve_ref(gitdir, common, ref)
        return GitState(remote, commit, branch, "" if commit else f"HEAD names {ref[:80]!r}, which has no commit yet")
    return GitState(remote, note="HEAD could not be read")
