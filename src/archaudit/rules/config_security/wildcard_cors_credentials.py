"""CFG009 wildcard-cors-with-credentials."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.config_security._cors import find_wildcard_cors


def check(repo: Repo) -> Iterator[Hit]:
    """Looks for CORS accepting any origin while allowing credentials: `CORSMiddleware` with
    `allow_origins=["*"]` (or a setting defaulting to "*") and `allow_credentials=True` (or a setting
    defaulting to True), flask-cors `CORS(app, supports_credentials=True)` with no origin list, Django
    `CORS_ALLOW_ALL_ORIGINS = True` with `CORS_ALLOW_CREDENTIALS = True`. Starlette then echoes the
    caller's Origin, so any site can send the user's cookies. Premise: the application uses cookies or
    server sessions (otherwise there is nothing for the browser to attach, and it is CFG003)."""
    for w in find_wildcard_cors(repo):
        if w.credentials:
            yield Hit(w.place.path, w.place.line, w.message, also=w.also, key=w.message)


RULE = Rule(
    id="CFG009",
    name="wildcard-cors-with-credentials",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.HIGH,
    title="CORS accepts every origin with credentials",
    impact="Any web site a logged-in user visits can send authenticated requests (cookies, auth headers) "
           "to the API and read the answers: account data can be read and actions taken in their name.",
    action="Replace the wildcard with the explicit list of trusted front-end origins, or stop allowing "
           "credentials.",
    check=check,
    example_bad='app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)',
    example_good='app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"],\n'
                 '                   allow_credentials=True)',
)
