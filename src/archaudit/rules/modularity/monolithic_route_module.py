"""MOD004 monolithic-route-module."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator

from archaudit.detect.api.endpoint import Endpoint
from archaudit.detect.api.section import find_endpoints
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.modularity._handlers import handlers

MAX_ENDPOINTS = 25
MAX_HANDLER_LINES = 800
MAX_GROUPS = 5  # groups named in the message (largest first); the message counts the others
_NOT_ENDPOINTS = ("OPTIONS", "HEAD")  # CORS preflight and HEAD answer for a route, they are not more routes
_SKIP = re.compile(r"^(api|v\d+(\.\d+)?|\{.*\}|<.*>|\(.*\)|)$", re.IGNORECASE)


def groups(endpoints: list[Endpoint]) -> Counter[str]:
    """Endpoints per first meaningful path segment (after api/, version and shared prefixes)."""
    split = [[s for s in e.path.split("/") if not _SKIP.match(s)] for e in endpoints]
    common = 0
    while all(len(s) > common + 1 for s in split) and len({s[common] for s in split}) == 1:
        common += 1
    return Counter(s[common] if len(s) > common else "(root)" for s in split)


def check(repo: Repo) -> Iterator[Hit]:
    """Counts, per module holding route handlers, the distinct endpoints (method + path; OPTIONS and HEAD
    declared beside a method are not counted) and the lines
    of handler code; reports modules above 25 endpoints or 800 handler lines, naming the groups of
    endpoints by first path segment as a proposed split."""
    by_file: dict[str, list[Endpoint]] = defaultdict(list)
    for e in find_endpoints(repo):
        if e.handler_file and e.method not in _NOT_ENDPOINTS:
            by_file[e.handler_file].append(e)
    lines: Counter[str] = Counter()
    for h in handlers(repo):
        lines[h.file] += h.fn["end"] - h.fn["line"] + 1
    for file in sorted(by_file):
        eps = list({(e.method, e.path): e for e in by_file[file]}.values())
        if len(eps) <= MAX_ENDPOINTS and lines[file] <= MAX_HANDLER_LINES:
            continue
        ranked = sorted(groups(eps).items(), key=lambda kv: (-kv[1], kv[0]))
        parts = ", ".join(f"{g} ({n})" for g, n in ranked[:MAX_GROUPS])
        first = min(by_file[file], key=lambda e: e.handler_line)
        if len(ranked) > MAX_GROUPS:  # the largest groups name the split; every endpoint is in the API inventory
            message = Message("{file} declares {n} endpoints in {lines} lines of handlers, in {groups} groups by "
                              "first path segment; the largest: {parts} and {more} more. Split it into one "
                              "router/blueprint per group.", file=file, n=len(eps), lines=lines[file],
                              groups=len(ranked), parts=parts, more=len(ranked) - MAX_GROUPS)
        else:
            message = Message("{file} declares {n} endpoints in {lines} lines of handlers; by first path segment: "
                              "{parts}. Split it into one router/blueprint per group.",
                              file=file, n=len(eps), lines=lines[file], parts=parts)
        yield Hit(file, first.handler_line, message, key=file)


RULE = Rule(
    id="MOD004",
    name="monolithic-route-module",
    axis=Axis.MODULARITY,
    severity=Severity.MEDIUM,
    title="One module holds a large share of the API",
    impact="A single routes file with dozens of endpoints mixes unrelated domains: every change touches it, "
           "merge conflicts multiply and its handlers cannot be tested or owned by domain.",
    action="Split the module into one router/blueprint per resource (the groups in the message), each in "
           "its own file, mounted with include_router/register_blueprint.",
    check=check,
    example_bad="app/api/routes.py   # 40 endpoints: sessions, audio, feedback, analytics, cache, health",
    example_good="app/api/routes/\n  sessions.py  audio.py  feedback.py  analytics.py  system.py",
)
