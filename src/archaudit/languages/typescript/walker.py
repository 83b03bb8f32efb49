"""The single walk of the TypeScript/JavaScript extractor, and its handlers for imports, exports,
calls and settings (declarations are in `declarations`).

The walk is one explicit stack (no recursion, so deeply nested callbacks or minified code cannot hit
Python's recursion limit). The stack holds bare nodes; the enclosing function name and its counters
record (the context) change only through `(func, rec)` tuples: `push_in` brackets nodes walked in
another context between a tuple that sets it and one that restores the pusher's. Every node is then
walked in the same order and context as with a (node, func, rec) frame per node, for a third of the
cost. Dispatch is on `kind_id` through the grammar's tables (see `kinds`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tree_sitter import Node

from archaudit.languages.typescript import declarations, sinks
from archaudit.languages.typescript.facts import SETTING_KEYS, Import, TsFacts
from archaudit.languages.typescript.kinds import BRANCH, ERROR, FUNCTIONS, HANDLED, PRUNE, ROUTE_METHODS, STATEMENT
from archaudit.languages.typescript.kinds import Grammar as Grammar
from archaudit.languages.typescript.nodes import chain, dotted, line, string_value, text, value_of

_MAX_ARGS = 6


class Walker:
    """The lists being filled and the explicit stack of the single walk."""

    def __init__(self, source: bytes = b"") -> None:
        self.source = source  # the parsed bytes: `process.env` reads are recognised by their first bytes
        self.facts: TsFacts = {
            "lines": 0,
            "imports": [],
            "exports": [],
            "classes": [],
            "functions": [],
            "calls": [],
            "consts": [],
            "headers": [],
            "id_names": [],
            "settings": [],
            "env": [],
            "sinks": [],
            "env_fallbacks": [],
            "error_middleware": [],
            "errors": 0,
            "passwords": [],
        }
        self.exports: set[str] = set()
        self.required: set[int] = set()  # ids of require() calls already recorded with their names
        self.stack: list[Any] = []  # nodes, and (func, rec) context tuples

    def run(self, root: Node, grammar: Grammar) -> None:
        stack = self.stack
        stack.append(root)
        pop, extend = stack.pop, stack.extend
        flags_of, handlers = grammar.flags, grammar.handlers
        func: str = ""
        rec: Any = None
        while stack:
            node = pop()
            if node.__class__ is tuple:
                func, rec = node
                continue
            kid = node.kind_id
            flags = flags_of[kid]
            if flags:
                if flags & PRUNE:
                    continue
                if rec is not None:
                    if flags & STATEMENT:
                        rec["statements"] += 1
                    if flags & BRANCH:
                        rec["branches"] += 1
                if flags & HANDLED:
                    handlers[kid](self, node, func, rec)
                    continue
                if flags & ERROR:
                    self.facts["errors"] += 1
            extend(node.named_children)

    def push_in(self, nodes: Iterable[Node | None], outer: tuple[str, Any], func: str, rec: Any) -> None:
        """Walk `nodes` (None skipped) in context (func, rec), then restore the pusher's `outer` one."""
        stack = self.stack
        stack.append(outer)
        stack.extend(n for n in nodes if n is not None)
        stack.append((func, rec))

    # -- imports / exports -----------------------------------------------------------------------
    def import_(self, node: Node, func: str, rec: Any) -> None:
        source = node.child_by_field_name("source")
        if source is None:  # `import x = require(...)`: handled as a call below
            self.stack.extend(node.named_children)
            return
        names: list[str] = []
        whole_type = any(c.type == "type" for c in node.children)  # `import type {...}`
        value_names = 0  # names imported as values (not `type X`)
        for clause in node.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":
                    names.append("default as " + text(part))
                    value_names += 1
                elif part.type == "namespace_import":
                    names.append("* as " + text(part.named_children[-1] if part.named_child_count else part))
                    value_names += 1
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        if spec.type != "import_specifier":
                            continue
                        name, alias = spec.child_by_field_name("name"), spec.child_by_field_name("alias")
                        names.append(text(name) + (" as " + text(alias) if alias is not None else ""))
                        value_names += not any(c.type == "type" for c in spec.children)
        type_only = whole_type or (bool(names) and value_names == 0)
        self.add_import(string_value(source), names, node, "import", type_only)

    def add_import(self, module: str, names: list[str], node: Node, kind: str, type_only: bool) -> None:
        imp: Import = {"module": module, "names": names, "line": line(node), "kind": kind, "type_only": type_only}
        self.facts["imports"].append(imp)

    def export(self, node: Node, func: str, rec: Any) -> None:
        source = node.child_by_field_name("source")
        if any(c.type == "default" for c in node.children):
            self.exports.add("default")
        named = node.named_children
        decorators = [c for c in named if c.type == "decorator"]
        for c in named:
            if c.type == "export_clause":
                for spec in c.named_children:
                    alias = spec.child_by_field_name("alias") or spec.child_by_field_name("name")
                    self.exports.add(text(alias))
        if source is not None:
            names = [text(s) for c in named if c.type == "export_clause" for s in c.named_children]
            self.add_import(string_value(source), names, node, "reexport", any(c.type == "type" for c in node.children))
            return
        decl = node.child_by_field_name("declaration")
        if decl is not None:
            name = decl.child_by_field_name("name")
            if name is not None:
                self.exports.add(text(name))
            for d in decl.named_children:
                if d.type == "variable_declarator":
                    self.exports.add(text(d.child_by_field_name("name")))
            if decl.type in declarations.CLASSES:
                declarations.class_(self, decl, func, rec, decorators, exported=True)
                return
        self.stack.extend(c for c in named if c.type != "decorator")

    # -- settings and headers --------------------------------------------------------------------
    def assignment(self, node: Node, func: str, rec: Any) -> None:
        left_node = node.child_by_field_name("left")
        left = text(left_node)
        if left == "module.exports" or left.startswith(("module.exports.", "exports.")):
            self.exports.add("default" if left == "module.exports" else left.rsplit(".", 1)[-1])
        target = dotted(left_node)
        key = target.rstrip("]").replace("[", ".").rsplit(".", 1)[-1]
        value_node = node.child_by_field_name("right")
        if value_node is not None and value_node.type in FUNCTIONS:  # `module.exports = function (err, req, res, next)`
            declarations.error_signature(self, key, value_node)
        right = node.child_by_field_name("right") if key in SETTING_KEYS or key == "body" else None
        if key == "body" and right is not None and right.type != "object":
            right = None  # only `ctx.body = { ... }`: the shape a Koa handler answers
        if right is not None:
            self.facts["settings"].append(
                {"key": key, "line": line(node), "value": value_of(right), "func": func, "keys": [], "target": target}
            )
        self.stack.extend(node.named_children)

    def pair(self, node: Node, func: str, rec: Any) -> None:
        """`synchronize: true`, `rejectUnauthorized: false`...: kept with the keys of their object."""
        key_node = node.child(0)  # the key is a pair's first child: cheaper than a field lookup
        if key_node is not None and key_node.end_byte - key_node.start_byte < 40:
            raw = key_node.text
            key = raw.decode("utf-8", "replace").strip("'\"") if raw is not None else ""
            if key == "__html":
                found = sinks.html_sink(node, func)
                if found is not None:
                    self.facts["sinks"].append(found)
            value = node.child_by_field_name("value") if key in SETTING_KEYS else None
            if value is not None:
                parent = node.parent
                keys = sorted({_key_text(c) for c in (parent.named_children[:50] if parent is not None else [])} - {""})
                self.facts["settings"].append(
                    {"key": key, "line": line(node), "value": value_of(value), "func": func, "keys": keys, "target": ""}
                )
        self.stack.extend(node.named_children)

    def string(self, node: Node, func: str, rec: Any) -> None:
        """Only header names are kept: `headers['X-Request-ID'] = ...` shows request correlation."""
        if node.end_byte - node.start_byte < 64:
            value = string_value(node)
            if value[:2].lower() == "x-":
                self.facts["headers"].append({"name": value, "line": line(node)})

    # -- environment reads ------------------------------------------------------------------------
    def member(self, node: Node, func: str, rec: Any) -> None:
        """`process.env.NAME` (and `process.env['NAME']`): one env read, with the `|| d` / `?? d` default."""
        if self.source.startswith(b"process.env", node.start_byte):
            name = _env_name(node)
            if name:
                self.add_env(name, node, func)
                return
        self.stack.extend(node.named_children)

    def add_env(self, name: str, node: Node, func: str) -> None:
        default: Any = None
        parent = node.parent
        if parent is not None and parent.type == "binary_expression" and parent.child_by_field_name("left") == node:
            op = parent.child_by_field_name("operator")
            right = parent.child_by_field_name("right")
            if op is not None and op.type in ("||", "??") and right is not None:
                default = value_of(right)
                self.facts["env"].append(
                    {"name": name, "line": line(node), "func": func, "has_default": True, "default": default}
                )
                return
        self.facts["env"].append(
            {"name": name, "line": line(node), "func": func, "has_default": False, "default": None}
        )

    def binary(self, node: Node, func: str, rec: Any) -> None:
        """`process.env.JWT_SECRET || "dev"`: a fallback literal for an environment variable."""
        found = sinks.env_fallback(node, func)
        if found is not None:
            self.facts["env_fallbacks"].append(found)
        self.stack.extend(node.named_children)

    # -- calls -----------------------------------------------------------------------------------
    def new(self, node: Node, func: str, rec: Any) -> None:
        self.call(node, func, rec, True)

    def call(self, node: Node, func: str, rec: Any, is_new: bool = False) -> None:
        fn = node.child_by_field_name("constructor" if is_new else "function")
        args = node.child_by_field_name("arguments")
        values: list[Any] = []
        arg_nodes: list[Node] = []
        if args is not None:
            arg_nodes = args.named_children
            if args.type == "template_string":  # tagged template: sql`...`, prisma.$queryRaw`...`
                values = [value_of(args)]
            else:
                values = [value_of(a) for a in arg_nodes[:_MAX_ARGS] if a.type != "comment"]
        callee, pure = chain(fn)
        if fn is not None and fn.type == "import":
            callee = "import"
        if callee:
            callee = ("new " + callee) if is_new else callee
            at = node.start_point[0] + 1
            self.facts["calls"].append({"callee": callee, "line": at, "func": func, "args": values})
            if sinks.kind_of(callee):  # most calls are no sink: their arguments are not listed again
                found = sinks.sink(callee, node, [a for a in arg_nodes if a.type != "comment"], func)
                if found is not None:
                    self.facts["sinks"].append(found)
            if (
                callee in ("require", "import")
                and values
                and isinstance(values[0], str)
                and node.id not in self.required
            ):
                self.add_import(values[0], [], node, "require" if callee == "require" else "dynamic", False)
        stack = self.stack
        if pure and fn is not None and callee.startswith("process.env.") and callee.count(".") >= 3:
            self.add_env(callee.split(".")[2], fn, func)  # `process.env.X.split(',')`: X is read
        if fn is not None and not (pure and not fn.has_error):  # a plain name chain holds no fact
            stack.append(fn)
        if "." in callee and callee.rsplit(".", 1)[-1] in ROUTE_METHODS:
            for i, a in enumerate(arg_nodes):
                if a.type in FUNCTIONS:  # an inline route handler gets its own record
                    declarations.function_(self, f"{callee}:{line(node)}#{i}", a, func, rec)
                else:
                    stack.append(a)
        else:
            if callee.endswith("use") and (callee == "use" or callee.endswith(".use")):
                for a in arg_nodes:
                    if a.type in FUNCTIONS:
                        declarations.error_middleware(self, "", a, True)
            stack.extend(arg_nodes)


