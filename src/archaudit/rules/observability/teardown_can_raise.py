"""OBS101 request-hook-can-raise."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.languages.python.facts import ModuleFacts
from archaudit.repo import Repo
from archaudit.rules.base import Rule

# hooks that run after the view, or while an error is being answered: an exception raised there
# replaces the response (after_request), is swallowed into a second 500 (error handlers), or breaks the
# clean-up of the request (teardown)
_HOOKS = frozenset({"teardown_request", "teardown_appcontext", "after_request", "after_app_request",
                    "errorhandler", "app_errorhandler", "exception_handler", "register_error_handler",
                    "add_exception_handler"})
_WRITES = frozenset({"commit", "flush"})


def _hooks(facts: ModuleFacts) -> dict[str, tuple[str, int]]:
    """Functions of the module registered as a hook: qualname -> (hook, line of the registration)."""
    out: dict[str, tuple[str, int]] = {}
    names = {fn["name"]: fn["qualname"] for fn in facts["functions"] if not fn["cls"]}
    for fn in facts["functions"]:
        for d in fn["decorators"]:
            hook = d["name"].rsplit(".", 1)[-1]
            if hook in _HOOKS:
                out[fn["qualname"]] = (hook, d["line"])
    for call in facts["calls"]:
        hook = call["name"].rsplit(".", 1)[-1]
        if hook not in _HOOKS or not call["args"]:
            continue
        handler = call["args"][-1] if hook in ("register_error_handler", "add_exception_handler") else call["args"][0]
        text = handler.get("$", "") if isinstance(handler, dict) else ""
        if text in names:
            out[names[text]] = (hook, call["line"])
    return out


def check(repo: Repo) -> Iterator[Hit]:
    """Flask teardown_request/teardown_appcontext/after_request hooks and error handlers (Flask
    errorhandler, FastAPI/Starlette exception_handler), registered by decorator or by a call naming a
    function of the same module, that commit or flush a database session (`db.session.commit()`,
    `session.flush()`) while the function holds no `except` clause at all: a failing write there
    raises out of the hook itself."""
    for path, facts in repo.python_items():
        hooks = _hooks(facts)
        if not hooks:
            continue
        guarded = {h["func"] for h in facts["handlers"]}
        for call in facts["calls"]:
            owner, _, method = call["name"].rpartition(".")
            if call["func"] not in hooks or call["func"] in guarded or method not in _WRITES \
                    or owner.rsplit(".", 1)[-1] not in ("session", "db_session", "dbsession"):
                continue
            hook, line = hooks[call["func"]]
            yield Hit(path, call["line"], Message("{func} (registered with {hook} at line {line}) calls {name}() "
                                                  "with no except clause: a failed write raises out of the hook.",
                                                  func=call["func"], hook=hook, line=line, name=call["name"]),
                      key=call["func"])


RULE = Rule(
    id="OBS101",
    name="request-hook-can-raise",
    axis=Axis.OBSERVABILITY,
    severity=Severity.MEDIUM,
    title="A teardown, after-request or error handler writes to the database without catching errors",
    impact="The hook runs after the view or while an error is being answered: when the commit fails there, the "
           "exception escapes the hook, so the client gets a bare 500 instead of the intended response, the original "
           "error is masked, and the clean-up after it is skipped.",
    action="Commit in the view or service that made the change; if a hook must write, wrap the write in "
           "try/except, roll back and log the error there.",
    check=check,
    example_bad="@app.teardown_request\ndef finish(exc):\n    db.session.commit()",
    example_good="@app.teardown_request\ndef finish(exc):\n    try:\n        db.session.commit()\n"
                 "    except SQLAlchemyError:\n        db.session.rollback()\n        log.exception(\"commit failed\")",
)
