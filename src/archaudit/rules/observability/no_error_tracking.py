"""OBS004 no-error-tracking."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.python_index import first_import
from archaudit.rules.base import Rule
from archaudit.rules.observability._logging import ERROR_TRACKERS, auto_instrumented
from archaudit.rules.observability._signals import app_anchor, web_backend


def check(repo: Repo) -> Iterator[Hit]:
    """In a web backend, looks for an error-tracking or APM client in application code (sentry_sdk,
    rollbar, bugsnag, honeybadger, airbrake, New Relic, Datadog ddtrace, Elastic APM, OpenTelemetry
    SDK/exporters, logfire) or a deploy file starting the app under an APM launcher. Reports the
    absence once, where the application is created."""
    if web_backend(repo) is None or first_import(repo, ERROR_TRACKERS) or auto_instrumented(repo):
        return
    place = app_anchor(repo)
    if place:
        yield Hit(place[0], place[1], Message("Unhandled errors are not reported to any error tracker (no Sentry, "
                                              "Rollbar, Bugsnag, APM or OpenTelemetry exporter is initialised)."),
                  key="no-tracker")


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
    example_bad="app = FastAPI()",
    example_good='sentry_sdk.init(dsn=settings.SENTRY_DSN, environment=settings.ENV)\napp = FastAPI()',
)
