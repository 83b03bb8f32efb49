"""Logical lines of CI files (backslash continuations joined), with the line each starts on."""

from __future__ import annotations

from archaudit.detect.cicd.section import ci_files
from archaudit.repo import Repo

GATES = frozenset({"tests", "lint", "type-check", "migrations", "build"})


def logical_lines(repo: Repo, path: str) -> list[tuple[int, str]]:
    """(first line, text) of each logical line; a trailing backslash continues onto the next line."""
    out: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    for n, raw in enumerate(repo.lines(path)[:20_000], 1):
        if not pending:
            start = n
        if raw.rstrip().endswith("\\"):
            pending.append(raw.rstrip()[:-1])
            continue
        pending.append(raw)
        out.append((start, " ".join(pending)))
        pending = []
    if pending:
        out.append((start, " ".join(pending)))
    return out


def ci_lines(repo: Repo) -> list[tuple[str, int, str]]:
    """(path, line, text) of every logical line of every CI file."""
    return [(p, n, t) for p in ci_files(repo) for n, t in logical_lines(repo, p)]
