"""CFG001 debug-enabled-by-default."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.config.section import find_env_files
from archaudit.detect.config.settings import Setting, find_settings, truthy
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_written, written_methods_ending
from archaudit.rules.base import Rule
from archaudit.rules.config_security._helpers import enclosing_header, is_dev_path, not_in_production, pieces

_DEBUG = re.compile(r"^((APP|FLASK|DJANGO)_)?DEBUG$", re.IGNORECASE)
_APP_CLASSES = ("FastAPI", "Starlette", "Quart", "Sanic")
_PROD_ENV = re.compile(r"(^|/)\.env(\.prod|\.production)?$")


def _overridden(debug: Setting, all_debug: list[Setting]) -> Evidence | None:
    """A production-named class or settings module next to this one that turns DEBUG off."""
    folder = debug.file.rsplit("/", 1)[0] if "/" in debug.file else ""
    for s in all_debug:
        here = s.file == debug.file if debug.kind == "config-class" else s.file.startswith(folder)
        prod = "prod" in s.source.lower() or any(p.startswith("prod") for p in pieces(s.file.rsplit("/", 1)[-1]))
        if s is not debug and here and prod and s.has_default and not truthy(s.value):
            return Evidence(s.file, s.line)
    return None


def _settings(repo: Repo) -> Iterator[Hit]:
    debug = [s for s in find_settings(repo) if _DEBUG.match(s.name)]
    for s in debug:
        if not s.has_default or not truthy(s.value) or not_in_production(s) or _overridden(s, debug):
            continue
        message = (Message("{name} ({source}) falls back to {value} when {env} is unset.", name=s.name,
                           source=s.source, value=repr(s.value), env=s.env) if s.env else
                   Message("{name} ({source}) defaults to True.", name=s.name, source=s.source))
        yield Hit(s.file, s.line, message, key=f"{s.source}.{s.name}")


def _calls(repo: Repo) -> Iterator[Hit]:
    methods = written_methods_ending(repo, *_APP_CLASSES, "run")
    for path, call, _ in calls_written(repo, *methods):
        if call["kwargs"].get("debug") is not True or repo.by_path[path].role == "test" or is_dev_path(path):
            continue
        name = call["name"]
        if name.endswith(_APP_CLASSES):
            yield Hit(path, call["line"], Message("{name}(debug=True) turns debug mode on for every deployment.",
                                                  name=name),
                      key=f"{name} debug")
        elif name.endswith(".run") and not call["func"] and "__main__" not in enclosing_header(
                repo, path, call["line"]):
            yield Hit(path, call["line"], Message("{name}(debug=True) runs on import, outside an `if __name__ == "
                                                  "\"__main__\":` development guard.",
                                                  name=name), key=f"{name} debug")


def _env_files(repo: Repo) -> Iterator[Hit]:
    for env in find_env_files(repo):
        if env.example or not _PROD_ENV.search(env.path):
            continue
        text_lines = repo.lines(env.path)
        for key, line, has_value in env.keys:
            value = text_lines[line - 1].split("=", 1)[1].split(" #")[0].strip().strip("'\"") if has_value else ""
            if _DEBUG.match(key) and truthy(value):
                yield Hit(env.path, line, Message("{path} sets {key}={value}, and the file is not git-ignored.",
                                                  path=env.path, key=key, value=value),
                          key=f"{env.path} {key}")


def check(repo: Repo) -> Iterator[Hit]:
    """Looks for debug mode on by default: a DEBUG setting (pydantic settings field, Flask config
    class, Django settings module, `app.config["DEBUG"]`, `os.getenv("DEBUG", "true")`) whose default
    is true outside development-only files and classes and not turned off by a production variant
    next to it; `FastAPI(debug=True)`; `app.run(debug=True)` at import time, outside an
    `if __name__ == "__main__":` guard; `DEBUG=true` in a `.env` / `.env.production` that is not ignored."""
    yield from _settings(repo)
    yield from _calls(repo)
    yield from _env_files(repo)


RULE = Rule(
    id="CFG001",
    name="debug-enabled-by-default",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.HIGH,
    title="Debug mode is on by default",
    impact="A deployment that forgets to set DEBUG runs in debug mode: stack traces, settings and sometimes "
           "an interactive console are shown to anyone, and SQL/verbose logs may be enabled.",
    action="Default DEBUG to False and enable it explicitly in development (.env of the developer, a "
           "development settings class), so production is safe when nothing is set.",
    check=check,
    example_bad='class Settings(BaseSettings):\n    DEBUG: bool = True',
    example_good='class Settings(BaseSettings):\n    DEBUG: bool = False  # set DEBUG=true in your local .env',
)
