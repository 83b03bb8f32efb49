"""Observability strengths: error tracking, metrics, structured logs, request correlation."""

from __future__ import annotations

from archaudit.detect.api.section import find_endpoints
from archaudit.findings import Evidence, Message
from archaudit.model import Fact
from archaudit.repo import Repo
from archaudit.resolve.python_index import first_import
from archaudit.rules.observability._logging import METRICS, sentry_init, structured_logging
from archaudit.rules.observability.no_request_id import correlation


def error_tracking(repo: Repo) -> list[Fact]:
    """Sentry initialised, with the line that does it."""
    place = sentry_init(repo)
    return [Fact(Message("Errors are reported to Sentry (sentry_sdk.init)"), (Evidence(*place),))] if place else []


def metrics_exported(repo: Repo) -> list[Fact]:
    """A metrics exporter imported, or a /metrics route served."""
    place = first_import(repo, METRICS)
    if place is None:
        route = next((e for e in find_endpoints(repo) if e.path.rstrip("/").endswith("/metrics")), None)
        place = (route.file, route.line) if route else None
    if not place:
        return []
    return [Fact(Message("Metrics are exported for monitoring (Prometheus/StatsD/OpenTelemetry)"), (Evidence(*place),))]


def structured_logs(repo: Repo) -> list[Fact]:
    """JSON or structlog logging set up."""
    place = structured_logging(repo)
    return [Fact(Message("Logs are structured (JSON/structlog)"), (Evidence(*place),))] if place else []


def request_correlation(repo: Repo) -> list[Fact]:
    """Request-id / trace-id correlation handled."""
    place = correlation(repo)
    return [Fact(Message("Requests are correlated by a request id or trace id"), (Evidence(*place),))] if place else []
