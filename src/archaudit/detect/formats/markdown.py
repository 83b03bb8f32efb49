"""Reading Markdown documentation as data: headings, code (fenced blocks and inline spans) and
relative links, each with its line. Pure functions over text, plus which files count as docs.

Documentation files: every README (any folder), Markdown at the repository root, and Markdown under
`docs/` or `doc/` folders; files with the test role (fixtures) are left out.
"""

from __future__ import annotations

import re
import unicodedata

from archaudit.repo import Repo

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^\s{0,3}#{1,6}(?:\s(.*))?$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RST_UNDERLINE = re.compile(r"^([=\-~^*+#\"'`])\1{2,}\s*$")
_INLINE = re.compile(r"`([^`\n]+)`")
_REF_DEF = re.compile(r"^\s{0,3}\[(?!\^)[^\]\n]{1,200}\]:\s*(\S+)")  # `[^1]: ...` is a footnote
MAX_LINE = 4000  # longer lines (minified HTML, data) are not prose: skipped, keeping the regexes linear
README_NAMES = ("README.md", "README.rst", "README.txt", "README", "readme.md", "Readme.md", "README.markdown")


def is_doc(path: str) -> bool:
    """A documentation file by path: README anywhere, root Markdown, Markdown under docs/ or doc/."""
    base = path.rsplit("/", 1)[-1]
    if base.upper().startswith("README"):
        return True
    if not base.lower().endswith((".md", ".markdown")):
        return False
    return "/" not in path or any(seg in ("docs", "doc") for seg in path.split("/")[:-1])


def doc_files(repo: Repo) -> list[str]:
    """Documentation files of the repository (not fixtures), sorted."""
    return [f.path for f in repo.files if f.role != "test" and is_doc(f.path)]


def root_readme(repo: Repo) -> str | None:
    return next((n for n in README_NAMES if repo.has(n)), None)


def fold(text: str) -> str:
    """Lower-case without accents ("Démarrage" -> "demarrage") for keyword matching."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def headings(text: str) -> list[tuple[int, str]]:
    """(line, title) of Markdown ATX/setext headings and reStructuredText titles, outside code."""
    out: list[tuple[int, str]] = []
    lines = text.splitlines()
    fenced = _fenced_lines(lines)
    for i, line in enumerate(lines):
        if i in fenced or len(line) > MAX_LINE:
            continue
        m = _ATX.match(line)
        if m:
            out.append((i + 1, (m.group(1) or "").strip().rstrip("#").strip()))
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        title = line.strip()
        if title and i + 1 not in fenced and not title.startswith(("-", "*", "|", ">")) and (
                _SETEXT.match(nxt) or (_RST_UNDERLINE.match(nxt.strip()) and len(nxt.strip()) >= len(title))):
            out.append((i + 1, title))
    return out


def code_lines(text: str) -> list[tuple[int, str]]:
    """(line, code) for every line of a fenced block and every inline code span elsewhere."""
    out: list[tuple[int, str]] = []
    lines = text.splitlines()
    fenced = _fenced_lines(lines)
    for i, line in enumerate(lines):
        if i in fenced:
            if not _FENCE.match(line):
                out.append((i + 1, line))
        else:
            out.extend((i + 1, span) for span in _INLINE.findall(line))
    return out


def links(text: str) -> list[tuple[int, str]]:
    """(line, target) of inline links, images and reference definitions, outside code."""
    out: list[tuple[int, str]] = []
    lines = text.splitlines()
    fenced = _fenced_lines(lines)
    for i, line in enumerate(lines):
        if i in fenced or len(line) > MAX_LINE:
            continue
        bare = _INLINE.sub("", line)
        out.extend((i + 1, t) for t in _inline_links(bare))
        ref = _REF_DEF.match(bare)
        if ref:
            out.append((i + 1, ref.group(1).strip("<>")))
    return out


def _balanced_target(line: str, i: int) -> str:
    """A link destination up to whitespace or the `)` that closes it: balanced parentheses belong
    to it, as CommonMark says (`install/Running-as-a-service-(Systemd).md`)."""
    depth, j, stop = 0, i, min(len(line), i + 500)
    while j < stop and line[j] not in " \t":
        if line[j] == "(":
            depth += 1
        elif line[j] == ")":
            if depth == 0:
                break
            depth -= 1
        j += 1
    return line[i:j]


def _inline_links(line: str) -> list[str]:
    """Targets of `[text](target "title")` and `![alt](target)`, scanned in linear time."""
    out = []
    last_close = line.rfind(")")
    has_open = line.find("[")
    start = line.find("](")
    while start != -1:
        i = start + 2
        while i < len(line) and line[i] in " \t":
            i += 1
        if has_open != -1 and has_open < start and last_close > i:
            if line.startswith("<", i):
                end = line.find(">", i + 1, i + 502)
                target = line[i + 1:end] if end != -1 else ""
            else:
                target = _balanced_target(line, i)
            if target:
                out.append(target)
        start = line.find("](", start + 2)
    return out


def _fenced_lines(lines: list[str]) -> set[int]:
    """0-based indexes of lines inside fenced code blocks, fences included."""
    inside: set[int] = set()
    fence = ""
    for i, line in enumerate(lines):
        m = _FENCE.match(line)
        if fence:
            inside.add(i)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line.strip()[len(m.group(1)):]:
                fence = ""
        elif m:
            fence = m.group(1)
            inside.add(i)
    return inside
