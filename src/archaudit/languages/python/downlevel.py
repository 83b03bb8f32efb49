"""Read Python written for a newer interpreter than the one running archaudit.

`ast` only accepts the grammar of the running Python, so a 3.11 audit refuses a file that uses PEP 695
type parameters (`def f[T]()`, `class C[T]`, `type X = ...`), PEP 758 unparenthesised exception lists
(`except A, B:`), PEP 701 f-strings (quotes reused, backslashes or comments inside `{}`) or PEP 750
template strings (`t"..."`). Such a file is valid code whose routers,
settings and models the audit must not lose. This module rewrites only those constructs, from the
token stream, into the older equivalent that `ast` reads with the same meaning for our facts: type
parameters are dropped, `type X = v` becomes `X = v`, exception lists get parentheses, `t"` becomes
`f"`, and an f-string only 3.12+ reads becomes an empty string of the same lines (the names it
uses are lost, nothing else). Every line keeps its number (only columns move), so evidence stays exact.
"""

from __future__ import annotations

import io
import tokenize
from tokenize import NAME, NEWLINE, NL, OP, STRING, TokenInfo

_STATEMENT_START = {NEWLINE, NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING}
_TEMPLATE_PREFIXES = {"t": "f", "T": "F", "tr": "fr", "rt": "rf", "Tr": "Fr", "tR": "fR", "rT": "rF", "TR": "FR",
                      "RT": "RF", "Rt": "Rf"}
Edit = tuple[tuple[int, int], tuple[int, int], str]  # (start, end, replacement), positions as (row, col)


def _closing(tokens: list[TokenInfo], i: int) -> int:
    """Index of the `]` closing the `[` at tokens[i] (or -1)."""
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j].type == OP and tokens[j].string in "([{":
            depth += 1
        elif tokens[j].type == OP and tokens[j].string in ")]}":
            depth -= 1
            if depth == 0:
                return j
    return -1


def _type_params(tokens: list[TokenInfo], i: int) -> list[Edit]:
    """`def f[T]` / `class C[T]`: drop the bracketed type parameters."""
    if i + 2 < len(tokens) and tokens[i + 1].type == NAME and tokens[i + 2].string == "[":
        end = _closing(tokens, i + 2)
        if end > 0:
            return [(tokens[i + 2].start, tokens[end].end, "")]
    return []


def _type_alias(tokens: list[TokenInfo], i: int) -> list[Edit]:
    """`type X[T] = v` at the start of a statement: `X = v`."""
    if i + 2 >= len(tokens) or tokens[i + 1].type != NAME:
        return []
    nxt = tokens[i + 2]
    edits: list[Edit] = [(tokens[i].start, tokens[i + 1].start, "")]
    if nxt.string == "[":
        end = _closing(tokens, i + 2)
        if end < 0 or end + 1 >= len(tokens) or tokens[end + 1].string != "=":
            return []
        edits.append((nxt.start, tokens[end].end, ""))
    elif nxt.string != "=":
        return []
    return edits


def _except_list(tokens: list[TokenInfo], i: int) -> list[Edit]:
    """`except A, B:` (PEP 758): parenthesise the list."""
    j = i + 1
    if j < len(tokens) and tokens[j].string == "*":
        j += 1
    first, depth, comma = j, 0, False
    while j < len(tokens) and not (depth == 0 and tokens[j].string in (":", "as")):
        if tokens[j].type in (NEWLINE,):
            return []
        if tokens[j].type == OP and tokens[j].string in "([{":
            depth += 1
        elif tokens[j].type == OP and tokens[j].string in ")]}":
            depth -= 1
        elif depth == 0 and tokens[j].string == ",":
            comma = True
        j += 1
    if not comma or j >= len(tokens) or j == first:
        return []
    return [(tokens[first].start, tokens[first].start, "("), (tokens[j - 1].end, tokens[j - 1].end, ")")]


def _template_string(tokens: list[TokenInfo], i: int) -> list[Edit]:
    """`t"..."` tokenizes (before 3.14) as the name `t` glued to a string: make it an f-string."""
    tok = tokens[i]
    if (tok.string in _TEMPLATE_PREFIXES and i + 1 < len(tokens) and tokens[i + 1].type == STRING
            and tokens[i + 1].start == tok.end):
        return [(tok.start, tok.end, _TEMPLATE_PREFIXES[tok.string])]
    return []


def _edits(tokens: list[TokenInfo]) -> list[Edit]:
    edits: list[Edit] = []
    for i, tok in enumerate(tokens):
        if tok.type != NAME:
            continue
        at_start = i == 0 or tokens[i - 1].type in _STATEMENT_START
        if tok.string in ("def", "class"):
            edits += _type_params(tokens, i)
        elif tok.string == "type" and at_start:
            edits += _type_alias(tokens, i)
        elif tok.string == "except":
            edits += _except_list(tokens, i)
        else:
            edits += _template_string(tokens, i)
    return edits


