"""Route handlers as functions: the shared view the handler-level modularity rules (MOD001-MOD007)
work on. Built from `find_endpoints`, computed once per audit."""

from __future__ import annotations

import re
from dataclasses import dataclass

from archaudit.detect.api.endpoint import Endpoint
from archaudit.detect.api.section import endpoints_by_handler
from archaudit.findings import Message
from archaudit.languages.python.facts import FunctionFact
from archaudit.repo import Repo
from archaudit.resolve.python_index import function_index

_LAYER_SEGMENTS = frozenset({"services", "service", "use_cases", "usecases", "application", "repositories",
                             "repository", "crud", "interactors", "daos", "dao"})
_LAYER_STEM = re.compile(r"(_service|_services|_repository|_repo|_crud|_usecase|_use_case)$")


@dataclass(frozen=True)
class Handler:
    """A function that serves at least one endpoint (a class-based view contributes its methods)."""

    file: str
    fn: FunctionFact
    endpoints: tuple[Endpoint, ...]

    @property
    def label(self) -> str:
        """`read_items` (GET /api/v1/items/) for messages."""
        e = self.endpoints[0]
        name, route = self.fn["qualname"], f"{e.method} {e.path}"
        if len(self.endpoints) > 1:
            return Message("`{name}` ({route} and {n} more)", name=name, route=route, n=len(self.endpoints) - 1)
        return Message("`{name}` ({route})", name=name, route=route)


def route_handlers(repo: Repo) -> list[Handler]:
    """Every handler function once, sorted by file and line."""
    grouped = endpoints_by_handler(repo)
    index = repo.derived(function_index)
    out: list[Handler] = []
    for (file, qualname), eps in grouped.items():
        fn = index.get((file, qualname))
        if fn is not None:
            out.append(Handler(file, fn, tuple(eps)))
            continue
        for f in repo.python[file]["functions"]:  # a class view/viewset: its methods handle requests
            if f["cls"] == qualname and "." not in f["qualname"][len(qualname) + 1:]:
                out.append(Handler(file, f, tuple(eps)))
    return sorted(out, key=lambda h: (h.file, h.fn["line"], h.fn["qualname"]))


def handlers(repo: Repo) -> list[Handler]:
    """Memoised `route_handlers`."""
    return repo.derived(route_handlers)


_TX_METHODS = frozenset({"commit", "rollback"})
_TX_OWNERS = ("session", "db", "conn", "connection", "transaction", "tx")


def is_transaction_call(name: str) -> bool:
    """`db.session.commit`, `conn.rollback`, `user_session.commit`: a commit/rollback on a
    session, db or connection object as written."""
    owner, _, method = name.rpartition(".")
    last = owner.rsplit(".", 1)[-1].lower()
    return method in _TX_METHODS and any(last == w or last.endswith("_" + w) or last.startswith(w + "_")
                                         for w in _TX_OWNERS)


def layer_modules(repo: Repo) -> list[str]:
    """Modules of a service/repository layer: under a folder named for the layer (services/,
    repositories/, crud/, daos/...), or whose own file name says it (`user_service.py`), never a
    package merely named `*_service`. Folders first, then by path."""
    candidates = [p for p in sorted(repo.python, key=lambda p: (p.endswith("__init__.py"), p))
                  if (f := repo.by_path.get(p)) is not None and f.role not in ("test", "migration")]
    by_folder = [p for p in candidates
                 if any(part in _LAYER_SEGMENTS for part in repo.module_of.get(p, "").split("."))]
    by_name = [p for p in candidates if p not in by_folder and not p.endswith("__init__.py")
               and _LAYER_STEM.search(repo.module_of.get(p, "").rsplit(".", 1)[-1])]
    return by_folder + by_name


def transaction_owner(repo: Repo) -> tuple[str, int] | None:
    """Where the project's service/repository layer manages transactions itself: the first
    commit/rollback call in a layer module, or None. A folder named services/ holding OAuth client
    factories is not a layer that owns the unit of work: the name alone establishes nothing."""
    handler_files = {h.file for h in handlers(repo)}
    for path in layer_modules(repo):
        if path in handler_files:
            continue
        calls = sorted(c["line"] for c in repo.python[path]["calls"] if is_transaction_call(c["name"]))
        if calls:
            return path, calls[0]
    return None
