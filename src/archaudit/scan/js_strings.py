"""Per-file string facts that npm dependency usage needs, collected in the worker processes (through
`archaudit.analyze.TEXT_SCANNERS`) so each file is read once, in parallel, and cached by content:

    "js_strings"  the quoted strings of a JS/TS/JSON/single-file-component source, comments left out
                  (a view engine `app.set('view engine', 'pug')`, a karma framework, a reporter name)
    "node_paths"  package names in `node_modules/x/...` and `{% static 'node/x/...' %}` paths, in any file

Reading every source text again after the parse to find these cost most of the TS005 rule's time
on large monorepos (0.8 s on outline).
"""

from __future__ import annotations

import re

from archaudit.analyze import TEXT_SCANNERS

SFC = (".vue", ".svelte", ".astro")
SOURCES = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", *SFC, ".json")
MAX_SOURCE_BYTES = 500_000
MAX_JSON_BYTES = 64_000  # a larger JSON file is data (locales, fixtures), not a tool's configuration

# one pass per file: comments are consumed (their text is not code), quoted strings are collected
# (a lazy `.*?` up to `*/` or the end: linear, and a third faster than a bounded `(?:[^*]|\*(?!/))` loop)
# Every branch starts with a literal character, so the engine skips ahead to the next '/', quote or
# backquote instead of trying each branch at every position (2.5x faster; the lookbehind that keeps
# `http://` out of the line comments is taken after the first '/', where it is the same test).
_TOKEN = re.compile(r"/(?:\*.*?(?:\*/|\Z)|(?<![:\w'\"]/)/[^\n]*)|"
                    r"'([^'\n\\]{1,200})'|\"([^\"\n\\]{1,200})\"|`([^`\\]{1,200})`", re.DOTALL)
_NODE_PATH = re.compile(r"(?:node_modules|'node|\"node|/node)/((?:@[\w.-]+/)?[\w.-]+)")  # literal starts: fast


def quoted(text: str) -> set[str]:
    """The quoted strings of a source file outside its comments (bounded: linear on any input)."""
    return {a or b or c for a, b, c in _TOKEN.findall(text) if a or b or c}


def _too_large(text: str, bound: int) -> bool:
    return len(text) >= bound or (len(text) * 4 >= bound and len(text.encode("utf-8")) >= bound)


def scan_strings(path: str, text: str) -> list[str]:
    """Sorted quoted strings of a JS/TS/JSON/SFC source outside node_modules (else nothing)."""
    if not path.endswith(SOURCES) or "node_modules/" in path:
        return []
    if _too_large(text, MAX_JSON_BYTES if path.endswith(".json") else MAX_SOURCE_BYTES):
        return []
    return sorted(quoted(text))


def scan_node_paths(path: str, text: str) -> list[str]:
    """Sorted package names of the node_modules paths a file writes."""
    if "node" not in text:
        return []
    return sorted(set(_NODE_PATH.findall(text)))


for _name, _scan in (("js_strings", scan_strings), ("node_paths", scan_node_paths)):
    if not any(name == _name for name, _ in TEXT_SCANNERS):
        TEXT_SCANNERS.append((_name, _scan))
