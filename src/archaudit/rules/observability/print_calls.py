"""OBS002 print-in-application-code."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.languages.python.facts import CallFact, ModuleFacts
from archaudit.repo import Repo
from archaudit.resolve.blocks import context_at
from archaudit.resolve.context import SERVING
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


_DEPRECATION = re.compile(r"deprecat|will be removed|be removed in|no longer (supported|used)|"
                          r"will raise an exception in a future", re.IGNORECASE)
_NOQA_PRINT = re.compile(r"#\s*noqa\b(?!:)|#\s*noqa:[^#]*\bT(201|001|203|002)\b")


def _kept(repo: Repo, path: str, call: CallFact) -> bool:
    """A print that is what the code means: in a block confined to scripts, debug or tests
    (`context_at`), inside a `print_*` function (printing is its job), or one the project marked
    as deliberate (`# noqa: T201`, flake8-print/ruff's print rule)."""
    if context_at(repo, path, call["line"]) not in SERVING:
        return True
    if call["func"].rsplit(".", 1)[-1].startswith(("print", "pprint")):
        return True
    return bool(_NOQA_PRINT.search(repo.line(path, call["line"])))


def _is_deprecation(call: CallFact) -> bool:
    text = " ".join(a for a in call["args"] if isinstance(a, str))
    return bool(_DEPRECATION.search(text))


def check(repo: Repo) -> Iterator[Hit]:
    """In a web backend, counts print() calls in application code per file. Skips tests, scripts and
    CLI code (scripts/, bin/, manage.py, __main__.py, click/typer/argparse modules), prints in a block
    the code confines to scripts, debug or tests (`if __name__ == "__main__":`, `if DEBUG:`, a function
    asking `input()`...), `print_*` functions, prints marked `# noqa: T201`, and standalone scripts (a
    main block, no web framework). Deprecation notices (`print("X is deprecated...")`) are one cause
    however many files repeat them: one finding for all, listing the files."""
    if web_backend(repo) is None:
        return
    by_path: dict[str, list[int]] = {}
    notices: dict[str, list[int]] = {}
    calls = [(path, call) for path, call, _ in calls_written(repo, "print") if call["name"] == "print"
             and is_app_code(repo, path) and not _is_script(repo.python[path], path) and not _kept(repo, path, call)]
    # the lines around a deprecation notice ("Please switch to ...") belong to it: same function
    noticing = {(path, call["func"]) for path, call in calls if call["func"] and _is_deprecation(call)}
    for path, call in calls:
        notice = _is_deprecation(call) or (path, call["func"]) in noticing
        (notices if notice else by_path).setdefault(path, []).append(call["line"])
    for path in sorted(by_path):
        lines = sorted(by_path[path])
        yield Hit(path, lines[0], Message("{n} print() call(s) in {path} (first at line {lines}) bypass logging: no "
                                          "level, no context, lost or interleaved in production.",
                                          n=len(lines), path=path, lines=lines[0]),
                  key="print")
    if notices:
        first = min(notices)
        others = sorted(notices)
        others.remove(first)
        files = ", ".join(others[:5]) + (", ..." if len(others) > 5 else "")
        more = Message("; also in {n} other file(s): {files}", n=len(others), files=files) if others else ""
        yield Hit(first, min(notices[first]),
                  Message("{value} deprecation notice(s) are printed instead of warned (first in "
                          "{first}:{value2}{value3}): no DeprecationWarning, no level, nothing callers or tests can "
                          "filter.",
                          value=sum(map(len, notices.values())), first=first, value2=min(notices[first]),
                          value3=more), key="deprecation")


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
