"""Small AST predicates the extractor records as facts: what a function body amounts to, the main
guard, shared state and its mutators, whole-result loads, exception details leaking to a response.
"""

from __future__ import annotations

import ast
import re

from archaudit.languages.python.values import dotted

WEB_OBJECTS = frozenset({"FastAPI", "APIRouter", "Flask", "Blueprint", "APIBlueprint", "DefaultRouter",
                         "SimpleRouter"})  # recorded even when assigned inside a factory function
IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
MUTATORS = frozenset({"append", "extend", "insert", "pop", "popitem", "remove", "clear", "update",
                      "setdefault", "add", "discard", "__setitem__"})


def body_kind(body: list[ast.stmt]) -> str:
    """What a function body amounts to: "pass", "ellipsis", "not-implemented", "empty-return",
    "docstring-only" (stubs and placeholders), or "code"."""
    stmts = body
    if stmts and isinstance(stmts[0], ast.Expr) and isinstance(stmts[0].value, ast.Constant) \
            and isinstance(stmts[0].value.value, str):
        stmts = stmts[1:]
    if not stmts:
        return "docstring-only"
    if len(stmts) > 1:
        return "code"
    only = stmts[0]
    if isinstance(only, ast.Pass):
        return "pass"
    if isinstance(only, ast.Expr) and isinstance(only.value, ast.Constant) and only.value.value is Ellipsis:
        return "ellipsis"
    if isinstance(only, ast.Raise) and "NotImplementedError" in dotted(
        only.exc.func if isinstance(only.exc, ast.Call) else only.exc
    ):
        return "not-implemented"
    if isinstance(only, ast.Return):
        v = only.value
        if v is None or (isinstance(v, ast.Constant) and v.value in (None, 0, False, "")) or (
            isinstance(v, ast.List | ast.Dict | ast.Tuple | ast.Set)
            and not getattr(v, "elts", getattr(v, "keys", None))
        ):
            return "empty-return"
    return "code"


def materialises(node: ast.AST | None) -> str:
    """".all()" / ".fetchall()" / "list()" when `node` (maybe awaited) loads a whole result into a list."""
    if isinstance(node, ast.Await):
        node = node.value
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("all", "fetchall"):
            return f".{func.attr}()"
        if isinstance(func, ast.Name) and func.id == "list" and node.args:
            return "list()"
    return ""


