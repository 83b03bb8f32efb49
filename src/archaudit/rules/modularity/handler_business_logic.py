"""MOD003 business-logic-in-handler."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.modularity._handlers import handlers

MAX_STATEMENTS = 40
MAX_BRANCHES = 12


def check(repo: Repo) -> Iterator[Hit]:
    """Reports route handlers longer than 40 statements or with more than 12 branches (if/for/while/
    try/with/boolean operators, nested functions included): the handler does the work itself."""
    for h in handlers(repo):
        st, br = h.fn["statements"], h.fn["branches"]
        if st > MAX_STATEMENTS or br > MAX_BRANCHES:
            yield Hit(h.file, h.fn["line"],
                      Message("Handler {label} holds {st} statements and {br} branches (limits {max_statements} / "
                              "{max_branches}): business logic lives in the HTTP layer.",
                              label=h.label, st=st, br=br, max_statements=MAX_STATEMENTS,
                              max_branches=MAX_BRANCHES),
                      key=h.fn["qualname"])


RULE = Rule(
    id="MOD003",
    name="business-logic-in-handler",
    axis=Axis.MODULARITY,
    severity=Severity.MEDIUM,
    title="Long or branchy route handler",
    impact="Logic embedded in a handler can only be exercised through HTTP, is duplicated when another "
           "entry point (job, CLI) needs it, and makes the route hard to review.",
    action="Extract the work into a service or use-case function that takes plain arguments; keep the "
           "handler to parsing input, calling the service and shaping the response.",
    check=check,
    example_bad='@router.post("/answers")\ndef submit(...):\n'
                '    # 80 lines: scoring, streaks, badges, commits',
    example_good='@router.post("/answers")\ndef submit(data: AnswerIn, svc: ExerciseService = Depends()):\n'
                 '    return svc.submit_answer(data)',
)
