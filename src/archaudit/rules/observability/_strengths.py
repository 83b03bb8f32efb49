"""Observability strengths: error tracking, metrics, structured logs, request correlation."""

from __future__ import annotations

from archaudit.detect.api.section import find_endpoints
from archaudit.findings import Evidence
from archaudit.model import Fact
from archaudit.repo import Repo
from archaudit.resolve.python_index import first_import
from archaudit.rules.observability._logging import METRICS, sentry_init, structured_logging
from archaudit.rules.observability.no_request_id import correlation


def observability_strengths(repo: Repo) -> list[Fact]:
    """Sentry initialised, metrics exposed (exporter import or /metrics route), structured logging
    set up, request-id / trace-id correlation handled; each with the line that shows it."""
    out = []
    place = sentry_init(repo)
    if place:
        out.append(Fact("Errors are reported to Sentry (sentry_sdk.init)", (Evidence(*place),)))
    place = first_import(repo, METRICS)
    if place is None:
        route = next((e for e in find_endpoints(repo) if e.path.rstrip("/").endswith("/metrics")), None)
        place = (route.file, route.line) if route else None
    if place:
        out.append(Fact("Metrics are exported for monitoring (Prometheus/StatsD/OpenTelemetry)", (Evidence(*place),)))
    place = structured_logging(repo)
    if place:
        out.append(Fact("Logs are structured (JSON/structlog)", (Evidence(*place),)))
    place = correlation(repo)
    if place:
        out.append(Fact("Requests are correlated by a request id or trace id", (Evidence(*place),)))
    return out
