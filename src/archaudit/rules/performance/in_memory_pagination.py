"""PERF004 in-memory-pagination."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule

_PAGING = frozenset({"skip", "offset", "limit", "page", "per_page", "page_size", "pagesize", "take"})
_RANGE = frozenset({"start", "end", "stop", "size"})  # counted only beside a paging name


def check(repo: Repo) -> Iterator[Hit]:
    """Reports slices with variable bounds using a paging parameter (skip, offset, limit, page,
    per_page, page_size; start/end only beside one of them) applied to a list the same function
    loaded whole with `.all()`, `.fetchall()` or `list(...)` (test code excluded)."""
    for path, facts in repo.python_items():
        if repo.by_path[path].role == "test":
            continue
        for s in facts.get("slices", []):  # type: ignore[misc]
            bounds = [b for b in s["bounds"] if b.lower() in _PAGING | _RANGE]
            if any(b.lower() in _PAGING for b in bounds):
                what = s["target"] or "the result"
                yield Hit(path, s["line"], Message("{func} loads every row ({source}) then keeps one page of {what} "
                                                   "in memory with [{names}].",
                                                   func=s['func'], source=s['source'], what=what,
                                                   names=', '.join(bounds)), key=f"{s['func']}:{what}")


RULE = Rule(
    id="PERF004",
    name="in-memory-pagination",
    axis=Axis.PERFORMANCE,
    severity=Severity.MEDIUM,
    title="Pagination done in memory after loading every row",
    impact="Each page request reads and deserialises the whole table: response time and memory grow with "
           "the data, not with the page size, and large tables eventually time out.",
    action="Push paging into the query (`.offset(skip).limit(limit)` / `LIMIT ... OFFSET` or keyset "
           "pagination) and count with a separate `SELECT count(*)` if the total is needed.",
    check=check,
    example_bad="users = db.query(User).all()\nreturn users[skip: skip + limit]",
    example_good="return db.query(User).order_by(User.id).offset(skip).limit(limit).all()",
)
