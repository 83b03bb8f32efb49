"""OBS002 print-in-application-code."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Severity
from archaudit.languages.python.facts import ModuleFacts
from archaudit.repo import Repo
from archaudit.resolve.blocks import env_guard_at
from archaudit.resolve.python_index import calls_written, is_app_code
from archaudit.rules.base import Rule
from archaudit.rules.observability._signals import WEB_FRAMEWORKS, web_backend

_SCRIPT_PATH = re.compile(r"(^|/)(scripts?|bin|tools|devtools|examples?|notebooks?|benchmarks?|management/commands|"
                          r"fixtures|seeds?)/|(^|/)(manage|setup|__main__|cli|conftest|noxfile|fabfile|"
                          r"wsgi|asgi)\.py$")
_CLI_LIBS = ("click", "typer", "argparse", "fire", "docopt", "rich")


def _is_script(facts: ModuleFacts, path: str) -> bool:
    if _SCRIPT_PATH.search(path):
        return True
    tops = {imp["module"].split(".")[0] for imp in facts["imports"] if not imp["level"]}
    if tops & set(_CLI_LIBS):
        return True
    return bool(facts.get("main_block")) and not tops & set(WEB_FRAMEWORKS)


def check(repo: Repo) -> Iterator[Hit]:
    """In a web backend, counts print() calls in application code per file. Skips tests, scripts and
    CLI code (scripts/, bin/, manage.py, __main__.py, click/typer/argparse modules), prints inside an
    `if __name__ == "__main__":` block or an environment-guarded branch (`if settings.DEBUG:`), and
    standalone scripts (a main block, no web framework)."""
    if web_backend(repo) is None:
        return
    by_path: dict[str, list[int]] = {}
    for path, call, _ in calls_written(repo, "print"):
        if call["name"] == "print":
            by_path.setdefault(path, []).append(call["line"])
    for path in sorted(by_path):
        facts = repo.python[path]
        if not is_app_code(repo, path) or _is_script(facts, path):
            continue
        block = facts.get("main_block") or [0, -1]
        lines = sorted(line for line in by_path[path] if not block[0] <= line <= block[1]
                       and env_guard_at(repo, path, line) is None)
        if lines:
            yield Hit(path, lines[0], f"{len(lines)} print() call(s) in {path} (first at line {lines[0]}) bypass "
                                      "logging: no level, no context, lost or interleaved in production.",
                      key="print")


RULE = Rule(
    id="OBS002",
    name="print-in-application-code",
    axis=Axis.OBSERVABILITY,
    severity=Severity.LOW,
    title="print() used instead of logging in application code",
    impact="print output has no level, timestamp or request context, bypasses log configuration and "
           "filters, and is often buffered or lost under a process manager.",
    action="Use a module logger (logger = logging.getLogger(__name__)) with the right level; keep print for "
           "CLI and scripts.",
    check=check,
    example_bad='print(f"user {user.id} created")',
    example_good='logger.info("user created", extra={"user_id": user.id})',
)
