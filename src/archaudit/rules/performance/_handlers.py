"""Request handlers as (file, qualname) pairs, shared by the performance rules."""

from __future__ import annotations

from dataclasses import dataclass

from archaudit.detect.api import find_endpoints
from archaudit.repo import Repo


@dataclass(frozen=True)
class Handler:
    path: str
    qualname: str
    line: int
    is_async: bool
    route: str  # "GET /users" of the first route served, for messages


def request_handlers(repo: Repo) -> list[Handler]:
    """One record per handler function (a handler serving several routes appears once), sorted."""
    seen: dict[tuple[str, str], Handler] = {}
    for e in find_endpoints(repo):  # already sorted by sort_key
        key = (e.handler_file, e.handler)
        if key not in seen and e.handler_file in repo.python and repo.by_path[e.handler_file].role != "test":
            seen[key] = Handler(e.handler_file, e.handler, e.handler_line, e.is_async, f"{e.method} {e.path}")
    return sorted(seen.values(), key=lambda h: (h.path, h.line))
