"""Evidence helpers shared by the document's parts: a place with its source line quoted, and the
first definition of a file (what a folder-level statement points at)."""

from __future__ import annotations

from archaudit.findings import Evidence
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import ts_facts

_QUOTE = 160


def quoted(repo: Repo, path: str, line: int) -> Evidence:
    """The place with its source line as the snippet (what a newcomer copies)."""
    text = repo.line(path, line)
    return Evidence(path, line, text[:_QUOTE] + ("…" if len(text) > _QUOTE else ""))


def first_definition(repo: Repo, paths: list[str]) -> Evidence:
    """The first class or function defined in the first of `paths` that defines one (sorted): a folder
    is shown by the code it holds; the first path alone when none defines anything."""
    ts = repo.derived(ts_facts)
    for path in sorted(paths):
        facts = repo.python.get(path) or ts.get(path)
        if not facts:
            continue
        lines = [c["line"] for c in facts["classes"]] + [f["line"] for f in facts["functions"]]
        if lines:
            return quoted(repo, path, min(lines))
    return _first_statement(repo, sorted(paths)[0]) if paths else Evidence(".", 0)


def _first_statement(repo: Repo, path: str) -> Evidence:
    """A file defining no class or function (types, constants) is shown by its first export, or its
    first line of code."""
    lines = repo.lines(path)
    code = [i for i, text in enumerate(lines, 1)
            if text.strip() and not text.lstrip().startswith(("#", "//", "/*", "*"))]
    exported = [i for i in code if lines[i - 1].startswith("export ")]
    first = (exported or code or [0])[0]
    return quoted(repo, path, first) if first else Evidence(path, 0)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")
