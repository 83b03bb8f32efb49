"""Python AST expressions as plain data: dotted names, literal values, decorators, and the test for
interpolated SQL strings. Shared by the extractor and the rules that read its facts (`is_formatted_sql`).
"""

from __future__ import annotations

import ast

from archaudit.languages.python.facts import Decorator, Value
from archaudit.safe_text import wide_int

MAX_ARGS = 6  # positional arguments kept per call or decorator
MAX_LITERAL = 400  # characters kept of a string literal or source excerpt


def dotted(node: ast.AST | None) -> str:
    """`a.b.c` for Name/Attribute chains, `f()` suffix through calls, "" when not a simple chain."""
    cls = node.__class__
    if cls is ast.Name:  # fast paths: most names are `x` or `x.y`
        return node.id  # type: ignore[union-attr]
    if cls is ast.Attribute and node.value.__class__ is ast.Name:  # type: ignore[union-attr]
        return node.value.id + "." + node.attr  # type: ignore[union-attr]
    parts: list[str] = []
    while node is not None:
        cls = node.__class__
        if cls is ast.Name:
            parts.append(node.id)  # type: ignore[attr-defined]
            break
        if cls is ast.Attribute:
            parts.append(node.attr)  # type: ignore[attr-defined]
            node = node.value  # type: ignore[attr-defined]
        elif isinstance(node, ast.Call):
            inner = dotted(node.func)
            if not inner:
                return ""
            parts.append(inner + "()")
            break
        elif isinstance(node, ast.Subscript):
            key = node.slice
            label = key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else ""
            parts.append(f"[{label}]")
            node = node.value
        else:
            return ""
    return ".".join(reversed(parts)).replace(".[", "[")


def _number(v: float, negative: bool = False) -> Value:
    """A numeric literal as itself; an integer too wide to print as a description (safe_text.wide_int)."""
    if isinstance(v, int) and wide_int(v):
        return {"$": f"{'-' if negative else ''}int ({v.bit_length()} bits)"}
    return -v if negative else v


def value_of(node: ast.AST | None, depth: int = 0) -> Value:
    """A literal as itself; anything else as {"$": text} (see facts.Value)."""
    if node is None:
        return None
    cls = node.__class__
    if cls is ast.Name:
        return {"$": node.id}  # type: ignore[attr-defined]
    if cls is ast.Constant and node.value.__class__ in (int, bool, float):  # type: ignore[attr-defined]
        return _number(node.value)  # type: ignore[attr-defined]
    if isinstance(node, ast.Constant):
        v = node.value
        if isinstance(v, str) and len(v) > MAX_LITERAL:
            return v[:MAX_LITERAL]
        if isinstance(v, bytes):
            return {"$": "bytes"}
        if v is Ellipsis:
            return {"$": "..."}
        if isinstance(v, complex):
            return {"$": "complex"}
        return v
    if depth < 3 and isinstance(node, ast.List | ast.Tuple | ast.Set):
        return [value_of(e, depth + 1) for e in node.elts[:50]]
    if depth < 3 and isinstance(node, ast.Dict):
        out: dict[str, Value] = {}
        for key, item in zip(node.keys[:50], node.values[:50], strict=False):
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value != "$":
                out[key.value] = value_of(item, depth + 1)
        return out
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        v = node.operand.value
        if isinstance(v, int | float):
            return _number(v, negative=True)
    if isinstance(node, ast.JoinedStr):
        text = "".join(str(p.value) if isinstance(p, ast.Constant) else "{}" for p in node.values)
        return {"$": "f'" + str(text)[:MAX_LITERAL] + "'"}
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.left, ast.BinOp):
        left: ast.expr = node.left  # "a" + x + "b": the leftmost string tells what is being built
        while isinstance(left, ast.BinOp) and isinstance(left.op, ast.Add):
            left = left.left
        if isinstance(left, ast.Constant) and isinstance(left.value, str):
            return {"$": "+'" + left.value[:MAX_LITERAL] + "'"}
    if isinstance(node, ast.BinOp) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
        return {"$": "%'" + node.left.value[:MAX_LITERAL] + "'" if isinstance(node.op, ast.Mod)
                else "+'" + node.left.value[:MAX_LITERAL] + "'"}
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format" \
            and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str):
        return {"$": ".format'" + node.func.value.value[:MAX_LITERAL] + "'"}  # "...{}".format(x)
    if isinstance(node, ast.Call):
        name = dotted(node.func)
        if name in ("os.getenv", "os.environ.get", "getenv", "env", "config") and node.args:
            first = node.args[0]
            env_key = first.value if isinstance(first, ast.Constant) else "?"
            default = value_of(node.args[1], depth + 1) if len(node.args) > 1 else None
            return {"$": f"{name}({env_key!r}, default={default!r})"}
        inner = dotted(node.args[0]) if node.args else ""
        return {"$": f"{name or 'call'}({inner})"}
    name = dotted(node)
    return {"$": name or type(node).__name__}



def source(node: ast.AST, limit: int = MAX_LITERAL) -> str:
    """`ast.unparse(node)` cut to `limit`, never raising: unparsing an integer literal past 4,300 digits
    raises ValueError, a deeply nested expression RecursionError; either gives the node's type name."""
    try:
        return ast.unparse(node)[:limit]
    except (ValueError, RecursionError):
        return type(node).__name__


def annotation(node: ast.expr) -> str:
    """Dotted name of a parameter annotation; full source when subscripted (`Annotated[User, Depends(x)]`),
    where the dotted form would drop the part that matters."""
    name = dotted(node)
    return name if name and "[]" not in name else source(node, 200)


def decorator(node: ast.expr) -> Decorator:
    if isinstance(node, ast.Call):
        return {
            "name": dotted(node.func),
            "line": node.lineno,
            "call": True,
            "args": [value_of(a) for a in node.args[:MAX_ARGS]],
            "kwargs": {k.arg: value_of(k.value) for k in node.keywords if k.arg},
            # exact source only where value_of loses detail (response_model=list[X], resp=Response(...))
            "text": source(node)
            if any(isinstance(k.value, ast.Subscript | ast.Call) for k in node.keywords) else "",
        }
    name = dotted(node)
    return {"name": name, "line": node.lineno, "call": False, "args": [], "kwargs": {}, "text": name}


_SQL_START = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "CREATE", "DROP", "ALTER", "TRUNCATE", "REPLACE",
              "MERGE", "GRANT", "EXEC")


def is_sql_text(value: Value) -> bool:
    """A plain string literal starting with an SQL keyword (`"SELECT * FROM logs "`)."""
    return isinstance(value, str) and value.lstrip(" (\n\t").upper().startswith(_SQL_START)


def is_interpolated(value: Value) -> bool:
    """An f-string with a substitution, a %-formatted, concatenated or .format()-ed string expression."""
    if not (isinstance(value, dict) and len(value) == 1 and isinstance(value.get("$"), str)):
        return False
    text = value["$"]
    if text.startswith(("f'", ".format'")):
        return "{" in text
    return text.startswith(("%'", "+'"))


def is_formatted_sql(value: Value) -> bool:
    """True for a Value that is an f-string / % / + / .format string starting with an SQL keyword.

    Local variables holding such strings are recorded as assigns so that `cursor.execute(query)`
    can be traced back to an interpolated query (security rule SEC006)."""
    if not (isinstance(value, dict) and len(value) == 1 and isinstance(value.get("$"), str)):
        return False
    text = value["$"]
    for prefix in ("f'", "%'", "+'", ".format'"):
        if text.startswith(prefix):
            return text[len(prefix):].lstrip(" (\n\t").upper().startswith(_SQL_START)
    return False
