"""Turn one Python source into `ModuleFacts` with a single walk over its AST.

Every analysis reads these facts; none re-parses the file. The walk is one recursive function with
a dispatch table by node type, so adding a fact costs one branch, not one more traversal.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from archaudit.languages.python.facts import (
    Decorator,
    FunctionFact,
    ModuleFacts,
    Value,
)

_BRANCHES = frozenset({ast.If, ast.For, ast.AsyncFor, ast.While, ast.Try, ast.With, ast.AsyncWith, ast.IfExp,
                       ast.BoolOp, ast.Match, ast.comprehension, ast.ExceptHandler})
_STATEMENTS = frozenset(c for c in vars(ast).values() if isinstance(c, type) and issubclass(c, ast.stmt))
_LEAF_FIELDS = frozenset({"ctx", "type_comment", "id", "attr", "arg", "asname", "module", "level", "kind",
                          "conversion", "is_async", "type_ignores"})
_FIELDS: dict[type, tuple[str, ...]] = {}
_MAX_ARGS = 6
_MAX_LITERAL = 400


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


def value_of(node: ast.AST | None, depth: int = 0) -> Value:
    """A literal as itself; anything else as {"$": text} (see facts.Value)."""
    if node is None:
        return None
    cls = node.__class__
    if cls is ast.Name:
        return {"$": node.id}  # type: ignore[attr-defined]
    if cls is ast.Constant and node.value.__class__ in (int, bool, float):  # type: ignore[attr-defined]
        return node.value  # type: ignore[attr-defined]
    if isinstance(node, ast.Constant):
        v = node.value
        if isinstance(v, str) and len(v) > _MAX_LITERAL:
            return v[:_MAX_LITERAL]
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
            return -v
    if isinstance(node, ast.JoinedStr):
        text = "".join(str(p.value) if isinstance(p, ast.Constant) else "{}" for p in node.values)
        return {"$": "f'" + str(text)[:_MAX_LITERAL] + "'"}
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.left, ast.BinOp):
        left: ast.expr = node.left  # "a" + x + "b": the leftmost string tells what is being built
        while isinstance(left, ast.BinOp) and isinstance(left.op, ast.Add):
            left = left.left
        if isinstance(left, ast.Constant) and isinstance(left.value, str):
            return {"$": "+'" + left.value[:_MAX_LITERAL] + "'"}
    if isinstance(node, ast.BinOp) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
        return {"$": "%'" + node.left.value[:_MAX_LITERAL] + "'" if isinstance(node.op, ast.Mod)
                else "+'" + node.left.value[:_MAX_LITERAL] + "'"}
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format" \
            and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str):
        return {"$": ".format'" + node.func.value.value[:_MAX_LITERAL] + "'"}  # "...{}".format(x)
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


def _body_kind(body: list[ast.stmt]) -> str:
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


def _annotation(node: ast.expr) -> str:
    """Dotted name of a parameter annotation; full source when subscripted (`Annotated[User, Depends(x)]`),
    where the dotted form would drop the part that matters."""
    name = dotted(node)
    return name if name and "[]" not in name else ast.unparse(node)[:200]


def _decorator(node: ast.expr) -> Decorator:
    if isinstance(node, ast.Call):
        return {
            "name": dotted(node.func),
            "line": node.lineno,
            "call": True,
            "args": [value_of(a) for a in node.args[:_MAX_ARGS]],
            "kwargs": {k.arg: value_of(k.value) for k in node.keywords if k.arg},
            # exact source only where value_of loses detail (response_model=list[X], resp=Response(...))
            "text": ast.unparse(node)[:_MAX_LITERAL]
            if any(isinstance(k.value, ast.Subscript | ast.Call) for k in node.keywords) else "",
        }
    name = dotted(node)
    return {"name": name, "line": node.lineno, "call": False, "args": [], "kwargs": {}, "text": name}


class _Extractor:
    """Holds the lists being filled and the scope stacks during the single walk."""

    def __init__(self) -> None:
        self.facts: ModuleFacts = {
            "lines": 0, "docstring": False, "imports": [], "classes": [], "functions": [], "calls": [],
            "assigns": [], "raises": [], "withs": [], "mutations": [], "handlers": [], "names": [],
            "globals": [],
            "slices": [],
            "main_block": [],
            "type_aliases": [],
            "returns": [],
            "include_lists": [],
        }
        self.names: set[str] = set()
        self.materialised: dict[tuple[str, str], str] = {}  # (function, local) -> ".all()" / "list()"
        self.counts: list[list[int]] = [[0, 0]]  # [statements, branches] per enclosing function
        self.func: list[str] = []  # qualname stack of enclosing functions
        self.cls: list[str] = []  # enclosing class names
        self.locks = 0  # depth of enclosing lock contexts
        self.type_checking = 0
        self.dispatch: dict[type, Any] = {
            ast.Import: self.import_, ast.ImportFrom: self.import_from, ast.ClassDef: self.class_,
            ast.FunctionDef: self.function, ast.AsyncFunctionDef: self.function, ast.Call: self.call,
            ast.Assign: self.assign, ast.AnnAssign: self.assign, ast.AugAssign: self.assign,
            ast.Raise: self.raise_, ast.With: self.with_, ast.AsyncWith: self.with_,
            ast.ExceptHandler: self.handler, ast.If: self.if_, ast.Global: self.global_,
            ast.Return: self.return_, ast.Subscript: self.subscript,
        }

    # -- traversal -------------------------------------------------------------------------------
    def visit(self, node: ast.AST) -> None:
        cls = node.__class__
        if cls in _STATEMENTS:
            self.counts[-1][0] += 1
        if cls in _BRANCHES:
            self.counts[-1][1] += 1
        handler = self.dispatch.get(cls)
        if handler is not None:
            handler(node)
        elif cls is ast.Name:
            self.names.add(node.id)  # type: ignore[attr-defined]
        elif cls is ast.Attribute:
            self.names.add(node.attr)  # type: ignore[attr-defined]
            self.visit(node.value)  # type: ignore[attr-defined]
        else:
            self.children(node)

    def children(self, node: ast.AST) -> None:
        """Visit child nodes; faster than ast.iter_child_nodes (cached field names, no ctx)."""
        fields = _FIELDS.get(node.__class__)
        if fields is None:
            fields = _FIELDS[node.__class__] = tuple(f for f in node._fields if f not in _LEAF_FIELDS)
        visit = self.visit
        for name in fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        visit(item)
            elif isinstance(value, ast.AST):
                visit(value)

    @property
    def scope(self) -> str:
        return self.func[-1] if self.func else ""

    # -- handlers --------------------------------------------------------------------------------
    def import_(self, node: ast.Import) -> None:
        local = bool(self.func) or self.type_checking > 0
        for alias in node.names:
            self.facts["imports"].append(
                {"module": alias.name, "names": [], "line": node.lineno, "level": 0, "local": local,
                 "alias": alias.asname or ""}
            )

    def import_from(self, node: ast.ImportFrom) -> None:
        self.facts["imports"].append({
            "module": node.module or "", "line": node.lineno, "level": node.level or 0,
            "names": [f"{a.name} as {a.asname}" if a.asname else a.name for a in node.names],
            "local": bool(self.func) or self.type_checking > 0, "alias": "",
        })

    def if_(self, node: ast.If) -> None:
        guard = dotted(node.test)
        if not self.func and _is_main_guard(node.test):
            self.facts["main_block"] = [node.lineno, node.end_lineno or node.lineno]
        if guard.endswith("TYPE_CHECKING"):
            self.type_checking += 1
            for stmt in node.body:
                self.visit(stmt)
            self.type_checking -= 1
            for stmt in node.orelse:
                self.visit(stmt)
            return
        self.children(node)

    def class_(self, node: ast.ClassDef) -> None:
        fields = []
        for stmt in node.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                fields.append({"name": stmt.target.id, "line": stmt.lineno,
                               "annotation": dotted(stmt.annotation) or ast.unparse(stmt.annotation)[:80],
                               "value": value_of(stmt.value), "has_value": stmt.value is not None})
            elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                fields.append({"name": stmt.targets[0].id, "line": stmt.lineno, "annotation": "",
                               "value": value_of(stmt.value), "has_value": True})
        self.facts["classes"].append({
            "name": node.name, "line": node.lineno, "end": node.end_lineno or node.lineno,
            "bases": [dotted(b) or type(b).__name__ for b in node.bases],
            "decorators": [_decorator(d) for d in node.decorator_list],
            "keywords": {k.arg: value_of(k.value) for k in node.keywords if k.arg},
            "fields": fields,  # type: ignore[typeddict-item]
            "methods": [s.name for s in node.body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)],
        })
        for d in node.decorator_list:
            self.visit(d)
        for b in node.bases:
            self.visit(b)
        self.cls.append(node.name)
        saved, self.func = self.func, []
        for stmt in node.body:
            self.visit(stmt)
        self.func = saved
        self.cls.pop()

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        cls = self.cls[-1] if self.cls and not self.func else ""
        prefix = self.func[-1] + "." if self.func else (cls + "." if cls else "")
        qualname = prefix + node.name
        args = node.args
        params = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
        annotations = {a.arg: _annotation(a.annotation)
                       for a in (*args.posonlyargs, *args.args, *args.kwonlyargs) if a.annotation}
        if node.returns is not None:
            annotations["return"] = dotted(node.returns) or ast.unparse(node.returns)[:80]
        for ann in (*(a.annotation for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)), node.returns):
            self._annotation_names(ann)
        positional = [*args.posonlyargs, *args.args]
        defaults = {a.arg: value_of(d) for a, d in zip(positional[len(positional) - len(args.defaults):],
                                                        args.defaults, strict=False)}
        defaults.update({a.arg: value_of(d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=False)
                         if d is not None})
        fact: FunctionFact = {
            "qualname": qualname, "name": node.name, "cls": cls, "line": node.lineno,
            "end": node.end_lineno or node.lineno, "is_async": isinstance(node, ast.AsyncFunctionDef),
            "decorators": [_decorator(d) for d in node.decorator_list], "params": params,
            "annotations": annotations, "defaults": defaults, "statements": 0,
            "branches": 0, "body": _body_kind(node.body),
        }
        self.facts["functions"].append(fact)
        for d in node.decorator_list:
            self.visit(d)
        self.func.append(qualname)
        saved_locks, self.locks = self.locks, 0
        self.counts.append([0, 0])
        for stmt in node.body:
            self.visit(stmt)
        statements, branches = self.counts.pop()
        fact["statements"], fact["branches"] = statements, branches
        self.counts[-1][0] += statements  # nested bodies count for the enclosing function too
        self.counts[-1][1] += branches
        self.locks = saved_locks
        self.func.pop()

    def call(self, node: ast.Call) -> None:
        name = dotted(node.func)
        if name:
            self.facts["calls"].append({
                "name": name, "line": node.lineno, "func": self.scope,
                "args": [value_of(a) for a in node.args[:_MAX_ARGS]],
                "kwargs": {k.arg: value_of(k.value) for k in node.keywords if k.arg},
            })
            method = name.rsplit(".", 1)[-1]
            owner = name[: -len(method) - 1]
            if method == "include" and node.args and isinstance(node.args[0], ast.List | ast.Tuple):
                self.facts["include_lists"].append([node.lineno, node.end_lineno or node.lineno])
            if self.func and owner and method in _MUTATORS and _is_shared(owner):
                self.facts["mutations"].append({"target": owner, "line": node.lineno, "func": self.scope,
                                                "kind": "call:" + method, "locked": self.locks > 0})
        self.children(node)

    def assign(self, node: ast.Assign | ast.AnnAssign | ast.AugAssign) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        value = value_of(node.value) if node.value is not None else None
        if not self.func and isinstance(node.value, ast.Subscript) and isinstance(targets[0], ast.Name) \
                and dotted(node.value.value).endswith("Annotated"):
            self.facts["type_aliases"].append({"name": targets[0].id, "line": node.lineno,
                                               "text": ast.unparse(node.value)[:_MAX_LITERAL]})
        web_object = isinstance(node.value, ast.Call) \
            and dotted(node.value.func).rsplit(".", 1)[-1] in _WEB_OBJECTS
        for t in targets:
            name = dotted(t)
            if not name:
                continue
            if not self.func or name.startswith(("self.", "app.", "settings.")) or "[" in name or web_object \
                    or is_formatted_sql(value):
                self.facts["assigns"].append({"target": name, "line": node.lineno, "value": value,
                                              "func": self.scope, "cls": self.cls[-1] if self.cls else ""})
            if self.func and _is_shared(name.split("[")[0]) and ("." in name or "[" in name):
                kind = "subscript" if "[" in name else "assign"
                self.facts["mutations"].append({"target": name.split("[")[0], "line": node.lineno,
                                                "func": self.scope, "kind": kind, "locked": self.locks > 0})
        self.children(node)
        # recorded after the value is walked: in `rows = list(rows[:limit])` the slice reads the old `rows`
        if self.func and isinstance(targets[0], ast.Name) and _materialises(node.value):
            self.materialised[(self.scope, targets[0].id)] = _materialises(node.value)

    def return_(self, node: ast.Return) -> None:
        """Literal dict returns (`return {...}`, `return {...}, 400`) and `return <call>, 400`: keys and status."""
        value, status = node.value, 0
        if isinstance(value, ast.Tuple) and value.elts:
            second = value.elts[1] if len(value.elts) > 1 else None
            if isinstance(second, ast.Constant) and type(second.value) is int:
                status = second.value
            value = value.elts[0]
        if isinstance(value, ast.Dict) or status:
            keys = [k.value for k in value.keys[:30] if isinstance(k, ast.Constant) and isinstance(k.value, str)] \
                if isinstance(value, ast.Dict) else []
            self.facts["returns"].append({"line": node.lineno, "func": self.scope, "keys": keys, "status": status})
        self.children(node)

    def subscript(self, node: ast.Subscript) -> None:
        """`items[skip:skip + limit]` on a list materialised in the same function (in-memory paging)."""
        sl = node.slice
        if self.func and isinstance(sl, ast.Slice) and not all(
                b is None or isinstance(b, ast.Constant | ast.UnaryOp) for b in (sl.lower, sl.upper)):
            base = node.value
            source = self.materialised.get((self.scope, base.id), "") if isinstance(base, ast.Name) \
                else _materialises(base)
            if source:
                bounds = sorted({n.id if isinstance(n, ast.Name) else n.attr  # type: ignore[union-attr]
                                 for b in (sl.lower, sl.upper) if b is not None for n in ast.walk(b)
                                 if isinstance(n, ast.Name | ast.Attribute)})  # `settings.PAGE_SIZE` too
                self.facts["slices"].append({"line": node.lineno, "func": self.scope, "target": dotted(base),
                                             "source": source, "bounds": bounds})
        self.children(node)

    def _annotation_names(self, node: ast.expr | None) -> None:
        """Names used only in a signature's annotations (incl. "quoted" forward references) count as read."""
        if node is None:
            return
        for sub in ast.walk(node):  # an annotation is a tiny subtree, not the module
            if isinstance(sub, ast.Name):
                self.names.add(sub.id)
            elif isinstance(sub, ast.Attribute):
                self.names.add(sub.attr)
            elif isinstance(sub, ast.Constant) and isinstance(sub.value, str) and len(sub.value) < 200:
                self.names.update(_IDENTIFIER.findall(sub.value))

    def global_(self, node: ast.Global) -> None:
        self.facts["globals"].append({"names": list(node.names), "line": node.lineno, "func": self.scope})

    def raise_(self, node: ast.Raise) -> None:
        exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        self.facts["raises"].append({"exc": dotted(exc), "line": node.lineno, "func": self.scope})
        self.children(node)

    def with_(self, node: ast.With | ast.AsyncWith) -> None:
        is_lock = False
        for item in node.items:
            ctx = dotted(item.context_expr.func if isinstance(item.context_expr, ast.Call) else item.context_expr)
            is_lock = is_lock or "lock" in ctx.lower() or "semaphore" in ctx.lower()
            self.facts["withs"].append({"ctx": ctx, "line": node.lineno, "end": node.end_lineno or node.lineno,
                                        "func": self.scope, "is_async": isinstance(node, ast.AsyncWith)})
        self.locks += is_lock
        self.children(node)
        self.locks -= is_lock

    def handler(self, node: ast.ExceptHandler) -> None:
        types = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type] if node.type else []
        leaks = False
        if node.name:
            for sub in ast.walk(node):
                if isinstance(sub, ast.Return | ast.Call) and _exposes_exception(sub, node.name):
                    leaks = True
                    break
        self.facts["handlers"].append({"types": [dotted(t) for t in types], "line": node.lineno,
                                       "func": self.scope, "leaks": leaks})
        self.children(node)


