"""What the audit could not read, and what that hides: the coverage statement's source files.

A source file that does not parse contributes no routes, guards, settings or models, so every claim
about those is weaker. Saying which file and what it appears to define (from a plain line scan, never
a guess presented as fact) lets a reader judge how much that matters.
"""

from __future__ import annotations

import re

from archaudit.analyze import skip_reason
from archaudit.findings import Evidence, Message, Undetermined
from archaudit.repo import Repo
from archaudit.resolve.context import Context, context_of

_SOURCE_LANGUAGES = ("python", "typescript", "javascript")
_MAX_FILES = 10  # served files named one by one; the rest are counted
_MAX_LINE = 400  # the scan looks at the start of each line only: linear on any input
# what a line suggests the file defines -> (pattern, where it may start): anchored at the line's start,
# or (guards) searched in its first 140 characters; bounded either way, so linear on long lines
_DEFINES: dict[str, tuple[re.Pattern[str], int]] = {
    "routes": (re.compile(r"\s{0,40}@\w{1,40}\.(get|post|put|patch|delete|route|api_route)\(|"
                          r"\s{0,40}@(Get|Post|Put|Patch|Delete|Controller)\(|.{0,80}\b(APIRouter|Blueprint|Router)\(|"
                          r"\s{0,40}(path|re_path|url)\("), 0),
    "guards": (re.compile(r"\b(Depends|Security|login_required|permission_classes|UseGuards|authenticate|"
                          r"jwt_required)\b"), 140),
    "settings": (re.compile(r"\s{0,8}class \w{1,60}\((\w{1,40}\.)?BaseSettings\)|\s{0,8}[A-Z][A-Z0-9_]{2,60}\s?=\s?"
                            r"(os\.environ|os\.getenv|env\(|config\()"), 0),
    "models": (re.compile(r"\s{0,8}class \w{1,60}\(.{0,80}\b(Base|Model|db\.Model|models\.Model|SQLModel|Document)\b"
                          r"|\s{0,8}@Entity\("), 0),
}

NOT_PARSED = Message("source file not parsed")  # the topic the verdict reads (compared as English)


def _suggests(pattern: re.Pattern[str], window: int, head: str) -> bool:
    return bool(pattern.search(head, 0, window) if window else pattern.match(head))


def _defines(repo: Repo, path: str) -> list[str]:
    found: set[str] = set()
    for line in repo.lines(path):
        head = line[:_MAX_LINE]
        found.update(kind for kind, (pattern, window) in _DEFINES.items()
                     if kind not in found and _suggests(pattern, window, head))
        if len(found) == len(_DEFINES):
            break
    return [kind for kind in _DEFINES if kind in found]


def unread_sources(repo: Repo) -> list[Undetermined]:
    """One line per source file of the served code that could not be parsed, saying what it appears
    to define; files of other contexts (templates, tests, docs) are counted in one line."""
    unread = [p for p, r in sorted(repo.results.items())
              if "skip" in r and p in repo.by_path and repo.by_path[p].language in _SOURCE_LANGUAGES]
    out, elsewhere, bundles, listed = [], 0, 0, 0
    for path in unread:
        if repo.results[path]["skip"].startswith("minified"):
            bundles += 1  # bundler output: generated, not source anyone wrote
            continue
        if context_of(repo, path) not in (Context.PRODUCTION, Context.DEV):
            elsewhere += 1
            continue
        listed += 1
        if listed > _MAX_FILES:
            continue
        kinds = _defines(repo, path)
        hides = (Message("it appears to define {kinds}, which the inventory and the findings do not include",
                         kinds=", ".join(kinds))
                 if kinds else Message("what it defines is missing from the inventory and the findings"))
        out.append(Undetermined(NOT_PARSED, Message("{path} ({reason}): {hides}", path=path,
                                                    reason=skip_reason(repo.results[path]), hides=hides),
                                evidence=(Evidence(path, 0),)))
    if listed > _MAX_FILES:
        out.append(Undetermined(NOT_PARSED, Message("{n} more served source file(s) could not be parsed; listed "
                                                    "under skipped files", n=listed - _MAX_FILES)))
    if bundles:
        out.append(Undetermined(NOT_PARSED, Message("{n} minified or generated bundle(s) were not read (bundler "
                                                    "output, not source)", n=bundles)))
    if elsewhere:
        out.append(Undetermined(NOT_PARSED, Message("{n} file(s) outside the served code (tests, templates, docs, "
                                                    "scripts) could not be parsed; listed under skipped files",
                                                    n=elsewhere)))
    return out
