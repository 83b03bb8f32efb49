"""Walk an untrusted repository: honour .gitignore files and default excludes, never leave the root.

Directory symlinks are never followed; a file symlink is kept only when its target lies inside the
root. Everything left out for a reason the user may care about is returned as a `Skipped` record.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pathspec

from archaudit.findings import Message, Skipped
from archaudit.safe_text import encodable
from archaudit.scan.classify import classify

DEFAULT_EXCLUDED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".venv", "venv", "virtualenv", ".tox", ".nox",
        "node_modules", "bower_components", "__pycache__", ".mypy_cache", ".pytest_cache",
        ".ruff_cache", ".cache", ".idea", ".vscode", "build", "dist", ".next", ".nuxt", "out",
        "coverage", "htmlcov", ".eggs", "site-packages", "vendor", "vendored", "third_party",
        ".terraform", ".serverless", "target",
    }
)
MAX_FILES = 200_000


@dataclass(frozen=True)
class RepoFile:
    """A file of the repository: posix path relative to the root, size, language and role."""

    path: str
    size: int
    language: str
    role: str


@dataclass
class WalkResult:
    files: list[RepoFile]
    skipped: list[Skipped]


def _is_excluded_dir(name: str, path: str) -> bool:
    """Default excludes, plus any virtualenv whatever its name (it holds a pyvenv.cfg)."""
    if name in DEFAULT_EXCLUDED_DIRS or name.endswith(".egg-info"):
        return True
    return os.path.exists(os.path.join(path, "pyvenv.cfg"))


def compile_patterns(lines: list[str]) -> tuple[pathspec.PathSpec, list[tuple[int, str, str]]]:
    """A GitIgnoreSpec of the lines pathspec and `re` accept, and (1-based line, pattern, why) of
    each one they reject (`!` alone, a reversed range `[z-a]`...): git ignores such a line and
    applies the rest, and so does the audit, instead of stopping the walk."""
    try:
        return pathspec.GitIgnoreSpec.from_lines(lines), []
    except Exception:  # pathspec raises its own errors, re.error, ValueError...
        pass
    good: list[str] = []
    bad: list[tuple[int, str, str]] = []
    for number, line in enumerate(lines, start=1):
        try:
            pathspec.GitIgnoreSpec.from_lines([line])
        except Exception as exc:  # the same, one line at a time
            bad.append((number, line, f"{type(exc).__name__}: {exc}"))
            good.append("")  # keeps the line numbers of the others (a blank line matches nothing)
        else:
            good.append(line)
    return pathspec.GitIgnoreSpec.from_lines(good), bad


def _load_gitignore(directory: str, rel: str,
                    skipped: list[Skipped]) -> tuple[str, pathspec.PathSpec] | None:
    path = os.path.join(directory, ".gitignore")
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.read(1_000_000).splitlines()
    except OSError:
        return None
    spec, bad = compile_patterns(lines)
    where = f"{rel}/.gitignore" if rel else ".gitignore"
    skipped += [Skipped(where, Message("line {line} not applied: {pattern} is not a valid gitignore pattern ({error})",
                                       line=n, pattern=repr(p[:80]), error=why[:120])) for n, p, why in bad]
    return rel, spec


def _ignored(specs: list[tuple[str, pathspec.PathSpec]], rel: str, is_dir: bool) -> bool:
    for base, spec in specs:
        sub = rel[len(base) + 1 :] if base else rel
        if spec.match_file(sub + "/" if is_dir else sub):
            return True
    return False


def walk(root: Path, exclude: tuple[str, ...] = ()) -> WalkResult:
    """List the repository's files, sorted by path, with what was skipped and why.

    `exclude` holds extra gitignore-style patterns (the repository's archaudit configuration)."""
    root_real = os.path.realpath(root)
    files: list[RepoFile] = []
    skipped: list[Skipped] = []
    base_specs: list[tuple[str, pathspec.PathSpec]] = []
    if exclude:  # the configuration validated them; a rejected one is left out all the same
        base_specs.append(("", compile_patterns(list(exclude))[0]))
    stack: list[tuple[str, str, list[tuple[str, pathspec.PathSpec]]]] = [(root_real, "", base_specs)]
    while stack:
        directory, rel_dir, specs = stack.pop()
        found = _load_gitignore(directory, rel_dir, skipped)
        if found:
            specs = [*specs, found]
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            skipped.append(Skipped(rel_dir or ".", Message("unreadable directory ({error})", error=str(exc.strerror))))
            continue
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            _visit(entry, rel, root_real, specs, stack, files, skipped)
        if len(files) > MAX_FILES:
            skipped.append(Skipped(".", Message("file limit reached ({limit} files); the rest was not read",
                                                limit=MAX_FILES)))
            break
    files.sort(key=lambda f: f.path)
    skipped.sort()
    return WalkResult(files, skipped)


def _visit(
    entry: os.DirEntry[str],
    rel: str,
    root_real: str,
    specs: list[tuple[str, pathspec.PathSpec]],
    stack: list[tuple[str, str, list[tuple[str, pathspec.PathSpec]]]],
    files: list[RepoFile],
    skipped: list[Skipped],
) -> None:
    try:
        is_link = entry.is_symlink()
        is_dir = entry.is_dir(follow_symlinks=False)
    except OSError:
        skipped.append(Skipped(encodable(rel), Message("unreadable entry")))
        return
    if is_dir and (_is_excluded_dir(entry.name, entry.path) or _ignored(specs, rel, True)):
        return
    if not is_dir and _ignored(specs, rel, False):
        return
    if encodable(entry.name) is not entry.name:  # bytes that are not UTF-8, surrogate-escaped by the OS
        what = Message("directory name is not valid UTF-8: nothing under it was read") if is_dir else (
            Message("file name is not valid UTF-8: not read"))
        skipped.append(Skipped(encodable(rel), what))
        return
    if is_dir:
        stack.append((entry.path, rel, specs))
        return
    if is_link:
        target = os.path.realpath(entry.path)
        if not target.startswith(root_real + os.sep):
            skipped.append(Skipped(rel, Message("symlink pointing outside the repository")))
            return
        if os.path.isdir(target):
            return  # a directory link inside the root: its files are walked where they really are
    try:
        st = entry.stat(follow_symlinks=True)
    except OSError:
        skipped.append(Skipped(rel, Message("unreadable file (broken link or permissions)")))
        return
    if not entry.is_file(follow_symlinks=True):
        skipped.append(Skipped(rel, "not a regular file (fifo, socket or device): never opened"))
        return
    language, role = classify(rel)
    files.append(RepoFile(rel, st.st_size, language, role))
