"""Sync SQLAlchemy sessions, shared by PERF001 and PERF131: parameters annotated with a sync
`Session`, and module-level `sessionmaker(...)` factories that build sync sessions."""

from __future__ import annotations

from archaudit.languages.python.facts import FunctionFact, expr_text
from archaudit.repo import Repo
from archaudit.resolve.python_index import qualified

SYNC_SESSIONS = frozenset({"sqlalchemy.orm.Session", "sqlalchemy.orm.session.Session", "sqlmodel.Session"})
SESSION_METHODS = frozenset({"query", "execute", "commit", "add", "flush", "refresh", "get", "scalars", "scalar",
                              "delete", "merge", "rollback", "add_all"})


def sync_factories(repo: Repo) -> set[str]:
    """Absolute names of module-level `X = sessionmaker(...)` factories that build sync sessions."""
    out = set()
    for path, facts in repo.python_items():
        module = repo.module_of.get(path, path)
        async_lines: set[int] | None = None  # computed only for the few files that build a sessionmaker
        for a in facts["assigns"]:
            if a["func"]:
                continue
            head = expr_text(a["value"]).split("(", 1)[0]
            if head.rsplit(".", 1)[-1] != "sessionmaker":
                continue
            if async_lines is None:
                async_lines = {c["line"] for c in facts["calls"]
                               if "AsyncSession" in expr_text(c["kwargs"].get("class_"))}
            if a["line"] not in async_lines:
                out.add(f"{module}.{a['target']}")
    return out


def sync_session_params(fn: FunctionFact, local: dict[str, str]) -> set[str]:
    """The function's parameters annotated with a sync SQLAlchemy/SQLModel `Session`."""
    return {p for p, a in fn["annotations"].items() if p != "return" and qualified(local, a) in SYNC_SESSIONS}
