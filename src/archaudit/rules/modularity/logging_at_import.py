"""MOD009 logging-configured-at-import."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Evidence, Hit, Message, Premise, Severity
from archaudit.repo import Repo
from archaudit.resolve.context import Context, context_of
from archaudit.resolve.python_index import calls_by_function, calls_named, calls_written, is_app_code
from archaudit.rules.base import Rule

_APPS = ("flask.Flask", "fastapi.FastAPI", "starlette.applications.Starlette", "quart.Quart")
_CONFIG = frozenset({"logging.basicConfig", "logging.config.dictConfig", "logging.config.fileConfig"})


def _factories(repo: Repo) -> dict[str, tuple[str, int]]:
    """Application factories: function name -> (path, line) of the app object it builds, for plain
    functions of production code that create a Flask/FastAPI/Starlette/Quart application."""
    out: dict[str, tuple[str, int]] = {}
    for path, call, _ in calls_named(repo, *_APPS):
        if call["func"] and "." not in call["func"] and is_app_code(repo, path) \
                and context_of(repo, path) is Context.PRODUCTION:
            out.setdefault(call["func"], (path, call["line"]))
    return out


def _configurers(repo: Repo) -> set[str]:
    """Names of the application's plain functions that configure logging: they call basicConfig,
    dictConfig or fileConfig, or attach a handler (`logger.addHandler(...)`)."""
    out = set()
    for (path, qualname), calls in repo.derived(calls_by_function).items():
        if qualname and "." not in qualname and is_app_code(repo, path) and any(
                c["name"].endswith(".addHandler") or c["name"] in _CONFIG or
                c["name"].rsplit(".", 1)[-1] in ("basicConfig", "dictConfig", "fileConfig") for c in calls):
            out.add(qualname)
    return out


def check(repo: Repo) -> Iterator[Hit]:
    """When the application is built by a factory (a function creating the Flask/FastAPI app), reports
    logging configured at module level of production code: `logging.basicConfig`/`dictConfig`/
    `fileConfig`, or a call to one of the application's functions that does so (attaching handlers
    included), run when the module is imported. A module that also calls the factory at module level
    (the entry point: wsgi.py, `app = create_app()`) is where start-up belongs and is not reported,
    nor are tests, scripts and blocks confined to them."""
    factories = _factories(repo)
    if not factories:
        return
    by_function = repo.derived(calls_by_function)
    names = _configurers(repo)
    candidates = [(p, c) for p, c, _ in calls_named(repo, *_CONFIG) if not c["func"]]
    candidates += [(p, c) for p, c, _ in calls_written(repo, *names) if not c["func"]]
    for path, call in sorted(candidates, key=lambda r: (r[0], r[1]["line"])):
        if not is_app_code(repo, path) or context_of(repo, path) is not Context.PRODUCTION:
            continue
        module_calls = {c["name"].rsplit(".", 1)[-1] for c in by_function.get((path, ""), [])}
        if module_calls & set(factories):
            continue  # the entry point builds the app at import: configuring logging there is start-up
        factory, (fpath, fline) = sorted(factories.items())[0]
        premise = Premise(Message("the application is built by the factory {factory}()", factory=factory),
                          evidence=(Evidence(fpath, fline),))
        yield Hit(path, call["line"], Message("Logging is configured when {path} is imported ({call}()), outside "
                                              "the application factory {factory}(): any import of the module, "
                                              "from a test, a worker or a command, reconfigures logging.",
                                              path=path, call=call["name"], factory=factory),
                  premises=(premise,), key="logging")


RULE = Rule(
    id="MOD009",
    name="logging-configured-at-import",
    axis=Axis.MODULARITY,
    severity=Severity.LOW,
    title="Logging configured at import time, outside the application factory",
    impact="Importing the module is enough to install handlers and levels: tests, workers and commands "
           "get the web application's logging (or install it twice), and the factory cannot configure "
           "logging from its own settings.",
    action="Configure logging inside the factory (or in the entry point that calls it), from the "
           "application's settings.",
    check=check,
    example_bad="setup_logging(level=\"DEBUG\")\n\ndef create_app():\n    app = Flask(__name__)\n    return app",
    example_good="def create_app(config):\n    setup_logging(config.LOG_LEVEL)\n    app = Flask(__name__)\n"
                 "    return app",
)
