"""Turn one TypeScript/JavaScript source into `TsFacts` with a single iterative tree-sitter walk.

Registers itself in `archaudit.analyze.EXTRACTORS` for "typescript" and "javascript" on import. The
extractor takes the path too (`wants_path`): `.tsx` needs the TSX grammar, `.ts/.mts/.cts` the
TypeScript one, JavaScript (JSX included) its own. The walk itself is in `walker` (imports, exports,
calls, settings) and `declarations` (classes, methods, functions, variables).

Unparseable input: tree-sitter recovers from errors, so a file is only rejected (SyntaxError, which
`analyze()` records as `skip: not valid typescript: ...`) when the root itself is an ERROR node or
when top-level ERROR nodes cover more than half of the file's bytes. Smaller errors keep the
facts that were recovered and are counted in `errors`.
"""

from __future__ import annotations

import re
from typing import Any

from tree_sitter import Node

from archaudit import analyze as _analyze
from archaudit.languages.typescript.facts import TsFacts
from archaudit.languages.typescript.kinds import GRAMMARS
from archaudit.languages.typescript.nodes import grammar_for
from archaudit.languages.typescript.walker import HANDLERS, Walker

_MAX_ERROR_SHARE = 0.5
for _grammar in GRAMMARS.values():
    _grammar.bind(HANDLERS)


def _check_parsable(root: Node, size: int) -> None:
    """Reject (SyntaxError) a tree that is mostly error recovery; see the module docstring."""
    if root.type == "ERROR":
        raise SyntaxError("no recognisable statement", ("", root.start_point[0] + 1, 0, ""))
    if not root.has_error or size == 0:
        return
    bad = [c for c in root.children if c.type == "ERROR"]
    covered = sum(c.end_byte - c.start_byte for c in bad)
    if covered > _MAX_ERROR_SHARE * size:
        first = bad[0].start_point[0] + 1
        raise SyntaxError(f"{round(100 * covered / size)}% of the file is unparseable", ("", first, 0, ""))


def extract(source: str, path: str = "x.ts") -> TsFacts:
    """Parse `source` with the grammar `path` calls for and extract its facts (SyntaxError on junk)."""
    data = source.encode("utf-8", "surrogatepass")
    grammar = GRAMMARS[grammar_for(path)]
    try:
        tree = grammar.parser.parse(data)
    except Exception as exc:  # the binding may raise on pathological input: a skip, not a crash
        raise SyntaxError(f"parser failure ({type(exc).__name__})", ("", 1, 0, "")) from exc
    root = tree.root_node
    _check_parsable(root, len(data.strip()))
    walker = Walker(data)
    walker.run(root, grammar)
    facts = walker.facts
    facts["lines"] = source.count("\n") + (0 if source.endswith("\n") or not source else 1)
    facts["exports"] = sorted(walker.exports - {""})
    facts["calls"].sort(key=lambda c: (c["line"], c["callee"]))
    facts["classes"].sort(key=lambda c: c["line"])
    facts["functions"].sort(key=lambda f: f["line"])
    facts["imports"].sort(key=lambda i: (i["line"], i["module"]))
    facts["settings"].sort(key=lambda s: (s["line"], s["key"]))
    facts["env"].sort(key=lambda e: (e["line"], e["name"]))
    facts["sinks"].sort(key=lambda s: (s["line"], s["callee"]))
    facts["env_fallbacks"].sort(key=lambda f: (f["line"], f["name"]))
    facts["passwords"] = _passwords(source) if "assword" in source else []
    return facts


_PASSWORD = re.compile(r"\b\w*[pP]assword\w*\b")
_BOUND = re.compile(r"[pP]assword\w*\s*\??\.\s*length\b|\b(?:isStrongPassword|isLength|minLength|minlength|"
                    r"passwordStrength|zxcvbn)\b|\blen\s*:\s*\[")


def _passwords(source: str) -> list[list[Any]]:
    """Lines naming a password and lines bounding one (a regular expression over the text: comments count too,
    which can only make a rule reading it quieter)."""
    out: list[list[Any]] = []
    for n, text in enumerate(source.splitlines(), start=1):
        if "assword" not in text and "inLength" not in text and "inlength" not in text and "len" not in text:
            continue
        if _BOUND.search(text):
            out.append([n, "bound"])
        elif _PASSWORD.search(text):
            out.append([n, "read"])
    return out[:500]


extract.wants_path = True  # type: ignore[attr-defined]
_analyze.EXTRACTORS["typescript"] = extract
_analyze.EXTRACTORS["javascript"] = extract
