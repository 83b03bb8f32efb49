"""OBS005 metrics-setting-without-exporter."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.api.section import find_endpoints
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.python_index import first_import
from archaudit.rules.base import Rule
from archaudit.rules.observability._flags import METRICS_FLAG, flag_hit, flags
from archaudit.rules.observability._logging import METRICS, auto_instrumented


def check(repo: Repo) -> Iterator[Hit]:
    """Looks for metrics settings (metrics_enabled, METRICS_PORT, ENABLE_METRICS, PROMETHEUS_*) in
    application code, and reports them when nothing exposes metrics: no prometheus_client,
    instrumentator/exporter, statsd or OpenTelemetry metrics import, no /metrics endpoint."""
    found = flags(repo, METRICS_FLAG)
    if not found or first_import(repo, METRICS) or auto_instrumented(repo):
        return
    if any(e.path.rstrip("/").endswith("/metrics") for e in find_endpoints(repo)):
        return
    yield flag_hit(found, Message("metrics, but nothing exports them (no Prometheus/StatsD/OpenTelemetry metrics, "
                                  "no /metrics route)."))


RULE = Rule(
    id="OBS005",
    name="metrics-setting-without-exporter",
    axis=Axis.OBSERVABILITY,
    severity=Severity.MEDIUM,
    title="Metrics settings with no metrics exported",
    impact="Operators believe metrics exist (the setting is there) while nothing is collected: no latency, "
           "error-rate or saturation data when an incident happens.",
    action="Expose metrics (prometheus-fastapi-instrumentator, prometheus_client, django-prometheus, or "
           "OpenTelemetry metrics) behind the existing setting, or remove the dead setting.",
    check=check,
    absence_in=frozenset({"python"}),
    supersedes=("CFG007",),
    example_bad="class Settings(BaseSettings):\n    metrics_enabled: bool = True\n    metrics_port: int = 9090",
    example_good="if settings.metrics_enabled:\n    Instrumentator().instrument(app).expose(app)",
)
