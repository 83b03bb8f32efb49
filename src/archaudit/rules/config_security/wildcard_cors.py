"""CFG003 wildcard-cors."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.config_security._cors import find_wildcard_cors


def check(repo: Repo) -> Iterator[Hit]:
    """Looks for CORS that accepts any origin without allowing credentials (with credentials it is
    CFG009): `CORSMiddleware` / `Middleware(CORSMiddleware, ...)` with `allow_origins=["*"]` or a
    setting defaulting to "*", `CORS(app)` from flask-cors with no origins (its default is "*") or
    origins "*", a CORS/origins setting defaulting to "*", Django `CORS_ALLOW_ALL_ORIGINS = True`.
    Development-only settings files and classes, values a production settings module overrides, an
    unbound flask-cors extension (`cors = CORS()`, configured from app.config at `init_app`) and Django
    CORS limited to some paths by `CORS_URLS_REGEX` are skipped."""
    for w in find_wildcard_cors(repo):
        if not w.credentials:
            yield Hit(w.place.path, w.place.line, w.message, also=w.also, key=w.message)


RULE = Rule(
    id="CFG003",
    name="wildcard-cors",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.MEDIUM,
    title="CORS accepts every origin",
    impact="Any web site can call the API from a visitor's browser and read the responses; an API meant "
           "for one front end is exposed to all of them.",
    action="List the allowed origins explicitly per environment (a setting with no wildcard default).",
    check=check,
    example_bad='app.add_middleware(CORSMiddleware, allow_origins=["*"])',
    example_good="app.add_middleware(CORSMiddleware, allow_origins=settings.CORS_ORIGINS)  # no '*' default",
)
