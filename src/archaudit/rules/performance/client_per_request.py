"""PERF050 client-built-per-request."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Protocol

from archaudit.detect.api.section import find_endpoints
from archaudit.detect.architecture.components import PER_CALL, PER_INSTANCE, find_clients
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.languages.python.facts import CallFact
from archaudit.repo import Repo
from archaudit.resolve.python_index import function_index, import_aliases, name_readers, qualified
from archaudit.rules.base import Rule

FunctionKey = tuple[str, str]
_DEPTH = 3  # handler -> service -> helper -> factory


def _resolve(repo: Repo, caller: FunctionKey, call: CallFact) -> list[FunctionKey]:
    """Repository functions a call may run: same-module names, imported functions, `self.method`,
    and `Class.__init__` when it instantiates a repository class."""
    path, _ = caller
    funcs = repo.derived(function_index)
    name = call["name"]
    candidates = []
    cls = funcs[caller]["cls"] if caller in funcs else ""
    if name.startswith("self.") and cls and name.count(".") == 1:
        candidates.append((path, f"{cls}.{name[5:]}"))
    full = qualified(repo.derived(import_aliases).get(path, {}), name)
    if full == name:
        candidates.append((path, name))
    else:
        module, _, attr = full.rpartition(".")
        target = repo.modules.get(module)
        if target:
            candidates.append((target, attr))
    out = [c for c in candidates if c in funcs]
    out += [(p, q + ".__init__") for p, q in candidates if (p, q + ".__init__") in funcs]
    return out


def _short(qualname: str) -> str:
    """The name a call site uses for a function: `f`, or the class for `C.__init__`, or the method."""
    parts = qualname.split(".")
    return parts[-2] if parts[-1] == "__init__" and len(parts) > 1 else parts[-1]


class Site(Protocol):
    """A place in a function: what the reach walk starts from (a client built, a request sent)."""

    @property
    def path(self) -> str: ...

    @property
    def func(self) -> str: ...


def callers_closure(repo: Repo, sites: Sequence[Site], depth: int = _DEPTH) -> dict[FunctionKey, set[int]]:
    """Function -> indexes of the construction sites it runs (itself, enclosing functions, and callers
    up to `depth` calls away). Walks the call graph backwards from the few construction sites, one
    pass per level over the calls of the modules reading a frontier name, so cost does not grow with
    the number of handlers."""
    reach: dict[FunctionKey, set[int]] = defaultdict(set)
    frontier: dict[FunctionKey, set[int]] = defaultdict(set)
    for i, site in enumerate(sites):
        chain = site.func.split(".")
        for j in range(len(chain), 0, -1):  # a nested function runs inside its enclosing ones
            frontier[(site.path, ".".join(chain[:j]))].add(i)
    readers = repo.derived(name_readers)
    for level in range(depth + 1):
        for key, found in frontier.items():
            reach[key] |= found
        if level == depth:
            break
        names = {_short(q) for _, q in frontier}
        nxt: dict[FunctionKey, set[int]] = defaultdict(set)
        # a call `x.name(...)` reads `name`: only modules reading one of the names can hold a caller
        files = sorted({p for n in names for p in readers.get(n, ())})
        for path in files:
            for call in repo.python[path]["calls"]:
                if call["name"].rsplit(".", 1)[-1] not in names:
                    continue
                caller = (path, call["func"])
                for callee in _resolve(repo, caller, call):
                    if callee in frontier and not frontier[callee] <= reach.get(caller, set()):
                        nxt[caller] |= frontier[callee]
        frontier = nxt
        if not frontier:
            break
    return reach


def check(repo: Repo) -> Iterator[Hit]:
    """Looks for external clients (boto3, google-cloud, redis, httpx/requests sessions, OpenAI,
    Algolia, Elasticsearch, Mongo, SQLAlchemy engines...) constructed inside a function, without
    caching (lru_cache, lazy global, lazy attribute), where that function is a route handler or is
    called from one (up to three calls deep, through resolvable calls); a client built in `__init__`
    counts when the class is instantiated on that path."""
    sites = [c for c in repo.derived(find_clients) if c.how in (PER_CALL, PER_INSTANCE)]
    if not sites:
        return
    reach = callers_closure(repo, sites)
    origin: dict[int, tuple[Evidence, bool]] = {}
    for e in sorted(find_endpoints(repo), key=lambda e: (e.handler_file, e.handler_line, e.handler)):
        for i in sorted(reach.get((e.handler_file, e.handler), ())):
            site = sites[i]
            direct = e.handler_file == site.path and e.handler == site.func
            origin.setdefault(i, (Evidence(e.handler_file, e.handler_line), direct))
    for i, (where_from, direct) in sorted(origin.items()):
        site = sites[i]
        where = (Message("the route handler") if direct
                 else Message("on the request path of the handler at {place}", place=where_from.ref))
        yield Hit(site.path, site.line, Message("{call}() runs on every call of {func} ({where}): a new {client} "
                                                "instance per request.",
                                                call=site.call, func=site.func, where=where,
                                                client=site.client), also=() if direct else (where_from,),
                  key=f"{site.func}:{site.call}")


RULE = Rule(
    id="PERF050",
    name="client-built-per-request",
    axis=Axis.PERFORMANCE,
    severity=Severity.MEDIUM,
    title="An external client is built for every request",
    impact="Each request pays connection setup (TCP/TLS handshakes, credential loading, pool creation) and "
           "loses keep-alive and pooling; under load this adds latency and can exhaust sockets or quotas.",
    action="Create the client once (module level, app startup/lifespan, or an lru_cache'd factory) and "
           "reuse it; inject it into handlers and services.",
    check=check,
    example_bad="@router.get('/rates')\nasync def rates():\n    async with httpx.AsyncClient() as client:\n"
                "        return (await client.get(URL)).json()",
    example_good="http = httpx.AsyncClient()  # created once, closed in the lifespan\n\n"
                 "@router.get('/rates')\nasync def rates():\n    return (await http.get(URL)).json()",
)
