"""OBS007 log-file-relative-path."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.languages.python.facts import CallFact, Value
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_named, is_app_code
from archaudit.rules.base import Rule
from archaudit.rules.observability._signals import web_backend
from archaudit.rules.observability.print_calls import _is_script

_HANDLERS = ("logging.FileHandler", "logging.handlers.RotatingFileHandler",
             "logging.handlers.TimedRotatingFileHandler", "logging.handlers.WatchedFileHandler")
_BASIC = "logging.basicConfig"


def _file_name(call: CallFact) -> Value:
    """The log file a handler or basicConfig writes to: the first argument of a file handler, the
    `filename=` keyword of either."""
    if call["name"] != _BASIC and call["args"]:
        return call["args"][0]
    return call["kwargs"].get("filename")


def _relative(value: Value) -> bool:
    """A literal file name that names no directory of its own: `"app.log"`, `"logs/app.log"`; not an
    absolute path, `~`, a variable or an expression (which may come from configuration)."""
    return isinstance(value, str) and bool(value.strip()) and not value.startswith(("/", "~", "\\", "$", "%")) \
        and not (len(value) > 1 and value[1] == ":")


def check(repo: Repo) -> Iterator[Hit]:
    """In a web backend, reports logging file handlers (FileHandler, RotatingFileHandler,
    TimedRotatingFileHandler, WatchedFileHandler) and `logging.basicConfig(filename=...)` given a
    literal relative path, in application code outside tests, scripts and CLI modules (and outside
    blocks the code confines to debug or scripts). A path from a variable, the environment or settings
    is not reported: where it points is configuration."""
    if web_backend(repo) is None:
        return
    for path, call, _ in calls_named(repo, *_HANDLERS, _BASIC):
        name = _file_name(call)
        if not _relative(name) or not is_app_code(repo, path) or _is_script(repo.python[path], path):
            continue
        yield Hit(path, call["line"], Message("{handler}() writes the logs to the relative path {name}: the file "
                                              "lands in whatever working directory the server starts in.",
                                              handler=call["name"].rsplit(".", 1)[-1], name=repr(name)),
                  key="log-file")


RULE = Rule(
    id="OBS007",
    name="log-file-relative-path",
    axis=Axis.OBSERVABILITY,
    severity=Severity.LOW,
    title="Logs written to a file at a relative path",
    impact="Where the logs go depends on the directory the process is started from; in a container the "
           "file is lost with it and invisible to the platform's log collection, and several workers "
           "rotating one file overwrite each other's output.",
    action="Log to stdout/stderr and let the platform collect the stream; if a file is needed, take its "
           "absolute path from configuration.",
    check=check,
    example_bad='handler = RotatingFileHandler("app.log", maxBytes=10_000_000)',
    example_good="handler = logging.StreamHandler(sys.stdout)",
)
