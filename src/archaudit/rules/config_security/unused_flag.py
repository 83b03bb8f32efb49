"""CFG007 unused-setting-flag."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.config.settings import unused_flags
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at boolean fields of pydantic settings classes (annotated `bool` or defaulting to
    True/False) whose name appears in no other module's code and nowhere else in their own file:
    switches such as ENABLE_TRACING or metrics_enabled that nothing reads."""
    for s in unused_flags(repo):
        yield Hit(s.file, s.line, Message("{name} ({source}) is declared but no code reads it.",
                                          name=s.name, source=s.source),
                  key=f"{s.source}.{s.name}")


RULE = Rule(
    id="CFG007",
    name="unused-setting-flag",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.LOW,
    title="A settings flag is declared but never read",
    impact="Operators switch it on and nothing happens: the feature (tracing, metrics...) they believe is "
           "active is not, and the configuration misleads its readers.",
    action="Wire the flag to the feature it announces, or remove it until the feature exists.",
    check=check,
    absence_in=frozenset({"python"}),
    example_bad="class Settings(BaseSettings):\n    ENABLE_TRACING: bool = False  # read nowhere",
    example_good="if settings.ENABLE_TRACING:\n    setup_tracing(app)",
)
