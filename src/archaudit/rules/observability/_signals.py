"""Shared signals for the security and observability rules and strengths, computed once per audit.

`web_backend` and `app_anchor` say whether the repository serves HTTP and where the application is
built, which is where absence findings (no error tracking, no request id...) point. "Is library X
used anywhere?" (`first_import`) and "is this application code?" (`is_app_code`) live in
`archaudit.resolve.python_index`.
"""

from __future__ import annotations

from archaudit.languages.python.facts import expr_text
from archaudit.repo import Repo
from archaudit.resolve.python_index import Place, calls_by_name, first_import, import_aliases, is_app_code, qualified

WEB_FRAMEWORKS = ("fastapi", "flask", "django", "starlette")
_APP_CLASSES = ("fastapi.FastAPI", "flask.Flask", "starlette.applications.Starlette", "quart.Quart")


def web_backend(repo: Repo) -> Place | None:
    """Where a web framework (FastAPI, Flask, Django, Starlette) is imported; None if none is."""
    return first_import(repo, WEB_FRAMEWORKS)


def app_anchor(repo: Repo) -> Place | None:
    """Where the web application is created: `FastAPI()`/`Flask()`/`Starlette()`, else a Django
    settings module (INSTALLED_APPS), else the first web-framework import (memoised)."""
    return repo.derived(_app_anchor)


def _app_anchor(repo: Repo) -> Place | None:
    by_name = repo.derived(calls_by_name)
    paths = {r[0] for n in _APP_CLASSES for r in by_name.get(n, ())}
    first = min((p for p in paths if is_app_code(repo, p)), default=None)
    if first is not None:  # the first such call of the file, in the order the extractor saw them
        aliases = repo.derived(import_aliases).get(first, {})
        return next((first, c["line"]) for c in repo.python[first]["calls"]
                    if qualified(aliases, c["name"]) in _APP_CLASSES)
    for path, facts in repo.python_items():
        for assign in facts["assigns"]:
            if assign["target"] == "INSTALLED_APPS" and not assign["func"] and is_app_code(repo, path):
                return (path, assign["line"])
    return web_backend(repo)


def setting_places(repo: Repo) -> list[tuple[str, int, str]]:
    """(path, line, name) of module- and class-level assignments in application code: settings
    classes (pydantic BaseSettings, Django/Flask config modules) and constants (memoised)."""
    return repo.derived(_setting_places)


def _setting_places(repo: Repo) -> list[tuple[str, int, str]]:
    out = []
    for path, facts in repo.python_items():
        if not is_app_code(repo, path):
            continue
        for assign in facts["assigns"]:
            if not assign["func"] and "." not in assign["target"] and "[" not in assign["target"] \
                    and _setting_value(assign["value"]):
                out.append((path, assign["line"], assign["target"]))
    return sorted(out)


_ENV_READS = ("os.getenv(", "os.environ.get(", "getenv(", "env(", "config(", "Field(", "env.bool(", "env.str(",
              "env.int(")


def _setting_value(value: object) -> bool:
    """A value a setting can have: a scalar literal or an environment read; not a compiled regex,
    a tuple of names or another object built in code (`TRACING_FLAG = re.compile(...)`)."""
    if value is None or isinstance(value, bool | int | float | str):
        return True
    text = expr_text(value)
    return bool(text) and text.startswith(_ENV_READS)


def all_names(repo: Repo) -> str:
    """Every identifier read or written in application code (classes and functions included),
    lower-cased, one per line: a single string so fragment lookups are one fast substring search."""
    out: set[str] = set()
    for path, facts in repo.python_items():
        if is_app_code(repo, path):
            out.update(facts["names"])
            out.update(c["name"] for c in facts["classes"])
            out.update(f["name"] for f in facts["functions"])
    return "\n".join(sorted(out)).lower()


def names_matching(repo: Repo, *fragments: str) -> bool:
    """True when some identifier of application code contains one of the lower-case fragments."""
    names = repo.derived(all_names)
    return any(f in names for f in fragments)
