"""OBS003 no-request-correlation."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.python_index import Place, first_import, is_app_code
from archaudit.resolve.typescript_backend import (
    production_ts,
    ts_app_anchor,
    ts_backend,
    ts_first_import,
    ts_unread_premise,
)
from archaudit.resolve.typescript_index import ts_facts
from archaudit.rules.base import PYTHON, TYPESCRIPT, Rule
from archaudit.rules.observability._logging import auto_instrumented, node_preloaded, sentry_tracing
from archaudit.rules.observability._signals import app_anchor, names_matching, web_backend

CORRELATION_MODULES = ("asgi_correlation_id", "opentelemetry", "starlette_context", "django_guid", "flask_request_id",
                       "request_id", "log_request_id", "correlation_id", "ddtrace", "elasticapm", "django_structlog",
                       "fastapi_request_id", "request_id_middleware", "logfire")
_NAMES = ("request_id", "requestid", "correlation_id", "correlationid", "trace_id", "traceid")
_HEADERS = frozenset({"x-request-id", "x-correlation-id", "x-trace-id", "traceparent", "x-amzn-trace-id",
                      "x-cloud-trace"})


_MESSAGE = Message("Requests carry no request id or trace id: no middleware reads or sets "
                   "X-Request-ID/X-Correlation-ID and no tracing library is used.")


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


NODE_CORRELATION = ("express-request-id", "cls-rtracer", "nestjs-cls", "express-correlation-id", "correlation-id",
                    "@opentelemetry/", "dd-trace", "elastic-apm-node", "newrelic", "pino-http", "nestjs-pino",
                    "express-pino-logger", "koa-requestid", "@fastify/request-context", "request-id",
                    "express-http-context", "nestjs-request-context", "@nestjs-cls/")
_TS_NAMES = ("requestid", "correlationid", "traceid")


def ts_correlation(repo: Repo) -> Place | None:
    """Where a Node.js backend handles request correlation: a request-id/tracing package (cls-rtracer,
    nestjs-cls, express-request-id, pino-http which gives every request an id, OpenTelemetry, an APM), an
    X-Request-ID/X-Correlation-ID/traceparent header written in production code, or a class, function or
    variable named for it (RequestIdMiddleware, correlationId(), `const requestId = ...`); memoised."""
    return repo.derived(_ts_correlation)


def _ts_correlation(repo: Repo) -> Place | None:
    place = ts_first_import(repo, NODE_CORRELATION)
    if place:
        return place
    facts = repo.derived(ts_facts)
    for path in production_ts(repo):
        f = facts[path]
        for h in f["headers"]:
            if h["name"].lower() in _HEADERS:
                return (path, h["line"])
        if f["id_names"]:
            return (path, f["id_names"][0]["line"])
        named = [(c["name"], c["line"]) for c in f["classes"]] + [(fn["name"], fn["line"]) for fn in f["functions"]]
        for name, line in named:
            if any(n in name.lower().replace("_", "") for n in _TS_NAMES):
                return (path, line)
    return None


def check(repo: Repo) -> Iterator[Hit]:
    """In a web backend, looks for request correlation: asgi-correlation-id, django-guid,
    OpenTelemetry or an APM, Sentry with tracing on (`traces_sample_rate`),
    identifiers such as request_id/correlation_id/trace_id, or code handling
    an X-Request-ID/X-Correlation-ID/traceparent header. In a Node.js backend, the same through
    `ts_correlation`. Reports the absence where the app is created, once per language."""
    if web_backend(repo) is not None and not (correlation(repo) or names_matching(repo, *_NAMES)
                                              or auto_instrumented(repo) or sentry_tracing(repo)):
        place = app_anchor(repo)
        if place:
            yield Hit(place[0], place[1], _MESSAGE, key="no-id")
    if ts_backend(repo) is not None and not ts_correlation(repo) and not auto_instrumented(repo) \
            and not node_preloaded(repo):
        place = ts_app_anchor(repo)
        unread = ts_unread_premise(repo)
        if place:
            yield Hit(place[0], place[1], _MESSAGE, key="no-id-node", premises=(unread,) if unread else ())


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
    languages=PYTHON | TYPESCRIPT,
    example_bad="app = FastAPI()\napp.add_middleware(CORSMiddleware, ...)",
    example_good="app = FastAPI()\napp.add_middleware(CorrelationIdMiddleware)  # asgi-correlation-id",
)
