"""MOD006 scattered-health-endpoints."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from archaudit.detect.api.endpoint import Endpoint
from archaudit.detect.api.section import find_endpoints
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule

# probe kind of each last path segment (a dict lookup per endpoint, no regex)
_BY_NAME = {name: kind for kind, names in (
    ("health", ("health", "healthz", "healthcheck", "health-check", "health_check")),
    ("readiness", ("ready", "readyz", "readiness")),
    ("liveness", ("live", "livez", "liveness", "alive")),
    ("status", ("status",))) for name in names}


_SERVICE_PREFIXES = frozenset({"", "api", "internal", "system", "service", "meta", "monitoring", "ops", "private",
                               "public", "_"})


def kind_of(path: str) -> str:
    """"health"/"readiness"/"liveness"/"status" from the last literal path segment, "" otherwise.
    `status` is a common resource word (`/node/phoenixd/status`, `/payments/{id}/status`): it names a
    service probe only right under generic prefixes (`/status`, `/api/v1/status`, `/internal/status`)."""
    head, _, last = path.rstrip("/").rpartition("/")
    kind = _BY_NAME.get(last.lower().removesuffix("\n"), "")  # as `^health$` did, accept one final newline
    if kind == "status" and not all(p.lower() in _SERVICE_PREFIXES or _is_version(p) for p in head.split("/")):
        return ""
    return kind


def _is_version(segment: str) -> bool:
    return len(segment) > 1 and segment[0] in "vV" and segment[1:].isdigit()


def check(repo: Repo) -> Iterator[Hit]:
    """Groups endpoints by probe kind (health, readiness, liveness, status) from their last path
    segment and reports a kind served by two or more different handler functions, once, at the first
    registration, with the others as evidence. Distinct kinds (/live next to /ready) are fine."""
    by_kind: dict[str, dict[tuple[str, str], Endpoint]] = defaultdict(dict)
    for e in find_endpoints(repo):
        kind = kind_of(e.path)
        if kind:
            by_kind[kind].setdefault((e.handler_file or e.file, e.handler), e)
    for kind, found in sorted(by_kind.items()):
        if len(found) < 2:
            continue
        eps = sorted(found.values(), key=lambda e: (e.file, e.line))
        first = eps[0]
        listed = ", ".join(f"{e.method} {e.path} ({e.ref})" for e in eps)
        yield Hit(first.file, first.line,
                  Message("{n} {kind} endpoints with separate handlers can report different things: {listed}.",
                          n=len(eps), kind=kind, listed=listed),
                  also=tuple(Evidence(e.file, e.line) for e in eps[1:]), key=kind)


RULE = Rule(
    id="MOD006",
    name="scattered-health-endpoints",
    axis=Axis.MODULARITY,
    severity=Severity.LOW,
    title="Several health endpoints with separate logic",
    impact="Probes and monitors may watch one endpoint while the other reflects the real state; the two "
           "implementations drift apart over time.",
    action="Keep one health implementation (a HealthService or a single handler) and expose it under one "
           "path, or make the second path call the same function.",
    check=check,
    example_bad='# main.py\n@app.get("/health")\n...\n'
                '# api/routes.py\n@router.get("/health")  # /api/v1/health\n...',
    example_good='# api/health.py\n@router.get("/health")\ndef health(svc: HealthService = Depends()):\n'
                 '    return svc.status()',
)
