"""CFG106 flask-csrf-disabled."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.python_index import modules_importing
from archaudit.rules.base import Rule
from archaudit.rules.config_security._flask import false_value, production_apps


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at WTF_CSRF_ENABLED in production's configuration of each Flask application that uses
    Flask-WTF (see CFG105 for how that configuration is found): set to False, or read from the
    environment with a False fallback. Development and test config classes, a value set under a
    condition and a computed value are not judged; when production's configuration cannot be
    followed the claim is not determined."""
    if not repo.derived(modules_importing).get("flask_wtf"):
        return
    judged, unknown = production_apps(repo,
        Message("Whether production's Flask configuration turns Flask-WTF CSRF off."))
    yield from unknown
    for app in judged:
        key = app.config.values.get("WTF_CSRF_ENABLED")
        why = false_value(key) if key else ""
        if key and why:
            yield Hit(key.file, key.line, Message("Flask application {app}: WTF_CSRF_ENABLED {why}.",
                                                  app=app.config.app, why=why),
                      key=f"{app.config.app} csrf", premises=app.premises)


RULE = Rule(
    id="CFG106",
    name="flask-csrf-disabled",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.HIGH,
    title="Flask production configuration turns CSRF protection off",
    impact="With WTF_CSRF_ENABLED = False no form (nor CSRFProtect-guarded view) checks its token: another "
           "site can make a logged-in user's browser submit any form (change e-mail, password, delete data).",
    action="Keep WTF_CSRF_ENABLED = True in production; turn it off only in the testing config class.",
    check=check,
    example_bad='class ProductionConfig(Config):\n    WTF_CSRF_ENABLED = False',
    example_good='class TestingConfig(Config):\n    WTF_CSRF_ENABLED = False  # tests only',
)
