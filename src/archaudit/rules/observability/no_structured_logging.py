"""OBS001 no-structured-logging."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.python_index import Place, calls_written, is_app_code
from archaudit.rules.base import Rule
from archaudit.rules.observability._logging import declared_json_logging, structured_logging
from archaudit.rules.observability._signals import app_anchor, web_backend

_LOG_SETUP = frozenset({"logging.basicConfig", "logging.config.dictConfig", "logging.config.fileConfig", "dictConfig",
                        "basicConfig", "fileConfig"})


def _logging_setup(repo: Repo) -> Place | None:
    """The first basicConfig/dictConfig/fileConfig call of application code (by path, then in the
    order the extractor saw the file's calls)."""
    paths = {path for path, call, _ in calls_written(repo, "basicConfig", "dictConfig", "fileConfig")
             if call["name"] in _LOG_SETUP and is_app_code(repo, path)}
    if not paths:
        return None
    path = min(paths)
    return next((path, c["line"]) for c in repo.python[path]["calls"] if c["name"] in _LOG_SETUP)


def check(repo: Repo) -> Iterator[Hit]:
    """In a web backend (FastAPI, Flask, Django or Starlette imported), looks for structured logging:
    structlog, python-json-logger, ecs-logging and similar imports or dependencies, loguru with
    serialize=True, a JSON formatter class or dictConfig. Reports its absence once, at the logging
    setup call (basicConfig/dictConfig) when there is one, else where the application is created."""
    if web_backend(repo) is None or structured_logging(repo) or declared_json_logging(repo):
        return
    setup = _logging_setup(repo)
    place = setup or app_anchor(repo)
    if place is None:
        return
    where = (Message("Logging is configured as plain text") if setup
             else Message("No logging configuration produces structured logs"))
    yield Hit(place[0], place[1], Message("{where}: no JSON/structured log output is set up anywhere.",
                                          where=where), key="plain-logs")


RULE = Rule(
    id="OBS001",
    name="no-structured-logging",
    axis=Axis.OBSERVABILITY,
    severity=Severity.LOW,
    title="No structured (JSON) logging",
    impact="Plain-text logs cannot be filtered or aggregated by field (request id, user, status, latency) "
           "in a log platform; incidents take longer to investigate.",
    action="Emit JSON logs (structlog, python-json-logger or loguru serialize=True) with stable fields and "
           "per-request context.",
    check=check,
    absence_in=frozenset({"python"}),
    example_bad='logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")',
    example_good="structlog.configure(processors=[..., structlog.processors.JSONRenderer()])",
)
