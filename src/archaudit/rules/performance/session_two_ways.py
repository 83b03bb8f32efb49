"""PERF132 session-opened-two-ways."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.findings import Axis, Evidence, Hit, Message, Premise, Severity
from archaudit.languages.python.facts import CallFact, expr_text
from archaudit.repo import Repo
from archaudit.resolve.context import Context, file_contexts
from archaudit.resolve.python_index import calls_within, import_aliases, qualified
from archaudit.rules.base import Rule

_DEP = re.compile(r"\bDepends\(\s*([\w.]+)")
_FACTORY_CALLS = ("sessionmaker", "async_sessionmaker")
_SESSION_CLASSES = frozenset({"sqlalchemy.orm.Session", "sqlalchemy.orm.session.Session", "sqlmodel.Session",
                              "sqlalchemy.ext.asyncio.AsyncSession", "sqlmodel.ext.asyncio.session.AsyncSession"})


def _factories(repo: Repo) -> set[str]:
    """Absolute names of module-level `X = sessionmaker(...)` / `async_sessionmaker(...)`."""
    out = set()
    for path, facts in repo.python_items():
        module = repo.module_of.get(path, path)
        for a in facts["assigns"]:
            if not a["func"] and not a["cls"] and \
                    expr_text(a["value"]).split("(", 1)[0].rsplit(".", 1)[-1] in _FACTORY_CALLS:
                out.add(f"{module}.{a['target']}")
    return out


def _opens_session(repo: Repo, path: str, qualname: str, factories: set[str]) -> CallFact | None:
    local = repo.derived(import_aliases).get(path, {})
    module = repo.module_of.get(path, path)
    for call in calls_within(repo, path, qualname):
        q = qualified(local, call["name"])
        if q in _SESSION_CLASSES or (q if q != call["name"] else f"{module}.{call['name']}") in factories:
            return call
    return None


def _middlewares(repo: Repo) -> Iterator[tuple[str, str]]:
    """(path, qualname) of `@app.middleware("http")` functions and BaseHTTPMiddleware.dispatch methods."""
    for path, facts in repo.python_items():
        for fn in facts["functions"]:
            if any(d["name"].rsplit(".", 1)[-1] == "middleware" and d["args"] == ["http"] for d in fn["decorators"]):
                yield path, fn["qualname"]
        for cls in facts["classes"]:
            if any(b.rsplit(".", 1)[-1] == "BaseHTTPMiddleware" for b in cls["bases"]) and "dispatch" in cls["methods"]:
                yield path, f"{cls['name']}.dispatch"


def _dependencies(repo: Repo) -> Iterator[tuple[str, int, str, str]]:
    """(path where used, line of use, dependency path, qualname) of every `Depends(f)` resolved to a function."""
    for path, facts in repo.python_items():
        local = repo.derived(import_aliases).get(path, {})
        texts = [(expr_text(v), fn["line"]) for fn in facts["functions"] for v in fn["defaults"].values()]
        texts += [(a, fn["line"]) for fn in facts["functions"] for a in fn["annotations"].values()]
        texts += [(t["text"], t["line"]) for t in facts.get("type_aliases", [])]
        for text, line in texts:
            for name in _DEP.findall(text):
                q = qualified(local, name)
                module, _, func = (q if q != name else f"{repo.module_of.get(path, path)}.{name}").rpartition(".")
                target = repo.modules.get(module)
                if target:
                    yield path, line, target, func


def check(repo: Repo) -> Iterator[Hit]:
    """A FastAPI/Starlette HTTP middleware (`@app.middleware("http")`, a BaseHTTPMiddleware's
    dispatch) that opens a database session (a module-level sessionmaker/async_sessionmaker, or
    Session/AsyncSession directly) while a dependency used with `Depends(...)` opens another one the
    same way: requests served by routes taking that dependency hold two sessions. Production code only."""
    contexts = repo.derived(file_contexts)
    factories = _factories(repo)
    opened = []
    for path, qualname in _middlewares(repo):
        call = _opens_session(repo, path, qualname, factories)
        if call is not None and contexts.get(path) is Context.PRODUCTION:
            opened.append((path, qualname, call))
    if not opened:
        return
    seen: set[tuple[str, str]] = set()
    deps = []
    for used_in, line, dep_path, func in _dependencies(repo):
        if (dep_path, func) in seen or contexts.get(used_in) is not Context.PRODUCTION:
            continue
        seen.add((dep_path, func))
        call = _opens_session(repo, dep_path, func, factories)
        if call is not None:
            deps.append((dep_path, func, call, Evidence(used_in, line)))
    if not deps:
        return
    for path, qualname, call in opened:
        dep_path, func, dep_call, use = deps[0]
        yield Hit(path, call["line"], Message("middleware {qualname} opens a session ({name}()) for every request "
                                              "while the dependency {func} opens another ({place}): a request that "
                                              "takes the dependency works with two sessions.", qualname=qualname,
                                              name=call["name"], func=func, place=f"{dep_path}:{dep_call['line']}"),
                  also=(Evidence(dep_path, dep_call["line"]),),
                  premises=(Premise(Message("{func} is a dependency of a route", func=func), evidence=(use,)),),
                  key=qualname)


RULE = Rule(
    id="PERF132",
    name="session-opened-two-ways",
    axis=Axis.PERFORMANCE,
    severity=Severity.MEDIUM,
    title="Database sessions are opened both by a middleware and by a dependency",
    impact="A request that goes through the middleware and takes the dependency holds two sessions, two pooled "
           "connections and two transactions: objects loaded in one are not seen by the other, a commit in one does "
           "not cover the other's changes, and the pool runs dry at half the expected traffic.",
    action="Open the request's session in one place: keep the dependency (or the middleware) and have the other "
           "read the session it created (e.g. request.state.db) instead of opening a new one.",
    check=check,
    example_bad='@app.middleware("http")\nasync def db_mw(request, call_next):\n    request.state.db = SessionLocal()\n'
                '    ...\n\ndef get_db():\n    db = SessionLocal()\n    yield db',
    example_good='def get_db(request: Request):\n    return request.state.db',
)
