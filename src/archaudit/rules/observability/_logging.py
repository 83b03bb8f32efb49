"""Where logging, tracing and error tracking are set up; shared by the OBS rules and the strengths."""

from __future__ import annotations

import re

from archaudit.repo import Repo
from archaudit.resolve.python_index import Place, calls_written, first_import, import_places, is_app_code
from archaudit.resolve.typescript_index import js_packages

STRUCTURED_LOGGING = ("structlog", "pythonjsonlogger", "json_log_formatter", "ecs_logging", "json_logging",
                      "logstash", "logstash_formatter", "jsonlogger")
_JSON_FORMATTER = re.compile(r"json.*formatter|formatter.*json|jsonlog|json_log", re.IGNORECASE)
_MANIFEST_JSON_LOGGING = ("python-json-logger", "structlog", "json-log-formatter", "ecs-logging")
ERROR_TRACKERS = ("sentry_sdk", "raven", "rollbar", "bugsnag", "honeybadger", "airbrake", "pybrake", "newrelic",
                  "ddtrace", "elasticapm", "opentelemetry.sdk", "opentelemetry.exporter", "logfire", "appsignal",
                  "scout_apm", "highlight_io", "datadog")
TRACING = ("opentelemetry", "ddtrace", "jaeger_client", "elasticapm", "logfire", "py_zipkin", "aws_xray_sdk",
           "beeline", "newrelic", "sentry_sdk")
METRICS = ("prometheus_client", "starlette_exporter", "prometheus_fastapi_instrumentator", "prometheus_flask_exporter",
           "django_prometheus", "aioprometheus", "opentelemetry.exporter.prometheus", "opentelemetry.sdk.metrics",
           "statsd", "datadog", "pystatsd", "starlette_prometheus", "prometheus_async", "opentelemetry.metrics")
# Launchers that instrument the process without an import in the code.
_AUTO_INSTRUMENT = ("opentelemetry-instrument", "ddtrace-run", "newrelic-admin")
# npm packages (a trailing "/" names a scope) of error trackers and APM agents for Node.js
NODE_ERROR_TRACKERS = ("@sentry/", "raven", "@bugsnag/", "bugsnag", "rollbar", "honeybadger", "@honeybadger-io/",
                       "airbrake", "@airbrake/", "newrelic", "@newrelic/", "dd-trace", "@datadog/", "elastic-apm-node",
                       "@opentelemetry/", "@appsignal/", "@highlight-run/", "applicationinsights",
                       "@google-cloud/error-reporting", "@hyperdx/")
# Node agents preloaded by the start command (`node -r dd-trace/init`, `--require newrelic`)
_NODE_PRELOADS = ("dd-trace/init", "newrelic", "@opentelemetry/auto-instrumentations-node", "elastic-apm-node/start",
                  "@sentry/node/preload")


def structured_logging(repo: Repo) -> Place | None:
    """Where JSON/structured logging is set up: structlog, python-json-logger and similar imports,
    loguru `add(..., serialize=True)`, a JSON formatter class or a dictConfig naming one (memoised)."""
    return repo.derived(_structured_logging)


def _structured_logging(repo: Repo) -> Place | None:
    place = first_import(repo, STRUCTURED_LOGGING)
    if place:
        return place
    best: Place | None = None
    for path, call, _ in calls_written(repo, "add"):
        if call["name"].endswith(".add") and call["kwargs"].get("serialize") is True and is_app_code(repo, path):
            best = min(best or (path, call["line"]), (path, call["line"]))
    for path, facts in repo.python_items():
        if not is_app_code(repo, path):
            continue
        for cls in facts["classes"]:
            if _JSON_FORMATTER.search(cls["name"]) and any(_is_log_formatter(b) for b in cls["bases"]):
                best = min(best or (path, cls["line"]), (path, cls["line"]))
        for a in facts["assigns"]:
            if not a["func"] and isinstance(a["value"], dict) and "formatters" in a["value"] \
                    and _JSON_FORMATTER.search(repr(a["value"]["formatters"])):
                best = min(best or (path, a["line"]), (path, a["line"]))
    return best


def _is_log_formatter(base: str) -> bool:
    """logging.Formatter or a JSON formatter class; not any *Formatter (error/report formatters)."""
    return base in ("Formatter", "logging.Formatter") or "json" in base.lower()


def declared_json_logging(repo: Repo) -> bool:
    """A JSON logging library in a dependency manifest (it may be wired by a logging config file)."""
    return repo.derived(_declared_json_logging)


def _declared_json_logging(repo: Repo) -> bool:
    for f in repo.files:
        if f.role == "manifest":
            text = (repo.text(f.path) or "").lower()
            if any(m in text for m in _MANIFEST_JSON_LOGGING):
                return True
    return False


def auto_instrumented(repo: Repo) -> bool:
    """A deploy file starts the app under an APM/OpenTelemetry launcher (no import needed; memoised)."""
    return repo.derived(_auto_instrumented)


def _auto_instrumented(repo: Repo) -> bool:
    for f in repo.files:
        if f.role == "deploy":
            text = repo.text(f.path) or ""
            if any(m in text for m in _AUTO_INSTRUMENT):
                return True
    return False


def node_preloaded(repo: Repo) -> bool:
    """A Node start command (package.json script or deploy file) preloads an APM agent with
    `-r`/`--require`/`--import` (no import in the code needed; memoised)."""
    return repo.derived(_node_preloaded)


def _node_preloaded(repo: Repo) -> bool:
    flags = tuple(f"{flag}{sep}{agent}" for flag in ("-r", "--require", "--import") for sep in (" ", "=")
                  for agent in _NODE_PRELOADS)
    scripts = [cmd for pkg in repo.derived(js_packages) for cmd in pkg.scripts.values()]
    deploys = [repo.text(f.path) or "" for f in repo.files if f.role == "deploy"]
    return any(flag in text for text in (*scripts, *deploys) for flag in flags)


def sentry_init(repo: Repo) -> Place | None:
    """Where `sentry_sdk.init(...)` is called in application code (in a module importing sentry_sdk)."""
    best: Place | None = None
    importing = {p for p, _ in repo.derived(import_places).get("sentry_sdk", [])}
    for path, call, _ in calls_written(repo, "init"):
        if path in importing and call["name"] in ("sentry_sdk.init", "init") \
                and call["kwargs"].get("dsn", "?") is not None:
            best = min(best or (path, call["line"]), (path, call["line"]))
    return best


_SENTRY_TRACING = ("traces_sample_rate", "traces_sampler", "enable_tracing")


def sentry_tracing(repo: Repo) -> Place | None:
    """Where `sentry_sdk.init(...)` turns on Sentry's performance tracing (`traces_sample_rate`,
    `traces_sampler`, `enable_tracing=True`): every request then gets a trace id that is propagated
    (`sentry-trace`/`baggage` headers) and attached to its errors and spans (memoised)."""
    return repo.derived(_sentry_tracing)


def _sentry_tracing(repo: Repo) -> Place | None:
    best: Place | None = None
    importing = {p for p, _ in repo.derived(import_places).get("sentry_sdk", [])}
    for path, call, _ in calls_written(repo, "init"):
        if path not in importing or call["name"] not in ("sentry_sdk.init", "init"):
            continue
        kwargs = call["kwargs"]
        on = [k for k in _SENTRY_TRACING if k in kwargs and kwargs[k] not in (None, False, 0, 0.0, "0")]
        if on and call["kwargs"].get("dsn", "?") is not None:
            best = min(best or (path, call["line"]), (path, call["line"]))
    return best

