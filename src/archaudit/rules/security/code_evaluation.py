"""SEC113 code-evaluated-from-request."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import PYTHON, TYPESCRIPT, Rule
from archaudit.rules.security._sinks import CODE, hit, python_calls, python_input, ts_input, ts_sinks

_EVALUATORS = ("eval", "exec", "builtins.eval", "builtins.exec")
_FACT = Message("the evaluated text comes from the request")


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at code evaluated at run time: Python's built-in `eval()`/`exec()` (not
    `ast.literal_eval`, not a cursor's `execute`), TypeScript's `eval()`, `new Function(...)` and
    `vm.runIn*Context`. A literal or module constant is silent. The evaluated text is followed one
    step (local variables, a route handler's parameters): request data is a finding; a value whose
    source is not established is reported as not determined."""
    for path, call, name in python_calls(repo, *_EVALUATORS):
        found = python_input(repo, path, call, name.rsplit(".", 1)[-1], 0, ("source", "object"))
        if found is None or found.state == CODE:
            continue
        yield hit(path, call["line"], Message("{name}() evaluates {what} as Python code.",
                                              name=name, what=found.what), found, _FACT, key=name)
    for path, s in ts_sinks(repo, "eval"):
        found = ts_input(s)
        if found.state == CODE:
            continue
        yield hit(path, s["line"], Message("{callee}() evaluates {what} as JavaScript code.",
                                           callee=s['callee'], what=found.what), found, _FACT,
                  key=s["callee"])


RULE = Rule(
    id="SEC113",
    name="code-evaluated-from-request",
    axis=Axis.SECURITY,
    severity=Severity.HIGH,
    title="Code evaluated from request data",
    impact="Whoever controls the evaluated text runs arbitrary code inside the server process.",
    action="Parse the data instead of evaluating it (json.loads, ast.literal_eval, JSON.parse) or dispatch on a "
           "fixed table of allowed operations.",
    check=check,
    languages=PYTHON | TYPESCRIPT,
    example_bad='result = eval(request.args["expr"])',
    example_good='result = ast.literal_eval(request.args["expr"])',
)
