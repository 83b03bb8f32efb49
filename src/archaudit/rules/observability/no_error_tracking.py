"""OBS004 no-error-tracking."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.python_index import first_import
from archaudit.resolve.typescript_backend import ts_app_anchor, ts_backend, ts_first_import, ts_unread_premise
from archaudit.rules.base import PYTHON, TYPESCRIPT, Rule
from archaudit.rules.observability._logging import (
    ERROR_TRACKERS,
    NODE_ERROR_TRACKERS,
    auto_instrumented,
    node_preloaded,
)
from archaudit.rules.observability._signals import app_anchor, web_backend

_MESSAGE = Message("Unhandled errors are not reported to any error tracker (no Sentry, Rollbar, Bugsnag, APM or "
                   "OpenTelemetry exporter is initialised).")


def check(repo: Repo) -> Iterator[Hit]:
    """In a Python web backend, looks for an error-tracking or APM client in application code (sentry_sdk,
    rollbar, bugsnag, honeybadger, airbrake, New Relic, Datadog ddtrace, Elastic APM, OpenTelemetry
    SDK/exporters, logfire) or a deploy file starting the app under an APM launcher. In a Node.js
    backend (NestJS, Express, Fastify, Koa), the same for npm packages (@sentry/*, bugsnag, rollbar,
    dd-trace, newrelic, elastic-apm-node, @opentelemetry/*...) imported by production code or preloaded
    by a start command (`node -r dd-trace/init`). Reports the absence once per language, where the
    application is created."""
    if web_backend(repo) is not None and not first_import(repo, ERROR_TRACKERS) and not auto_instrumented(repo):
        place = app_anchor(repo)
        if place:
            yield Hit(place[0], place[1], _MESSAGE, key="no-tracker")
    if ts_backend(repo) is not None and not ts_first_import(repo, NODE_ERROR_TRACKERS) \
            and not auto_instrumented(repo) and not node_preloaded(repo):
        place = ts_app_anchor(repo)
        unread = ts_unread_premise(repo)
        if place:
            yield Hit(place[0], place[1], _MESSAGE, key="no-tracker-node", premises=(unread,) if unread else ())


RULE = Rule(
    id="OBS004",
    name="no-error-tracking",
    axis=Axis.OBSERVABILITY,
    severity=Severity.MEDIUM,
    title="No error tracking",
    impact="Production exceptions are only visible in raw logs: nobody is alerted, occurrences are not "
           "grouped, and the context (request, user, release) is lost.",
    action="Initialise an error tracker at start-up (sentry_sdk.init with the framework integration, or an "
           "APM/OpenTelemetry exporter) with environment and release tags.",
    check=check,
    absence_in=frozenset({"python"}),
    languages=PYTHON | TYPESCRIPT,
    example_bad="app = FastAPI()",
    example_good='sentry_sdk.init(dsn=settings.SENTRY_DSN, environment=settings.ENV)\napp = FastAPI()',
)