def _apply(lines: list[str], edits: list[Edit]) -> str:
    """Apply edits from the last to the first; text removed across lines keeps its line breaks."""
    for (srow, scol), (erow, ecol), new in sorted(edits, reverse=True):
        if srow == erow:
            line = lines[srow - 1]
            lines[srow - 1] = line[:scol] + new + line[ecol:]
            continue
        lines[srow - 1] = lines[srow - 1][:scol] + new + "\\\n"  # explicit joins keep one logical line
        for row in range(srow, erow - 1):
            lines[row] = "\\\n"
        lines[erow - 1] = lines[erow - 1][ecol:]
    return "".join(lines)


_QUOTES = ("\"\"\"", "'''", "\"", "'")
_PREFIX_CHARS = set("rRbBuUfFtT")


class _FStrings:
    """A scanner of string literals that knows PEP 701 f-strings: it finds each f-string whose
    replacement fields hold what only Python 3.12+ accepts (its own quote, a backslash, a comment)."""

    def __init__(self, text: str) -> None:
        self.s, self.n = text, len(text)
        self.modern: list[tuple[int, int]] = []  # (start of prefix, end) of each 3.12-only f-string

    def prefix_start(self, i: int) -> int:
        j = i
        while j > 0 and self.s[j - 1] in _PREFIX_CHARS and i - j < 3:
            j -= 1
        return j if j == 0 or not (self.s[j - 1].isalnum() or self.s[j - 1] == "_") else i

    def string(self, i: int) -> tuple[int, str]:
        """End of the literal whose quote starts at i, and its quote."""
        start = self.prefix_start(i)
        prefix = self.s[start:i].lower()
        q = next(q for q in _QUOTES if self.s.startswith(q, i))
        j, fmt, raw, modern = i + len(q), "f" in prefix or "t" in prefix, "r" in prefix, False
        while j < self.n:
            c = self.s[j]
            if c == "\\" and not raw:
                j += 2
            elif self.s.startswith(q, j):
                if modern:
                    self.modern.append((start, j + len(q)))
                return j + len(q), q
            elif c == "\n" and len(q) == 1:
                return j, q
            elif fmt and c == "{" and self.s.startswith("{{", j):
                j += 2
            elif fmt and c == "{":
                j, found = self.field(j + 1, q)
                modern = modern or found
            else:
                j += 1
        return j, q

    def field(self, j: int, q: str) -> tuple[int, bool]:
        """End of a replacement field (after its `}`), and whether it needs Python 3.12+."""
        depth, modern = 0, False
        while j < self.n:
            c = self.s[j]
            if c in "\"'":
                end, _ = self.string(j)
                modern = modern or c == q[0] or "\\" in self.s[j:end]  # before 3.12: no backslash at all
                j = end
                continue
            if c in "\\#" or (c == "\n" and len(q) == 1):
                modern = True
            elif c in "([{":
                depth += 1
            elif c in ")]":
                depth -= 1
            elif c == "}" and depth == 0:
                return j + 1, modern
            elif c == "}":
                depth -= 1
            elif c == ":" and depth == 0:
                return self.spec(j + 1, q, modern)
            j += 1
        return j, modern

    def spec(self, j: int, q: str, modern: bool) -> tuple[int, bool]:
        while j < self.n and not self.s.startswith(q, j):
            if self.s[j] == "{":
                j, found = self.field(j + 1, q)
                modern = modern or found
            elif self.s[j] == "}":
                return j + 1, modern
            else:
                j += 1
        return j, modern

    def scan(self) -> list[tuple[int, int]]:
        i = 0
        while i < self.n:
            c = self.s[i]
            if c == "#":
                end = self.s.find("\n", i)
                i = self.n if end < 0 else end
            elif c in "\"'":
                i, _ = self.string(i)
            else:
                i += 1
        return self.modern


def _blank_modern_fstrings(source: str) -> str:
    """Each 3.12-only f-string replaced by an empty string spanning the same lines."""
    for start, end in reversed(_FStrings(source).scan()):
        breaks = source.count("\n", start, end)
        blank = '"""' + "\n" * breaks + '"""' if breaks else '""'
        source = source[:start] + blank + source[end:]
    return source


def downlevel(source: str) -> str | None:
    """`source` with newer-than-running syntax rewritten for `ast`, or None when nothing applies
    (or the text does not even tokenize)."""
    text = _blank_modern_fstrings(source)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None
    edits = _edits(tokens)
    if not edits and text == source:
        return None
    return _apply(text.splitlines(keepends=True), edits)
