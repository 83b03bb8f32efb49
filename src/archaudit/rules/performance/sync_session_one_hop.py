"""PERF131 sync-db-call-one-hop-from-async-handler."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.languages.python.facts import CallFact, FunctionFact
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_by_function, function_index, import_aliases, qualified
from archaudit.rules.base import Rule
from archaudit.rules.performance._handlers import request_handlers
from archaudit.rules.performance._sessions import SESSION_METHODS, sync_factories, sync_session_params

_SYNC_DRIVERS = frozenset({"psycopg2.connect", "sqlite3.connect", "pymysql.connect", "MySQLdb.connect",
                           "mysql.connector.connect", "cx_Oracle.connect", "oracledb.connect", "pyodbc.connect"})


def _sync_db_call(repo: Repo, path: str, fn: FunctionFact, calls: list[CallFact]) -> CallFact | None:
    """The first call of `fn` that talks to the database synchronously: a method of a parameter
    annotated with a sync Session, a sync sessionmaker factory, or a sync driver's connect()."""
    local = repo.derived(import_aliases).get(path, {})
    sessions = sync_session_params(fn, local)
    factories = repo.derived(sync_factories)
    module = repo.module_of.get(path, path)
    for call in calls:
        name = call["name"]
        owner, _, method = name.rpartition(".")
        q = qualified(local, name)
        if (owner in sessions and method in SESSION_METHODS) or q in _SYNC_DRIVERS \
                or (q if q != name else f"{module}.{name}") in factories:
            return call
    return None


def _callee(repo: Repo, path: str, name: str) -> tuple[str, str] | None:
    """(path, qualname) of the repository's module-level function a call names, or None."""
    q = qualified(repo.derived(import_aliases).get(path, {}), name)
    if q == name and "." not in name:
        return path, name
    module, _, func = q.rpartition(".")
    target = repo.modules.get(module)
    return (target, func) if target else None


def check(repo: Repo) -> Iterator[Hit]:
    """For each `async def` request handler: a sync database call it makes itself through a driver
    (psycopg2/sqlite3/pymysql... `connect()`, which PERF001 does not cover), or a call it makes to a
    plain `def` function of the repository (module-level, resolved through the imports) whose own
    body uses a sync Session parameter, a sync sessionmaker or a sync driver. Work handed to
    run_in_threadpool/asyncio.to_thread is not a call of the helper, so it is not reported."""
    by_function = repo.derived(calls_by_function)
    functions = repo.derived(function_index)
    for h in request_handlers(repo):
        fn = functions.get((h.path, h.qualname))
        if fn is None or not fn["is_async"]:
            continue
        local = repo.derived(import_aliases).get(h.path, {})
        for call in by_function.get((h.path, h.qualname), []):
            if qualified(local, call["name"]) in _SYNC_DRIVERS:
                yield Hit(h.path, call["line"], Message("async handler {qualname} ({route}) opens a sync database "
                                                        "connection with {name}(): it blocks the event loop.",
                                                        qualname=h.qualname, route=h.route, name=call["name"]),
                          key=f"{h.qualname}:driver")
                continue
            target = _callee(repo, h.path, call["name"])
            helper = functions.get(target) if target else None
            if target is None or helper is None or helper["is_async"] or helper["cls"]:
                continue
            inner = _sync_db_call(repo, target[0], helper, by_function.get(target, []))
            if inner is not None:
                yield Hit(h.path, call["line"], Message("async handler {qualname} ({route}) calls {name}(), a plain "
                                                        "function that queries the database synchronously ({inner}() "
                                                        "at {place}): it blocks the event loop.", qualname=h.qualname,
                                                        route=h.route, name=call["name"], inner=inner["name"],
                                                        place=f"{target[0]}:{inner['line']}"),
                          also=(Evidence(target[0], inner["line"]),), key=f"{h.qualname}:{call['name']}")


RULE = Rule(
    id="PERF131",
    name="sync-db-call-one-hop-from-async-handler",
    axis=Axis.PERFORMANCE,
    severity=Severity.HIGH,
    title="An async handler reaches the database synchronously through a helper or a sync driver",
    impact="The helper's sync Session or driver call runs on the event loop of the `async def` handler that calls "
           "it: every other request served by that worker waits until the query returns.",
    action="Make the helper async on an AsyncSession/async driver and await it, declare the handler with plain "
           "`def` (run in the thread pool), or call the helper through run_in_threadpool/asyncio.to_thread.",
    check=check,
    example_bad='def get_users(db: Session):\n    return db.query(User).all()\n\n@router.get("/users")\n'
                'async def list_users(db: Session = Depends(get_db)):\n    return get_users(db)',
    example_good='@router.get("/users")\nasync def list_users(db: Session = Depends(get_db)):\n'
                 '    return await run_in_threadpool(get_users, db)',
)
