"""CFG008 api-docs-always-exposed."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
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


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at `FastAPI(...)` application calls (outside tests and development-only files) that set
    neither `docs_url` nor `openapi_url`, so /docs, /redoc and /openapi.json are served in every
    environment; calls passing `**kwargs` are skipped (the switch may be inside), and so are apps given
    publication metadata (contact, license_info, terms_of_service, servers): docs meant to be read.
    For Flask: flasgger `Swagger(app)` or flask-restx `Api(app)` without `doc=` created outside any `if` block."""
    for path, call, name in calls_named(repo, *_FASTAPI, *_FLASK_UIS):
        if repo.by_path[path].role == "test" or is_dev_path(path):
            continue
        if name in _FASTAPI:
            if any(k in call["kwargs"] for k in (*_DOC_SWITCHES, *_PUBLICATION)) \
                    or "**" in call_text(repo, path, call["line"]):
                continue
            yield Hit(path, call["line"], Message("FastAPI serves /docs and /openapi.json unconditionally (no "
                                                  "docs_url/openapi_url switch)."), key="fastapi docs")
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