_WEB_OBJECTS = frozenset({"FastAPI", "APIRouter", "Flask", "Blueprint", "APIBlueprint", "DefaultRouter",
                          "SimpleRouter"})  # recorded even when assigned inside a factory function
_SQL_START = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "CREATE", "DROP", "ALTER", "TRUNCATE", "REPLACE",
              "MERGE", "GRANT", "EXEC")


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


def _materialises(node: ast.AST | None) -> str:
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


def _is_main_guard(test: ast.expr) -> bool:
    """`if __name__ == "__main__":` (either operand order)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and any(
        isinstance(s, ast.Constant) and s.value == "__main__" for s in sides)


_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
_MUTATORS = frozenset({"append", "extend", "insert", "pop", "popitem", "remove", "clear", "update",
                       "setdefault", "add", "discard", "__setitem__"})


def _is_shared(owner: str) -> bool:
    """State that outlives one call: attributes of self/cls, or UPPER_CASE module globals."""
    root = owner.split(".", 1)[0]
    return (root in ("self", "cls") and "." in owner) or root.isupper()


def _exposes_exception(node: ast.Return | ast.Call, exc_name: str) -> bool:
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


def extract(source: str) -> ModuleFacts:
    """Parse `source` (raises SyntaxError/ValueError/RecursionError on bad input) and extract facts."""
    tree = ast.parse(source)
    ex = _Extractor()
    ex.facts["lines"] = source.count("\n") + (0 if source.endswith("\n") or not source else 1)
    ex.facts["docstring"] = ast.get_docstring(tree) is not None
    for stmt in tree.body:
        ex.visit(stmt)
    ex.facts["names"] = sorted(ex.names)
    return ex.facts
