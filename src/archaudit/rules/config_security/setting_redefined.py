"""CFG104 setting-redefined-with-conflicting-value."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.config.django_deploy import top_level
from archaudit.detect.config.settings import Setting, find_settings
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.languages.python.facts import is_expr
from archaudit.redact import is_secret_name
from archaudit.repo import Repo
from archaudit.rules.base import Rule


def _top_level(repo: Repo, s: Setting) -> bool:
    """Assigned unconditionally: at column 0 and as a plain `=` (not `+=`, not `X = X + [...]`)."""
    if not top_level(repo, s.file, s.line) or re.match(rf"{s.name}\s*[-+*|&]=", repo.line(s.file, s.line)):
        return False
    rhs = repo.line(s.file, s.line).split("=", 1)[-1]
    return re.search(rf"\b{s.name}\b", rhs) is None


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at settings modules (Django settings, config.py modules) outside tests and development files
    for a setting assigned twice at the top level of the same module, unconditionally, with two
    different values: the first assignment is dead, and whoever reads or edits it is misled about what
    runs. Assignments inside `if`/`try` blocks, augmented ones (`+=`) and ones reading the previous
    value (`X = X + [...]`) are layering, not conflicts. Values are never shown for secret names."""
    seen: dict[tuple[str, str], Setting] = {}
    for s in find_settings(repo):
        if s.kind not in ("django", "module") or not _top_level(repo, s):
            continue
        first = seen.setdefault((s.file, s.name), s)
        if first is s or (repr(first.value) == repr(s.value) and first.env == s.env):
            continue
        literal = not (is_secret_name(s.name) or is_expr(first.value) or is_expr(s.value) or first.env or s.env)
        short = len(repr(first.value) + repr(s.value)) < 120
        message = (Message("{name} is assigned twice in {file} with different values ({first}, then {then}); the "
                           "assignment at line {line} wins.", name=s.name, file=s.file, first=repr(first.value),
                           then=repr(s.value), line=s.line) if literal and short else
                   Message("{name} is assigned twice in {file} with different values; the assignment at line {line} "
                           "wins.", name=s.name, file=s.file, line=s.line))
        yield Hit(first.file, first.line, message, also=(Evidence(s.file, s.line),), key=s.name,
                  secrets=tuple(v for v in (first.value, s.value) if isinstance(v, str) and is_secret_name(s.name)))
        seen[(s.file, s.name)] = s


RULE = Rule(
    id="CFG104",
    name="setting-redefined-with-conflicting-value",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.LOW,
    title="A setting is assigned twice in one settings module with different values",
    impact="Only the last assignment counts: the first one is dead code that tells readers (and reviewers "
           "checking the deployment) a value production does not run with, and a fix applied to it does "
           "nothing.",
    action="Keep one assignment per setting in a module; put environment-specific values in the module of "
           "that environment or behind an explicit condition.",
    check=check,
    example_bad='SESSION_COOKIE_SECURE = True\n# ... 200 lines later\nSESSION_COOKIE_SECURE = False',
    example_good='SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)',
)
