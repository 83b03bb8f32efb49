"""SQLAlchemy engines: `create_engine` / `create_async_engine` calls and their pool settings.

The callee is resolved through the file's imports (`sqlalchemy.create_engine`,
`sqlalchemy.ext.asyncio.create_async_engine`, `sqlmodel.create_engine`), so a project's own
`create_engine` helper is not mistaken for SQLAlchemy's. URLs are never shown in full: a literal
shows its scheme only, an expression its (redacted) source text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archaudit.languages.python.facts import CallFact, Value, expr_text, is_expr
from archaudit.redact import redact_text
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_named

_ENGINE_FUNCS = {
    "sqlalchemy.create_engine": False, "sqlalchemy.engine.create_engine": False, "sqlmodel.create_engine": False,
    "sqlalchemy.ext.asyncio.create_async_engine": True, "sqlalchemy.ext.asyncio.engine.create_async_engine": True,
}
POOL_SETTINGS = ("pool_size", "max_overflow", "pool_pre_ping", "pool_recycle", "pool_timeout", "echo", "poolclass")
_SCHEME = re.compile(r"(?<![a-zA-Z0-9+])([a-zA-Z][a-zA-Z0-9+]*+)://")  # from the start of a run only


@dataclass(frozen=True)
class Engine:
    """One engine creation call."""

    path: str
    line: int
    is_async: bool
    url: str  # what can be shown of the URL: "postgresql+asyncpg://…", "settings.DATABASE_URL", ""
    backend: str  # "sqlite", "postgresql", "mysql"... from a literal scheme; "" when not determined
    mentions_sqlite: bool  # the URL expression or connect_args point at SQLite (even as a default)
    settings: tuple[tuple[str, str], ...]  # (pool setting, value as text), sorted
    star_kwargs: bool  # **kwargs passed: settings may come from elsewhere

    @property
    def pooled(self) -> bool:
        """True when the pool is explicitly sized or checked (pool_size, max_overflow, pool_pre_ping)."""
        return any(k in ("pool_size", "max_overflow", "pool_pre_ping") for k, _ in self.settings)


def _text(value: Value) -> str:
    return expr_text(value) if is_expr(value) else repr(value)


def _url(value: Value) -> tuple[str, str, bool]:
    """(display, backend, mentions sqlite) for the URL argument."""
    if isinstance(value, str):
        m = _SCHEME.match(value)
        scheme = m.group(1) if m else value.split(":", 1)[0]
        return (f"{scheme}://…" if m else scheme), scheme.split("+", 1)[0].lower(), "sqlite" in value.lower()
    text = expr_text(value)
    sqlite = "sqlite" in text.lower()
    if text[:2] in ("f'", "%'", "+'"):
        m = _SCHEME.search(text)
        return (f"{m.group(1)}://… (template)" if m else "(template)"), "", sqlite
    return redact_text(text), "", sqlite


def _has_star_kwargs(repo: Repo, path: str, line: int) -> bool:
    """Whether the call starting at `line` passes **kwargs (read from the source: facts drop them)."""
    depth, started = 0, False
    for text in repo.lines(path)[line - 1: line + 30]:
        for i, ch in enumerate(text):
            if ch == "(":
                depth, started = depth + 1, True
            elif ch == ")":
                depth -= 1
                if started and depth == 0:
                    return False
            elif ch == "*" and started and text[i + 1: i + 2] == "*":
                return True
    return False


def _engine(repo: Repo, path: str, call: CallFact, is_async: bool) -> Engine:
    url = call["args"][0] if call["args"] else call["kwargs"].get("url")
    display, backend, sqlite = _url(url) if url is not None else ("", "", False)
    connect = call["kwargs"].get("connect_args")
    if isinstance(connect, dict) and "check_same_thread" in connect:
        sqlite = True
    settings = tuple(sorted((k, _text(v)) for k, v in call["kwargs"].items() if k in POOL_SETTINGS))
    return Engine(path=path, line=call["line"], is_async=is_async, url=display, backend=backend,
                  mentions_sqlite=sqlite or backend == "sqlite", settings=settings,
                  star_kwargs=_has_star_kwargs(repo, path, call["line"]))


def find_engines(repo: Repo) -> list[Engine]:
    """Every SQLAlchemy engine creation, sorted by (path, line). Memoise with `repo.derived`."""
    out = []
    for path, call, name in calls_named(repo, *sorted(_ENGINE_FUNCS)):
        if call["name"].endswith("_engine"):
            out.append(_engine(repo, path, call, _ENGINE_FUNCS[name]))
    return sorted(out, key=lambda e: (e.path, e.line))
