"""CFG118 health-endpoint-exposes-debug."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.api.section import find_endpoints
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule

_HEALTH = re.compile(r"/(health|healthz|healthcheck|health-check|health_check|status|ping|ready|readiness|live|"
                     r"liveness)/?$", re.IGNORECASE)
_DEBUG = re.compile(r"^(debug|debug_mode|debugMode|is_debug)$", re.IGNORECASE)
_ALSO = re.compile(r"^(version|app_version|environment|env|python_version|python)$", re.IGNORECASE)


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at unauthenticated GET routes whose path ends in a health/status/ping/readiness segment and
    whose handler returns a dict literal with a `debug` key (debug, debug_mode): the probe tells anyone
    whether debug mode is on, with the version or environment when those keys are returned too. A route
    behind a visible guard is silent; only the literal keys of the handler's own return are read."""
    for e in find_endpoints(repo):
        if e.method not in ("GET", "ANY") or e.auth is True or not e.handler_file or not _HEALTH.search(e.path):
            continue
        facts = repo.python.get(e.handler_file)
        if facts is None:
            continue
        for ret in facts["returns"]:
            if ret["func"] != e.handler:
                continue
            debug = [k for k in ret["keys"] if _DEBUG.match(k)]
            if not debug:
                continue
            keys = ", ".join(sorted(set(debug) | {k for k in ret["keys"] if _ALSO.match(k)}))
            yield Hit(e.handler_file, ret["line"],
                      Message("{path} answers anyone with {keys}: whether debug mode is on (and what runs) is "
                              "one unauthenticated request away.", path=e.path, keys=keys),
                      key=f"{e.path} debug")


RULE = Rule(
    id="CFG118",
    name="health-endpoint-exposes-debug",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.LOW,
    title="The health endpoint tells anyone whether debug mode is on",
    impact="A public probe answering `debug: true` (and the version) tells an attacker that verbose error "
           "pages, interactive consoles or relaxed checks are on, and which release to look up vulnerabilities "
           "for; the load balancer needs none of it.",
    action="Return only {'status': 'ok'} from the public health route; put version and configuration details "
           "behind authentication or in the logs.",
    check=check,
    example_bad='@app.get("/health")\nasync def health():\n'
                '    return {"status": "ok", "version": settings.VERSION, "debug": settings.DEBUG}',
    example_good='@app.get("/health")\nasync def health():\n    return {"status": "ok"}',
)
