"""PERF101 outbound-request-without-timeout."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.api.section import find_endpoints
from archaudit.detect.outbound import find_outbound_calls
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.performance.client_per_request import callers_closure


def check(repo: Repo) -> Iterator[Hit]:
    """Looks for requests / urllib / urllib3 calls written without `timeout=` (those libraries wait
    forever by default) in a route handler or in a function a handler calls directly (one hop,
    through resolvable calls). httpx calls are left alone (5 s default), and so are calls through a
    session or a client object, which carry their own configuration; a call passing `**options`
    may set a timeout and is not judged."""
    sites = [c for c in repo.derived(find_outbound_calls) if not c.timeout and not c.default_timeout and c.func]
    if not sites:
        return
    reach = callers_closure(repo, sites, depth=1)
    origin: dict[int, tuple[Evidence, str, bool]] = {}
    # a handler's real route first: Flask-CORS style OPTIONS/HEAD routes name it poorly
    order = sorted(find_endpoints(repo), key=lambda e: (e.handler_file, e.handler_line, e.handler,
                                                        e.method in ("OPTIONS", "HEAD"), e.method, e.path))
    for e in order:
        for i in sorted(reach.get((e.handler_file, e.handler), ())):
            direct = e.handler_file == sites[i].path and e.handler == sites[i].func
            origin.setdefault(i, (Evidence(e.handler_file, e.handler_line), f"{e.method} {e.path}", direct))
    for i, (where_from, route, direct) in sorted(origin.items()):
        site = sites[i]
        where = (Message("the handler of {route}", route=route) if direct else
                 Message("called by the handler of {route} at {place}", route=route, place=where_from.ref))
        call = Message("{call}() to {host}", call=site.call, host=site.host) if site.host \
            else Message("{call}()", call=site.call)
        yield Hit(site.path, site.line, Message("{call} has no timeout= in {func} ({where}): {library} waits forever "
                                                "by default, so a slow or silent upstream holds the worker.",
                                                call=call, func=site.func, where=where, library=site.library),
                  also=() if direct else (where_from,), key=f"{site.func}:{site.call}")


RULE = Rule(
    id="PERF101",
    name="outbound-request-without-timeout",
    axis=Axis.PERFORMANCE,
    severity=Severity.MEDIUM,
    title="An outbound HTTP request on a request path has no timeout",
    impact="requests, urllib and urllib3 have no default timeout: an upstream that accepts the connection and "
           "never answers blocks the request, and the worker serving it, until the client or proxy gives up; "
           "a few such requests exhaust the workers and the whole service stops answering.",
    action="Pass timeout= on every call (e.g. timeout=(3.05, 10)), or send through one shared session or "
           "client created with a timeout (an HTTPAdapter/Session subclass, httpx.Client(timeout=...)).",
    check=check,
    example_bad="@app.get('/weather')\ndef weather(city: str):\n"
                "    return requests.get('https://api.weather.example/v1', params={'q': city}).json()",
    example_good="@app.get('/weather')\ndef weather(city: str):\n"
                 "    return requests.get('https://api.weather.example/v1', params={'q': city}, timeout=5).json()",
)
