"""PERF001 blocking-call-in-async-handler."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.languages.python.facts import CallFact
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_by_function, function_index, import_aliases, qualified
from archaudit.rules.base import Rule
from archaudit.rules.performance._handlers import request_handlers
from archaudit.rules.performance._sessions import SESSION_METHODS, sync_factories, sync_session_params

_HTTP = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})
_EXACT = frozenset({"time.sleep", "urllib.request.urlopen", "subprocess.run", "subprocess.call",
                    "subprocess.check_output", "subprocess.check_call", "os.system"})
def _blocking(call: CallFact, local: dict[str, str], module: str, sessions: set[str], factories: set[str],
              reads_file: bool) -> str:
    """Why the call blocks the event loop, or ""."""
    name = call["name"]
    q = qualified(local, name)
    parts = q.split(".")
    if q in _EXACT or (len(parts) == 2 and parts[0] in ("requests", "httpx") and parts[1] in _HTTP):
        return f"{q}()"
    owner, _, method = name.rpartition(".")
    if owner in sessions and method in SESSION_METHODS:
        return Message("{call}() on a sync Session", call=name)
    if (q if q != name else f"{module}.{name}") in factories:
        return Message("{call}() (sync sessionmaker)", call=name)
    if name == "open" and "open" not in local and reads_file:
        return Message("open() file read")
    return ""


def check(repo: Repo) -> Iterator[Hit]:
    """For each `async def` request handler, looks at the calls it makes directly (not in nested
    functions, so work handed to run_in_threadpool/to_thread is fine) and reports blocking ones:
    requests/httpx module functions, time.sleep, urllib urlopen, subprocess, os.system, file
    open()+read, and SQLAlchemy calls on a sync Session (parameter annotated Session, or a session
    built by a module-level sync `sessionmaker`)."""
    aliases = repo.derived(import_aliases)
    by_function = repo.derived(calls_by_function)
    functions = repo.derived(function_index)
    factories = repo.derived(sync_factories)
    for h in request_handlers(repo):
        fn = functions.get((h.path, h.qualname))
        if fn is None or not fn["is_async"]:
            continue
        local = aliases.get(h.path, {})
        sessions = sync_session_params(fn, local)
        calls = by_function.get((h.path, h.qualname), [])
        reads = any(c["name"].endswith((".read", ".readlines", ".read_text")) for c in calls)
        module = repo.module_of.get(h.path, h.path)
        found = [(c, why) for c in calls if (why := _blocking(c, local, module, sessions, factories, reads))]
        if not found:
            continue
        (first, why), *rest = found
        whys = sorted({w for _, w in found})
        yield Hit(h.path, first["line"], Message("async handler {handler} ({route}) blocks the event loop: {causes}.",
                                                 handler=h.qualname, route=h.route, causes=Message.joined(", ", whys)),
                  also=tuple(Evidence(h.path, c["line"]) for c, _ in rest[:5]),
                  key=h.qualname)


RULE = Rule(
    id="PERF001",
    name="blocking-call-in-async-handler",
    axis=Axis.PERFORMANCE,
    severity=Severity.HIGH,
    title="Blocking call inside an async request handler",
    impact="An `async def` handler runs on the event loop: a blocking call (sync DB session, requests, "
           "time.sleep, subprocess, file reads) freezes every other request served by that worker until it "
           "returns, so latency collapses under load.",
    action="Use the async equivalent (AsyncSession, httpx.AsyncClient, asyncio.sleep, "
           "asyncio.create_subprocess_exec, aiofiles), or declare the handler with plain `def` so the "
           "framework runs it in a thread pool, or wrap the call in run_in_threadpool/asyncio.to_thread.",
    check=check,
    example_bad='@router.get("/users")\nasync def list_users(db: Session = Depends(get_db)):\n'
                '    return db.query(User).all()',
    example_good='@router.get("/users")\nasync def list_users(db: AsyncSession = Depends(get_db)):\n'
                 '    return (await db.execute(select(User))).scalars().all()',
)
