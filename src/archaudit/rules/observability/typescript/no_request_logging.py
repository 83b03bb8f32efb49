"""TS123 ts-no-request-logging.

Express, Koa, NestJS (on Express) and Fastify (unless `logger: true`) log nothing per request: with no
access-log middleware, the logs say neither which routes were called, nor with what status or how
slowly, and an incident cannot be reconstructed from them. (Python servers need no such rule: uvicorn,
gunicorn and Django's runserver write an access log by default.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Premise, Severity
from archaudit.repo import Repo
from archaudit.resolve.python_index import Place
from archaudit.resolve.typescript_backend import (
    production_ts,
    ts_app_anchor,
    ts_backend,
    ts_first_import,
    ts_unread_premise,
)
from archaudit.resolve.typescript_index import ts_facts
from archaudit.rules.base import Rule
from archaudit.rules.observability._logging import auto_instrumented, node_preloaded

REQUEST_LOGGERS = ("morgan", "pino-http", "nestjs-pino", "express-pino-logger", "express-winston", "koa-logger",
                   "koa-morgan", "koa-pino-logger", "@koa/logger", "hono/logger", "express-bunyan-logger",
                   "bunyan-middleware", "express-requests-logger", "@mgcrea/fastify-request-logger",
                   "nest-winston", "@ogma/nestjs-module", "@opentelemetry/", "dd-trace", "elastic-apm-node", "newrelic")
# a class or function named for request/access logging: LoggingInterceptor, RequestLoggerMiddleware, logRequest
_NAMED = re.compile(r"logginginterceptor|loggerinterceptor|loggingmiddleware|loggermiddleware|requestlog|"
                    r"accesslog|httplog|logrequest|logincoming|requestlogger|httplogger", re.IGNORECASE)
# a log call given the request's method or URL: a hand-written access log
_REQUEST_PARTS = re.compile(r"\b(req|request|ctx|ctx\.request)\.(method|url|originalUrl|path|routerPath)\b")
_LOG_CALL = re.compile(r"(^|\.)(log|info|debug|http|verbose|trace|warn)$")
_SERVER_OPTIONS = ("fastify", "Fastify", "new FastifyAdapter", "new Hapi.Server", "Hapi.server")


def _request_logging(repo: Repo) -> Place | None:
    """Where production code logs requests: an access-log package, a class or function named for it, a
    log call reading the request's method or URL, or a Fastify server created with `logger` set."""
    place = ts_first_import(repo, REQUEST_LOGGERS)
    if place:
        return place
    facts = repo.derived(ts_facts)
    for path in production_ts(repo):
        f = facts[path]
        for name, line in [(c["name"], c["line"]) for c in f["classes"]] + [(fn["name"], fn["line"])
                                                                            for fn in f["functions"]]:
            if _NAMED.search(name.replace("_", "").replace("-", "")):
                return (path, line)
        for call in f["calls"]:
            callee = call["callee"]
            if _LOG_CALL.search(callee) and any(not isinstance(a, str) and _REQUEST_PARTS.search(str(a))
                                                for a in call["args"]):
                return (path, call["line"])
            if callee in _SERVER_OPTIONS and call["args"] and isinstance(call["args"][0], dict):
                options = call["args"][0]
                if options.get("logger") not in (None, False):
                    return (path, call["line"])
    return None


def check(repo: Repo) -> Iterator[Hit]:
    """In a Node.js backend (production code importing NestJS, Express, Fastify, Koa, hapi or Hono), looks
    for request logging anywhere in production code: an access-log package (morgan, pino-http, nestjs-pino,
    express-winston, koa-logger...), an APM agent or OpenTelemetry, a class or function named for it
    (LoggingInterceptor, RequestLoggerMiddleware, logRequest), a log call given the request's method or
    URL (`logger.info(`${req.method} ${req.url}`)`), or a Fastify server created with `logger` set; an
    agent preloaded by the start command counts too. Reports once where the application is created when
    there is none; a production file that could not be parsed makes it not determined."""
    if ts_backend(repo) is None or repo.derived(_request_logging) or auto_instrumented(repo) or node_preloaded(repo):
        return
    place = ts_app_anchor(repo)
    if place is None:
        return
    unread = ts_unread_premise(repo)
    premises: tuple[Premise, ...] = (unread,) if unread else ()
    yield Hit(place[0], place[1], Message("No request is logged: no access-log middleware (morgan, pino-http, "
                                          "nestjs-pino), logging interceptor or log line with the request's method "
                                          "and URL in the production code."),
              key="no-request-logging", premises=premises)


RULE = Rule(
    id="TS123",
    name="ts-no-request-logging",
    axis=Axis.OBSERVABILITY,
    severity=Severity.LOW,
    title="The Node.js backend logs no requests",
    impact="The logs show neither which endpoints were called nor their status and duration: traffic, errors "
           "seen by clients and slow routes cannot be traced after the fact.",
    action="Add an access-log middleware (pino-http / nestjs-pino, morgan, express-winston) or a NestJS logging "
           "interceptor that records method, path, status and duration of every request.",
    check=check,
    absence_in=frozenset({"typescript", "javascript"}),
    example_bad="const app = await NestFactory.create(AppModule)\nawait app.listen(3000)",
    example_good="const app = await NestFactory.create(AppModule, { bufferLogs: true })\n"
                 "app.useLogger(app.get(Logger))  // nestjs-pino: one line per request",
)
