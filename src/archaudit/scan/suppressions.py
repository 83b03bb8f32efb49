"""Inline suppression comments (`# archaudit: ignore[SEC006] reason: ...`, `// archaudit: ...`), found
once per file in the worker processes (through `archaudit.analyze.TEXT_SCANNERS`) and cached with its
facts, so the engine can apply them and report the ones that are malformed, unknown or unused.

    "suppressions"  [line, alone, text]: the comment's text from `archaudit:` on, and whether the
                    comment stands alone on its line (it then covers the next line too)

Only comments count: in Python, the tokenizer's comments (a string that reads like a directive is
not one); elsewhere, `#` or `//` before the directive. Prose (Markdown, reStructuredText, text)
quotes directives to document them and is not scanned.
"""

from __future__ import annotations

import io
import re
import tokenize

from archaudit.analyze import TEXT_SCANNERS

_NAME = "suppressions"
_PROSE = (".md", ".markdown", ".rst", ".txt", ".adoc")
_MARKER = "archaudit:"
_COMMENTED = re.compile(r"(?:#|//)[ \t]*(archaudit:[^\n]*)")


def _python(text: str) -> list[list[object]] | None:
    """Directives in the comments of Python source (None when it does not tokenize)."""
    out: list[list[object]] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT and _MARKER in tok.string:
                body = tok.string[tok.string.index(_MARKER):]
                out.append([tok.start[0], not tok.line[: tok.start[1]].strip(), body.strip()])
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    return out


def _lines(text: str) -> list[list[object]]:
    out: list[list[object]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if _MARKER not in line:
            continue
        m = _COMMENTED.search(line)
        if m:
            body = m.group(1).removesuffix("*/").removesuffix("-->").strip()
            out.append([lineno, not line[: m.start()].strip(), body])
    return out


def scan(path: str, text: str) -> list[list[object]]:
    """[line, alone, directive text] of every archaudit comment of a source or configuration file."""
    if _MARKER not in text or path.lower().endswith(_PROSE):
        return []
    if path.endswith((".py", ".pyi")):
        found = _python(text)
        if found is not None:
            return found
    return _lines(text)


if not any(name == _NAME for name, _ in TEXT_SCANNERS):
    TEXT_SCANNERS.append((_NAME, scan))
