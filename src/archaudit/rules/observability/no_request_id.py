"""OBS003 no-request-correlation."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.python_index import Place, first_import, is_app_code
from archaudit.rules.base import Rule
from archaudit.rules.observability._logging import auto_instrumented, sentry_tracing
from archaudit.rules.observability._signals import app_anchor, names_matching, web_backend

CORRELATION_MODULES = ("asgi_correlation_id", "opentelemetry", "starlette_context", "django_guid", "flask_request_id",
                       "request_id", "log_request_id", "correlation_id", "ddtrace", "elasticapm", "django_structlog",
                       "fastapi_request_id", "request_id_middleware", "logfire")
_NAMES = ("request_id", "requestid", "correlation_id", "correlationid", "trace_id", "traceid")
_HEADERS = frozenset({"x-request-id", "x-correlation-id", "x-trace-id", "traceparent", "x-amzn-trace-id",
                      "x-cloud-trace"})


def correlation(repo: Repo) -> Place | None:
    """Where request correlation is handled: a correlation/tracing library import, or a call
    reading/setting an X-Request-ID / X-Correlation-ID / traceparent header (memoised)."""
    return repo.derived(_correlation)


def _correlation(repo: Repo) -> Place | None:
    place = first_import(repo, CORRELATION_MODULES)
    if place:
        return place
    headers, text = _HEADERS, str
    for path, facts in repo.python_items():  # no index knows string arguments: one tight scan
        if not is_app_code(repo, path):
            continue
        for call in facts["calls"]:
            for a in call["args"]:
                if a.__class__ is text and a.lower() in headers:
                    return (path, call["line"])
            kwargs = call["kwargs"]
            if kwargs:
                for a in kwargs.values():
                    if a.__class__ is text and a.lower() in headers:
                        return (path, call["line"])
    return None


def check(repo: Repo) -> Iterator[Hit]:
    """In a web backend, looks for request correlation: asgi-correlation-id, django-guid,
    OpenTelemetry or an APM, Sentry with tracing on (`traces_sample_rate`),
    identifiers such as request_id/correlation_id/trace_id, or code handling
    an X-Request-ID/X-Correlation-ID/traceparent header. Reports the absence where the app is created."""
    if web_backend(repo) is None or correlation(repo) or names_matching(repo, *_NAMES) or auto_instrumented(repo) \
            or sentry_tracing(repo):
        return
    place = app_anchor(repo)
    if place:
        yield Hit(place[0], place[1], Message("Requests carry no request id or trace id: no middleware reads or "
                                              "sets X-Request-ID/X-Correlation-ID and no tracing library is used."),
                  key="no-id")


RULE = Rule(
    id="OBS003",
    name="no-request-correlation",
    axis=Axis.OBSERVABILITY,
    severity=Severity.LOW,
    title="No request-id or trace-id correlation",
    impact="The log lines of one request cannot be grouped, nor followed across services, workers and the "
           "front end; a user's error report cannot be matched to server logs.",
    action="Add a request-id middleware (asgi-correlation-id, django-guid, or a small middleware honouring "
           "X-Request-ID), put the id in every log record and in the response headers; or adopt OpenTelemetry.",
    check=check,
    absence_in=frozenset({"python"}),
    example_bad="app = FastAPI()\napp.add_middleware(CORSMiddleware, ...)",
    example_good="app = FastAPI()\napp.add_middleware(CorrelationIdMiddleware)  # asgi-correlation-id",
)