def is_main_guard(test: ast.expr) -> bool:
    """`if __name__ == "__main__":` (either operand order)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and any(
        isinstance(s, ast.Constant) and s.value == "__main__" for s in sides)



def is_shared(owner: str) -> bool:
    """State that outlives one call: attributes of self/cls, or UPPER_CASE module globals."""
    root = owner.split(".", 1)[0]
    return (root in ("self", "cls") and "." in owner) or root.isupper()


def exposes_exception(node: ast.Return | ast.Call, exc_name: str) -> bool:
    """True when a return value or a response/HTTPException call carries str(exc) or a traceback."""
    if isinstance(node, ast.Call):
        callee = dotted(node.func)
        if not callee.endswith(("Response", "HTTPException", "jsonify", "abort")):
            return False
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            fn = dotted(sub.func)
            if fn in ("str", "repr") and sub.args and isinstance(sub.args[0], ast.Name) \
                    and sub.args[0].id == exc_name:
                return True
            if fn.startswith("traceback.format_"):
                return True
        if isinstance(sub, ast.FormattedValue) and isinstance(sub.value, ast.Name) and sub.value.id == exc_name:
            return True
    return False


_DEBUG_NAME = re.compile(r"^([A-Z][A-Z0-9_]*_)?DEBUG(_MODE)?$|^debug$|"
                         r"^(is_?)?(dev|develop|development|local|staging|debug)(_mode)?$", re.IGNORECASE)
_PROD_NAME = re.compile(r"^(is_?)?(prod|production)$", re.IGNORECASE)
# and the variables only a CI runner sets (`if os.environ.get("GITHUB_WORKFLOW"):` configures the CI job)
_TEST_NAME = re.compile(r"^TESTING$|^testing$|^TEST_MODE$|^IS_TEST(ING)?$|^is_testing$|"
                        r"^(CI|GITHUB_ACTIONS|GITHUB_WORKFLOW|GITLAB_CI|TRAVIS|CIRCLECI|BUILDKITE|TF_BUILD)$")
_ENV_NAME = re.compile(r"^([A-Z][A-Z0-9_]*_)?ENV(IRONMENT)?(_NAME)?$|^env(ironment)?(_name)?$|"
                       r"^(stage|STAGE|mode|MODE)$")
_DEV_ENVS = frozenset({"dev", "develop", "development", "local", "debug", "staging", "stage", "qa", "sandbox"})
_TEST_ENVS = frozenset({"test", "testing", "ci"})
_PROD_ENVS = frozenset({"prod", "production", "live"})
_ENV_READERS = ("getenv", "environ.get", "config.get", "settings.get")


def _last_name(node: ast.expr) -> str:
    """`DEBUG`, `settings.DEBUG`, `app.config["DEBUG"]`, `os.environ.get("ENV")` -> the name tested."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return node.slice.value
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
            and isinstance(node.args[0].value, str) and dotted(node.func).endswith(_ENV_READERS):
        return node.args[0].value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("lower", "upper"):
        return _last_name(node.func.value)  # os.getenv("ENV", "").lower() == "dev"
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _env_values(node: ast.expr) -> list[str] | None:
    """The environment names a comparison tests against: "dev", or ("dev", "local")."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value.lower()]
    if isinstance(node, ast.Tuple | ast.List | ast.Set) and node.elts and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
        return [e.value.lower() for e in node.elts]  # type: ignore[attr-defined]
    return None


def _values_kind(values: list[str]) -> str:
    """One kind for every value: "dev"/"test" when none is production, "prod" when all are, else ""."""
    kinds = {"dev" if v in _DEV_ENVS else "test" if v in _TEST_ENVS else "prod" if v in _PROD_ENVS else ""
             for v in values}
    if len(kinds) == 1:
        return kinds.pop()
    return "dev" if kinds <= {"dev", "test"} else ""


def _compare_context(test: ast.Compare) -> tuple[str, str]:
    if len(test.ops) != 1:
        return "", ""
    left, op, right = test.left, test.ops[0], test.comparators[0]
    if isinstance(op, ast.In | ast.NotIn) and isinstance(left, ast.Constant) and left.value == "test" \
            and dotted(right).endswith("argv"):  # `if "test" in sys.argv:` (Django's test runner)
        return ("test", "") if isinstance(op, ast.In) else ("", "test")
    if isinstance(left, ast.Constant):
        left, right = right, left
    values = _env_values(right)
    if values is None or not _ENV_NAME.match(_last_name(left)):
        if isinstance(op, ast.Is | ast.Eq) and isinstance(right, ast.Constant) and right.value is True:
            return guard_contexts(left)  # `if DEBUG is True:`
        return "", ""
    kind = _values_kind(values)
    positive = isinstance(op, ast.Eq | ast.In | ast.Is)
    if kind in ("dev", "test"):
        return (kind, "") if positive else ("", kind)
    if kind == "prod":
        return ("", "dev") if positive else ("dev", "")
    return "", ""


def guard_contexts(test: ast.expr) -> tuple[str, str]:
    """The execution context an `if` test confines its body and its else branch to: "dev" under
    `if DEBUG:`/`if settings.DEBUG:`/`if ENV == "local":`, "test" under `if TESTING:` or
    `if "test" in sys.argv:`, "" for anything else. `not` swaps the branches; in `a and b` the body
    runs only where any operand's body does; in `a or b` the else branch only where any operand's
    else branch does (`if not DEBUG or x: return` leaves the rest of the function to DEBUG)."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        body, orelse = guard_contexts(test.operand)
        return orelse, body
    if isinstance(test, ast.BoolOp):
        parts = [guard_contexts(v) for v in test.values]
        if isinstance(test.op, ast.And):
            return next((b for b, _ in parts if b), ""), ""
        return "", next((e for _, e in parts if e), "")
    if isinstance(test, ast.Compare):
        return _compare_context(test)
    name = _last_name(test)
    if _DEBUG_NAME.match(name):
        return "dev", ""
    if _TEST_NAME.match(name):
        return "test", ""
    if _PROD_NAME.match(name):
        return "", "dev"
    return "", ""


def exits(body: list[ast.stmt]) -> bool:
    """A branch that only leaves the function (`return ...`, `raise ...`)."""
    return bool(body) and isinstance(body[-1], ast.Return | ast.Raise) and all(
        isinstance(s, ast.Return | ast.Raise | ast.Expr) for s in body)
