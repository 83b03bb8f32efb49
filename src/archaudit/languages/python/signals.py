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
