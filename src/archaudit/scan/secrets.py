"""Committed-secret scanner: finds token-shaped strings in any text file, records only kind + line.

Runs in the worker processes through `archaudit.analyze.TEXT_SCANNERS`, so each file is scanned
once and the records are cached with the file's facts. A record never holds the matched value,
not even part of it: `{"kind": "GitHub token", "line": 12}`. The token formats are those of
`archaudit.redact.TOKEN_PATTERNS`, so whatever is found here is also masked in every snippet.

Precision: obvious placeholders (`AKIAXXXXXXXXXXXXXXXX`, `sk-your-key-here...`, AWS's documented
`...EXAMPLE` key, the jwt.io sample token) and private-key headers without key material after
them (documentation of the format) are not reported.
"""

from __future__ import annotations

import re
from typing import Any

from archaudit.analyze import TEXT_SCANNERS
from archaudit.redact import TOKEN_PATTERNS

MAX_RECORDS_PER_FILE = 50
# Cheap literal pre-filters (substring search is far faster than a regex scan): a pattern only runs
# on a file containing one of its anchors. A kind missing here always runs (new patterns stay safe).
# Each anchor costs one pass over the text (~2 microseconds per line for all of them together).
_ANCHORS: dict[str, re.Pattern[str]] = {kind: re.compile(anchor) for kind, anchor in (
    ("private key", "PRIVATE KEY-----"),
    ("AWS access key id", "A[KS]IA"),
    ("GitHub token", "gh[pousr]_"),
    ("Slack token", "xox"),
    ("Stripe secret key", "k_live_"),
    ("OpenAI-style API key", "sk-"),
    ("Google API key", "AIza"),
    ("JSON Web Token", "eyJ"),
    ("GitLab token", "glpat-"),
    ("SendGrid API key", r"SG\."),
    ("Slack webhook URL", r"hooks\.slack\.com"),
    ("PyPI upload token", "pypi-"),
)}
_SKIP_NAMES = frozenset({"package-lock.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock", "Pipfile.lock",
                         "uv.lock", "pdm.lock", "Cargo.lock", "composer.lock", "go.sum"})
_PLACEHOLDER_WORDS = ("xxxx", "example", "your", "placeholder", "changeme", "change_me", "replace", "redacted",
                      "<", "...", "****", "dummy_key", "insert")
_JWT_IO_SAMPLE = "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwi"  # payload of jwt.io's sample token
_KEY_BODY = re.compile(r"[A-Za-z0-9+/=]{40,}")


def _is_placeholder(kind: str, value: str, text: str, end: int) -> bool:
    """True for values that only show the format: placeholders, documented samples, bare key headers."""
    if kind == "private key":
        following = text[end:end + 400].lstrip("\r\n")
        while following.startswith(("Proc-Type", "DEK-Info")) or following[:1] in ("\r", "\n"):
            following = following.split("\n", 1)[1] if "\n" in following else ""
        return not _KEY_BODY.match(following)
    if kind == "JSON Web Token" and _JWT_IO_SAMPLE in value:
        return True
    lowered = value.lower()
    if any(w in lowered for w in _PLACEHOLDER_WORDS):
        return True
    body = re.sub(r"[^A-Za-z0-9]", "", value)[4:]
    return len(set(body.lower())) <= 3  # xxxxxxxx, 00000000, abababab


def scan(path: str, text: str) -> list[dict[str, Any]]:
    """Secret records of one file: `{"kind": ..., "line": ...}` sorted by line, at most 50."""
    if path.rsplit("/", 1)[-1] in _SKIP_NAMES:
        return []
    found: set[tuple[int, str]] = set()
    for kind, pattern in TOKEN_PATTERNS:
        anchor = _ANCHORS.get(kind)
        if anchor is not None and anchor.search(text) is None:
            continue
        for m in pattern.finditer(text):
            if _is_placeholder(kind, m.group(0), text, m.end()):
                continue
            found.add((text.count("\n", 0, m.start()) + 1, kind))
            if len(found) >= MAX_RECORDS_PER_FILE:
                break
    return [{"kind": kind, "line": line} for line, kind in sorted(found)[:MAX_RECORDS_PER_FILE]]


if not any(name == "secrets" for name, _ in TEXT_SCANNERS):
    TEXT_SCANNERS.append(("secrets", scan))
