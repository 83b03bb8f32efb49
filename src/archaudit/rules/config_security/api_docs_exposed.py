"""CFG008 api-docs-always-exposed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_named
from archaudit.rules.base import Rule
from archaudit.rules.config_security._helpers import call_text, enclosing_header, is_dev_path

_FASTAPI = ("fastapi.FastAPI",)
_DOC_SWITCHES = ("docs_url", "openapi_url")
# OpenAPI metadata written for outside readers: docs given a contact, a licence, terms or server URLs are
# published on purpose (a self-hosted product's API reference), not left on by default
_PUBLICATION = ("contact", "license_info", "terms_of_service", "servers")
_FLASK_UIS = {"flasgger.Swagger": "doc", "flask_restx.Api": "doc", "flask_restplus.Api": "doc"}


def _switched(kwargs: dict[str, Any]) -> bool:
    """A docs switch that can turn the docs off: `None`, or a value computed from settings or the
    environment (`"/docs" if settings.SHOW_DOCS else None`); a literal path such as `docs_url="/docs"`
    only moves the docs, it does not hide them."""
    return any(k in kwargs and not isinstance(kwargs[k], str) for k in _DOC_SWITCHES)


def _switch_lines(repo: Repo, path: str, line: int, keys: list[str]) -> tuple[Evidence, ...]:
    """Where the fixed `docs_url=` / `openapi_url=` arguments of the call starting at `line` are written."""
    lines = repo.lines(path)
    out = []
    for key in keys:
        found = next((n for n in range(line, min(len(lines), line + 40) + 1) if f"{key}=" in lines[n - 1]), 0)
        if found and found != line:
            out.append(Evidence(path, found))
    return tuple(out)


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at `FastAPI(...)` application calls (outside tests and development-only files) that set
    neither `docs_url` nor `openapi_url` to None or to a computed value (literal paths only move the docs),
    so /docs, /redoc and /openapi.json are served in every environment; calls passing `**kwargs` are
    skipped (the switch may be inside), and so are apps given publication metadata (contact,
    license_info, terms_of_service, servers): docs meant to be read.
    For Flask: flasgger `Swagger(app)` or flask-restx `Api(app)` without `doc=` created outside any `if` block."""
    for path, call, name in calls_named(repo, *_FASTAPI, *_FLASK_UIS):
        if repo.by_path[path].role == "test" or is_dev_path(path):
            continue
        if name in _FASTAPI:
            kwargs = call["kwargs"]
            if _switched(kwargs) or any(k in kwargs for k in _PUBLICATION) \
                    or "**" in call_text(repo, path, call["line"]):
                continue
            fixed = [f"{k}={kwargs[k]!r}" for k in _DOC_SWITCHES if k in kwargs]
            why = (Message("set to fixed paths ({fixed})", fixed=", ".join(fixed)) if fixed
                   else Message("no docs_url/openapi_url switch"))
            yield Hit(path, call["line"], Message("FastAPI serves /docs and /openapi.json unconditionally ({why}).",
                                                  why=why),
                      also=_switch_lines(repo, path, call["line"], [k for k in _DOC_SWITCHES if k in kwargs]),
                      key="fastapi docs")
        elif _FLASK_UIS[name] not in call["kwargs"]:
            header = enclosing_header(repo, path, call["line"])
            if not header.startswith(("if ", "elif ", "else")):
                yield Hit(path, call["line"], Message("{name} registers the interactive API documentation "
                                                      "unconditionally.",
                                                      name=name), key=f"{name} docs")


RULE = Rule(
    id="CFG008",
    name="api-docs-always-exposed",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.LOW,
    title="Interactive API documentation is exposed in every environment",
    impact="Production publishes the full map of the API (every route, parameter and schema) and a console "
           "to call it, which helps anyone probing for weaknesses.",
    action="Drive docs_url/openapi_url (or the Swagger registration) from a setting that is off in "
           "production unless publishing the API is intended.",
    check=check,
    example_bad='app = FastAPI(title="Shop")',
    example_good='app = FastAPI(title="Shop", docs_url="/docs" if settings.SHOW_DOCS else None,\n'
                 '              openapi_url="/openapi.json" if settings.SHOW_DOCS else None)',
)
