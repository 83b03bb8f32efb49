"""OBS008 swallowed-broad-exceptions."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.blocks import context_at
from archaudit.resolve.context import SERVING
from archaudit.resolve.python_index import is_app_code
from archaudit.rules.base import Rule
from archaudit.rules.observability._signals import web_backend
from archaudit.rules.observability.print_calls import _is_script

_BROAD = frozenset({"", "Exception", "BaseException", "builtins.Exception"})
_MIN_HANDLERS = 10  # pervasive: a habit of the code base, not one deliberate guard
_MIN_FILES = 3
_MIN_SHARE = 0.05  # ...and one for every twenty functions of the application: a habit, not a few guards


def check(repo: Repo) -> Iterator[Hit]:
    """In a web backend, counts the broad exception handlers (`except:`, `except Exception`,
    `except BaseException`, alone or in a tuple) of application code whose body only passes,
    continues, logs or prints, or returns a constant or an empty literal (the `swallows` fact): the
    error stops there and the caller carries on as if it had succeeded. Tests, scripts and CLI modules,
    and blocks the code confines to debug or scripts, are left out. Reported once for the repository
    when such handlers are pervasive: at least ten, in at least three files, and at least one for every
    twenty functions of that application code (a few deliberate best-effort guards in a large code base
    are not a habit); a handler that re-raises,
    returns an error response or does anything else is not counted."""
    if web_backend(repo) is None:
        return
    places: list[tuple[str, int]] = []
    silent: set[tuple[str, int]] = set()
    functions = 0
    for path, facts in repo.python_items():
        if not is_app_code(repo, path) or _is_script(facts, path):
            continue
        functions += len(facts["functions"])
        for h in facts["handlers"]:
            broad = not h["types"] or any(t in _BROAD for t in h["types"])
            if broad and h.get("swallows") and context_at(repo, path, h["line"]) in SERVING:
                places.append((path, h["line"]))
                if h["swallows"] == "silent":
                    silent.add((path, h["line"]))
    files = sorted({p for p, _ in places})
    if len(places) < max(_MIN_HANDLERS, _MIN_SHARE * functions) or len(files) < _MIN_FILES:
        return
    # the evidence: the first handler of each file, those that do not even log shown first
    firsts = sorted({p: min(n for q, n in places if q == p) for p in files}.items())
    by_file_silent = {p: min((n for q, n in silent if q == p), default=0) for p in files}
    shown = sorted(((p, by_file_silent[p] or n) for p, n in firsts), key=lambda x: (not by_file_silent[x[0]], x))
    first = shown[0]
    also = tuple(Evidence(p, n) for p, n in shown[1:6])
    yield Hit(first[0], first[1], Message("{n} broad exception handlers in {files} files (one for every {every} "
                                          "functions) only pass, log or return a constant: the error stops there "
                                          "and the caller goes on as if the operation had succeeded.",
                                          n=len(places), files=len(files),
                                          every=max(1, round(functions / len(places)))),
              also=also, key="swallowed")


RULE = Rule(
    id="OBS008",
    name="swallowed-broad-exceptions",
    axis=Axis.OBSERVABILITY,
    severity=Severity.LOW,
    title="Broad exception handlers that swallow errors are pervasive",
    impact="Failures turn into silent wrong results (empty lists, None, a default) far from their cause; "
           "bugs such as a typo or a broken query are caught with the expected errors, and monitoring "
           "never sees them.",
    action="Catch the specific exceptions each call can raise; let the unexpected ones propagate to one "
           "error handler that logs and reports them (or re-raise after logging).",
    aggregate="repository",
    check=check,
    example_bad="try:\n    rows = repo.load(vm)\nexcept Exception as e:\n    logger.error(e)\n    return []",
    example_good="try:\n    rows = repo.load(vm)\nexcept RepositoryUnavailable:\n    raise HTTPException(503)",
)
