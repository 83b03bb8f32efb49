"""CFG105 flask-session-cookie-insecure."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Evidence, Hit, Message, Premise, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.config_security._flask import JudgedApp, absent, false_value, production_apps

# extensions and imports that put the user's login or form tokens in Flask's session cookie
_SESSION_USERS = ("flask_login", "flask_wtf", "flask_security", "flask_session", "flask_dance", "authlib")


def _session_user(repo: Repo) -> Evidence | None:
    """Where production code uses the session cookie: a login/CSRF extension, or `from flask import session`."""
    for path, facts in repo.python_items():
        if repo.by_path[path].role == "test":
            continue
        for imp in facts["imports"]:
            top = imp["module"].split(".")[0]
            if top in _SESSION_USERS or (imp["module"] == "flask" and "session" in imp["names"]):
                return Evidence(path, imp["line"])
    return None


def _weak(repo: Repo, app: JudgedApp) -> Iterator[tuple[str, str, int, tuple[Premise, ...]]]:
    values = app.config.values
    missing, premise = absent(repo, app, "SESSION_COOKIE_SECURE")
    if missing:
        unset = Message("SESSION_COOKIE_SECURE is not set (Flask's default is False)")
        yield unset, app.anchor.path, app.anchor.line, \
            (premise,) if premise else ()
    elif why := false_value(values["SESSION_COOKIE_SECURE"]):
        key = values["SESSION_COOKIE_SECURE"]
        yield Message("{name} {why}", name="SESSION_COOKIE_SECURE", why=why), key.file, key.line, ()
    httponly = values.get("SESSION_COOKIE_HTTPONLY")
    if httponly is not None and (why := false_value(httponly)):
        yield Message("{name} {why}", name="SESSION_COOKIE_HTTPONLY", why=why), httponly.file, httponly.line, ()


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at production's configuration of each Flask application (detect/config/flask_config: the
    config object, class or module its module or factory loads, a dict entry keyed for production,
    then its app.config items), when the application uses the session cookie (Flask-Login, Flask-WTF,
    `from flask import session`...): SESSION_COOKIE_SECURE not set or false, SESSION_COOKIE_HTTPONLY
    set to false. A key set under a condition or computed is not judged; a key absent from the config
    but named elsewhere in production code or deployment files is not determined, and so is the
    claim when production's configuration cannot be followed (from_pyfile, from_envvar...)."""
    user = _session_user(repo)
    if user is None:
        return
    judged, unknown = production_apps(repo,
        Message("Whether production's Flask session cookie is Secure and HttpOnly."))
    yield from unknown
    used = Premise(Message("the application uses the session cookie"), evidence=(user,))
    for app in judged:
        for why, path, line, extra in _weak(repo, app):
            yield Hit(path, line, Message("Flask application {app}: {why}.",
                                          app=app.config.app, why=why), key=f"{app.config.app} {why[:22]}",
                      premises=(*app.premises, used, *extra))


RULE = Rule(
    id="CFG105",
    name="flask-session-cookie-insecure",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.MEDIUM,
    title="Flask production configuration leaves the session cookie without Secure or HttpOnly",
    impact="Without SESSION_COOKIE_SECURE the signed session cookie (the user's login) is also sent over "
           "plain HTTP, where anyone on the path can copy it; with SESSION_COOKIE_HTTPONLY off any injected "
           "script can read it.",
    action="In the production config set SESSION_COOKIE_SECURE = True (and REMEMBER_COOKIE_SECURE for "
           "Flask-Login), keep SESSION_COOKIE_HTTPONLY = True and set SESSION_COOKIE_SAMESITE = 'Lax'.",
    check=check,
    example_bad='class ProductionConfig(Config):\n    SESSION_COOKIE_SECURE = False',
    example_good='class ProductionConfig(Config):\n    SESSION_COOKIE_SECURE = True\n'
                 '    SESSION_COOKIE_SAMESITE = "Lax"',
)
