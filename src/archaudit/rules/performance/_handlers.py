"""Request handlers as (file, qualname) pairs, shared by the performance rules."""

from __future__ import annotations

from dataclasses import dataclass

from archaudit.detect.api.section import endpoints_by_handler
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
    out = []
    for (file, handler), eps in endpoints_by_handler(repo).items():
        if file in repo.python and repo.by_path[file].role != "test":
            e = eps[0]  # the first route served, endpoints being sorted
            out.append(Handler(file, handler, e.handler_line, e.is_async, f"{e.method} {e.path}"))
    return sorted(out, key=lambda h: (h.path, h.line))
