"""CFG005 sql-echo-enabled."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.config.settings import truthy
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_written
from archaudit.rules.base import Rule
from archaudit.rules.config_security._helpers import (
    is_dev_path,
    not_in_production,
    referenced_setting,
    settings_named,
)

_ENGINES = ("create_engine", "create_async_engine")


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at SQLAlchemy `create_engine` / `create_async_engine` calls outside tests and
    development-only files: `echo=True`, or `echo=` a setting whose default is true (typically
    `echo=settings.DEBUG` with DEBUG defaulting to True); and a Flask `SQLALCHEMY_ECHO` setting
    defaulting to True outside development-only config."""
    for path, call, _ in calls_written(repo, *_ENGINES):
        if "echo" not in call["kwargs"] or repo.by_path[path].role == "test" or is_dev_path(path):
            continue
        echo = call["kwargs"]["echo"]
        setting = referenced_setting(repo, echo)
        if echo is True:
            yield Hit(path, call["line"], Message("The engine logs every SQL statement (echo=True)."), key="echo")
        elif setting is not None and setting.has_default and truthy(setting.value):
            yield Hit(path, call["line"], Message("The engine logs every SQL statement when {name} keeps its "
                                                  "default ({source}), which is true.",
                                                  name=setting.name, source=setting.source),
                      also=(Evidence(setting.file, setting.line),), key=f"echo {setting.name}")
    for s in settings_named(repo, "SQLALCHEMY_ECHO"):
        if s.has_default and truthy(s.value) and not not_in_production(s):
            yield Hit(s.file, s.line, Message("SQLALCHEMY_ECHO defaults to True ({source}).",
                                              source=s.source), key=f"{s.source}.echo")


RULE = Rule(
    id="CFG005",
    name="sql-echo-enabled",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.MEDIUM,
    title="SQL statements are logged by default",
    impact="Every query, with its parameters (emails, tokens, personal data), goes to the logs, and "
           "logging each statement slows the application down.",
    action="Drive `echo` from a dedicated setting that defaults to False (not from DEBUG), and enable it "
           "only locally.",
    check=check,
    example_bad="engine = create_async_engine(settings.DATABASE_URL, echo=settings.DEBUG)  # DEBUG defaults to True",
    example_good="engine = create_async_engine(settings.DATABASE_URL, echo=settings.SQL_ECHO)  # defaults to False",
)
