"""Shared signals for the security and observability rules and strengths, computed once per audit.

`import_places` answers "is library X used anywhere?" with the file:line that proves it; `web_backend`
and `app_anchor` say whether the repository serves HTTP and where the application is built, which
is where absence findings (no error tracking, no request id...) point.
"""

from __future__ import annotations

from collections import defaultdict

from archaudit.detect.pycode import import_aliases, qualified
from archaudit.repo import Repo

Place = tuple[str, int]
WEB_FRAMEWORKS = ("fastapi", "flask", "django", "starlette")
_APP_CLASSES = ("fastapi.FastAPI", "flask.Flask", "starlette.applications.Starlette", "quart.Quart")
_NOT_APP_CODE = ("test", "doc")


def is_app_code(repo: Repo, path: str) -> bool:
    """Source files that ship with the application (not tests, docs, migrations, examples...)."""
    f = repo.by_path.get(path)
    if f is None or f.role not in ("source", "config", "other"):
        return False
    top = path.split("/", 1)[0]
    return top not in ("examples", "example", "docs", "benchmarks", "samples")


def import_places(repo: Repo) -> dict[str, list[Place]]:
    """Module name -> sorted (path, line) of its imports in non-test Python files.

    Every dotted prefix is a key (`opentelemetry.instrumentation.fastapi` also counts for
    `opentelemetry`), and `from m import n` adds `m.n`, so callers can ask at any depth."""
    out: dict[str, list[Place]] = defaultdict(list)
    for path, facts in repo.python_items():
        if not is_app_code(repo, path):
            continue
        for imp in facts["imports"]:
            if imp["level"] or not imp["module"]:
                continue
            parts = imp["module"].split(".")
            keys = {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
            keys.update(f"{imp['module']}.{n.split(' as ')[0]}" for n in imp["names"])
            for key in keys:
                out[key].append((path, imp["line"]))
    return {k: sorted(set(v)) for k, v in out.items()}


def first_import(repo: Repo, modules: tuple[str, ...] | list[str]) -> Place | None:
    """The first place (by path, line) importing any of `modules`, or None."""
    index = repo.derived(import_places)
    places = [p for m in modules for p in index.get(m, [])[:1]]
    return min(places) if places else None


def web_backend(repo: Repo) -> Place | None:
    """Where a web framework (FastAPI, Flask, Django, Starlette) is imported; None if none is."""
    return first_import(repo, WEB_FRAMEWORKS)


def app_anchor(repo: Repo) -> Place | None:
    """Where the web application is created: `FastAPI()`/`Flask()`/`Starlette()`, else a Django
    settings module (INSTALLED_APPS), else the first web-framework import."""
    aliases = repo.derived(import_aliases)
    best: Place | None = None
    for path, facts in repo.python_items():
        if not is_app_code(repo, path):
            continue
        for call in facts["calls"]:
            if qualified(aliases.get(path, {}), call["name"]) in _APP_CLASSES:
                place = (path, call["line"])
                best = place if best is None else min(best, place)
                break
    if best:
        return best
    for path, facts in repo.python_items():
        for assign in facts["assigns"]:
            if assign["target"] == "INSTALLED_APPS" and not assign["func"] and is_app_code(repo, path):
                return (path, assign["line"])
    return web_backend(repo)


def setting_places(repo: Repo) -> list[tuple[str, int, str]]:
    """(path, line, name) of module- and class-level assignments in application code: settings
    classes (pydantic BaseSettings, Django/Flask config modules) and constants."""
    out = []
    for path, facts in repo.python_items():
        if not is_app_code(repo, path):
            continue
        for assign in facts["assigns"]:
            if not assign["func"] and "." not in assign["target"] and "[" not in assign["target"]:
                out.append((path, assign["line"], assign["target"]))
    return sorted(out)


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