def _env_name(node: Node) -> str:
    """NAME of `process.env.NAME...` / `process.env['NAME']`, "" for `process.env` itself or a computed key."""
    obj = node.child_by_field_name("object")
    if obj is None or text(obj) != "process.env":
        inner = obj
        while inner is not None and inner.type in ("member_expression", "subscript_expression"):
            deeper = inner.child_by_field_name("object")
            if deeper is not None and text(deeper) == "process.env":
                return _env_name(inner)
            inner = deeper
        return ""
    if node.type == "member_expression":
        return text(node.child_by_field_name("property"))[:80]
    index = node.child_by_field_name("index")
    return string_value(index) if index is not None and index.type == "string" else ""


def _key_text(node: Node) -> str:
    """The key of an object-literal member (pair or shorthand), "..." for a spread (the object holds
    keys not written here), "" for computed keys."""
    if node.type == "shorthand_property_identifier":
        return text(node)
    if node.type == "spread_element":
        return "..."
    key = node.child_by_field_name("key") if node.type == "pair" else None
    if key is None or key.type == "computed_property_name":
        return ""
    return string_value(key) if key.type == "string" else text(key)


HANDLERS = {
    "import_statement": Walker.import_,
    "export_statement": Walker.export,
    "call_expression": Walker.call,
    "new_expression": Walker.new,
    "function_declaration": declarations.function_declaration,
    "generator_function_declaration": declarations.function_declaration,
    "variable_declarator": declarations.declarator,
    "assignment_expression": Walker.assignment,
    "string": Walker.string,
    "pair": Walker.pair,
    "member_expression": Walker.member,
    "subscript_expression": Walker.member,
    "binary_expression": Walker.binary,
    **{t: declarations.class_ for t in declarations.CLASSES},
}
