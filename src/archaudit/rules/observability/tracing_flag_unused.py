"""OBS006 tracing-setting-without-tracer."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.python_index import first_import
from archaudit.rules.base import Rule
from archaudit.rules.observability._flags import TRACING_FLAG, flag_hit, flags
from archaudit.rules.observability._logging import TRACING, auto_instrumented


def check(repo: Repo) -> Iterator[Hit]:
    """Looks for tracing settings (ENABLE_TRACING, tracing_enabled, OTEL_*, JAEGER_*) in application
    code, and reports them when no tracer is set up: no OpenTelemetry, ddtrace, Jaeger, Elastic APM,
    X-Ray or Sentry import, and no auto-instrumenting launcher in deploy files."""
    found = flags(repo, TRACING_FLAG)
    if not found or first_import(repo, TRACING) or auto_instrumented(repo):
        return
    yield flag_hit(found, Message("tracing, but no tracer is set up (no OpenTelemetry or APM instrumentation)."))


RULE = Rule(
    id="OBS006",
    name="tracing-setting-without-tracer",
    axis=Axis.OBSERVABILITY,
    severity=Severity.MEDIUM,
    title="Tracing settings with no tracing set up",
    impact="The flag promises distributed traces that do not exist: slow requests and cross-service failures "
           "cannot be followed, and the setting misleads operators.",
    action="Instrument with OpenTelemetry (opentelemetry-instrumentation-fastapi/flask/django plus an OTLP "
           "exporter) behind the flag, or delete the unused setting.",
    check=check,
    absence_in=frozenset({"python"}),
    supersedes=("CFG007",),
    example_bad="class Settings(BaseSettings):\n    ENABLE_TRACING: bool = False",
    example_good="if settings.ENABLE_TRACING:\n    FastAPIInstrumentor.instrument_app(app)",
)
