"""Turn one TypeScript/JavaScript source into `TsFacts` with a single iterative tree-sitter walk.

Registers itself in `archaudit.analyze.EXTRACTORS` for "typescript" and "javascript" on import. The
extractor takes the path too (`wants_path`): `.tsx` needs the TSX grammar, `.ts/.mts/.cts` the
TypeScript one, JavaScript (JSX included) its own.

The walk is one explicit stack (no recursion, so deeply nested callbacks or minified code cannot
hit Python's recursion limit) with a dispatch table by node type; types that never hold facts
(comments, type annotations, interfaces, literals) are pruned.

Unparseable input: tree-sitter recovers from errors, so a file is only rejected (SyntaxError, which
`analyze()` records as `skip: not valid typescript: ...`) when the root itself is an ERROR node or
when top-level ERROR nodes cover more than half of the file's bytes. Smaller errors keep the
facts that were recovered and are counted in `errors`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import tree_sitter_javascript as _tsj
import tree_sitter_typescript as _tst
from tree_sitter import Language, Node, Parser

from archaudit import analyze as _analyze
from archaudit.languages.typescript.facts import SETTING_KEYS, ClassFact, Import, MethodFact, TsFacts
from archaudit.languages.typescript.nodes import (
    decorator,
    dotted,
    grammar_for,
    line,
    param,
    string_value,
    text,
    type_text,
    value_of,
)

_PARSERS = {
    "ts": Parser(Language(_tst.language_typescript())),
    "tsx": Parser(Language(_tst.language_tsx())),
    "js": Parser(Language(_tsj.language())),
}
_MAX_ARGS = 6
_MAX_ERROR_SHARE = 0.5
_SKIP = frozenset(
    {
        "comment",
        "type_annotation",
        "interface_declaration",
        "type_alias_declaration",
        "regex",
        "number",
        "template_string",
        "jsx_text",
        "type_arguments",
        "type_parameters",
        "predefined_type",
        "hash_bang_line",
        "ambient_declaration",
        "property_identifier",
        "identifier",
        "type_identifier",
        "shorthand_property_identifier",
        "statement_identifier",
        "this",
        "true",
        "false",
        "null",
        "undefined",
    }
)
_BRANCHES = frozenset(
    {
        "if_statement",
        "for_statement",
        "for_in_statement",
        "while_statement",
        "do_statement",
        "switch_case",
        "catch_clause",
        "ternary_expression",
    }
)
_STATEMENTS = frozenset(
    {
        "expression_statement",
        "return_statement",
        "if_statement",
        "for_statement",
        "for_in_statement",
        "while_statement",
        "do_statement",
        "switch_statement",
        "try_statement",
        "throw_statement",
        "lexical_declaration",
        "variable_declaration",
        "break_statement",
        "continue_statement",
    }
)
_CLASSES = frozenset({"class_declaration", "abstract_class_declaration", "class"})
_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "generator_function"})
_METHODS = frozenset({"method_definition", "abstract_method_signature", "method_signature"})
_FIELDS = frozenset({"public_field_definition", "field_definition"})
_TOP = frozenset({"program", "export_statement"})
_ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "del", "all", "head", "options"})

Frame = tuple[Node, str, Any]  # node, enclosing function name, its counters record (or None)


class _Walker:
    """The lists being filled and the explicit stack of the single walk."""

    def __init__(self) -> None:
        self.facts: TsFacts = {
            "lines": 0,
            "imports": [],
            "exports": [],
            "classes": [],
            "functions": [],
            "calls": [],
            "consts": [],
            "headers": [],
            "settings": [],
            "errors": 0,
        }
        self.exports: set[str] = set()
        self.required: set[int] = set()  # ids of require() calls already recorded with their names
        self.stack: list[Frame] = []
        self.dispatch: dict[str, Callable[[Node, str, Any], None]] = {
            "import_statement": self.import_,
            "export_statement": self.export,
            "call_expression": self.call,
            "new_expression": self.call,
            "function_declaration": self.function,
            "generator_function_declaration": self.function,
            "variable_declarator": self.declarator,
            "assignment_expression": self.assignment,
            "string": self.string,
            "pair": self.pair,
            **{t: self.class_ for t in _CLASSES},
        }

    def run(self, root: Node) -> None:
        stack = self.stack
        stack.append((root, "", None))
        dispatch, skip = self.dispatch, _SKIP
        while stack:
            node, func, rec = stack.pop()
            t = node.type
            if t in skip:
                continue
            if rec is not None:
                if t in _STATEMENTS:
                    rec["statements"] += 1
                if t in _BRANCHES:
                    rec["branches"] += 1
            handler = dispatch.get(t)
            if handler is not None:
                handler(node, func, rec)
                continue
            if t == "ERROR":
                self.facts["errors"] += 1
            stack.extend((c, func, rec) for c in node.named_children)

    def push(self, node: Node | None, func: str, rec: Any) -> None:
        if node is not None:
            self.stack.append((node, func, rec))

    # -- imports / exports -----------------------------------------------------------------------
    def import_(self, node: Node, func: str, rec: Any) -> None:
        source = node.child_by_field_name("source")
        if source is None:  # `import x = require(...)`: handled as a call below
            self.stack.extend((c, func, rec) for c in node.named_children)
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
        self._add_import(string_value(source), names, node, "import", type_only)

    def _add_import(self, module: str, names: list[str], node: Node, kind: str, type_only: bool) -> None:
        imp: Import = {"module": module, "names": names, "line": line(node), "kind": kind, "type_only": type_only}
        self.facts["imports"].append(imp)

    def export(self, node: Node, func: str, rec: Any) -> None:
        source = node.child_by_field_name("source")
        if any(c.type == "default" for c in node.children):
            self.exports.add("default")
        decorators = [c for c in node.named_children if c.type == "decorator"]
        for c in node.named_children:
            if c.type == "export_clause":
                for spec in c.named_children:
                    alias = spec.child_by_field_name("alias") or spec.child_by_field_name("name")
                    self.exports.add(text(alias))
        if source is not None:
            names = [text(s) for c in node.named_children if c.type == "export_clause" for s in c.named_children]
            self._add_import(
                string_value(source), names, node, "reexport", any(c.type == "type" for c in node.children)
            )
            return
        decl = node.child_by_field_name("declaration")
        if decl is not None:
            name = decl.child_by_field_name("name")
            if name is not None:
                self.exports.add(text(name))
            for d in decl.named_children:
                if d.type == "variable_declarator":
                    self.exports.add(text(d.child_by_field_name("name")))
            if decl.type in _CLASSES:
                self.class_(decl, func, rec, decorators, exported=True)
                return
        for c in node.named_children:
            if c.type != "decorator":
                self.push(c, func, rec)

    def assignment(self, node: Node, func: str, rec: Any) -> None:
        left = text(node.child_by_field_name("left"))
        if left == "module.exports" or left.startswith(("module.exports.", "exports.")):
            self.exports.add("default" if left == "module.exports" else left.rsplit(".", 1)[-1])
        target = dotted(node.child_by_field_name("left"))
        key = target.rstrip("]").replace("[", ".").rsplit(".", 1)[-1]
        right = node.child_by_field_name("right")
        if key in SETTING_KEYS and right is not None:
            self.facts["settings"].append(
                {"key": key, "line": line(node), "value": value_of(right), "func": func, "keys": [], "target": target}
            )
        self.stack.extend((c, func, rec) for c in node.named_children)

    def pair(self, node: Node, func: str, rec: Any) -> None:
        """`synchronize: true`, `rejectUnauthorized: false`...: kept with the keys of their object."""
        key_node = node.child(0)  # the key is a pair's first child: cheaper than a field lookup
        raw = key_node.text if key_node is not None else None
        key = raw.decode("utf-8", "replace").strip("'\"") if raw is not None and len(raw) < 40 else ""
        value = node.child_by_field_name("value") if key in SETTING_KEYS else None
        if value is not None:
            parent = node.parent
            keys = sorted({_key_text(c) for c in (parent.named_children[:50] if parent is not None else [])} - {""})
            self.facts["settings"].append(
                {"key": key, "line": line(node), "value": value_of(value), "func": func, "keys": keys, "target": ""}
            )
        self.stack.extend((c, func, rec) for c in node.named_children)

    def string(self, node: Node, func: str, rec: Any) -> None:
        """Only header names are kept: `headers['X-Request-ID'] = ...` shows request correlation."""
        if node.end_byte - node.start_byte < 64:
            value = string_value(node)
            if value[:2].lower() == "x-":
                self.facts["headers"].append({"name": value, "line": line(node)})

    # -- declarations ----------------------------------------------------------------------------
    def class_(self, node: Node, func: str, rec: Any, outer: list[Node] | None = None, exported: bool = False) -> None:
        name = text(node.child_by_field_name("name")) or "(anonymous)"
        decorators = [*(outer or []), *(c for c in node.named_children if c.type == "decorator")]
        extends, implements = "", []
        for heritage in node.named_children:
            if heritage.type != "class_heritage":
                continue
            for clause in heritage.named_children:
                if clause.type == "extends_clause":
                    extends = dotted(clause.child_by_field_name("value")) or text(clause)[8:].strip()[:80]
                elif clause.type == "implements_clause":
                    implements = [type_text(t) for t in clause.named_children]
                elif not extends:  # JavaScript grammar: the expression itself
                    extends = dotted(clause)
        fact: ClassFact = {
            "name": name,
            "line": line(node),
            "end": node.end_point[0] + 1,
            "decorators": [decorator(d) for d in decorators],
            "extends": extends,
            "implements": implements,
            "methods": [],
            "fields": [],
            "exported": exported,
        }
        self.facts["classes"].append(fact)
        for d in decorators:  # calls inside decorators (e.g. BullModule.registerQueue) are facts too
            self.push(d, func, rec)
        body = node.child_by_field_name("body")
        pending: list[Node] = []
        for member in body.named_children if body is not None else []:
            t = member.type
            if t == "decorator":
                pending.append(member)
            elif t in _METHODS:
                self._method(fact, member, pending)
                pending = []
            elif t in _FIELDS:
                own = [*pending, *(c for c in member.named_children if c.type == "decorator")]
                fact["fields"].append(
                    {
                        "name": text(member.child_by_field_name("name") or member.child_by_field_name("property"))[:80],
                        "line": line(member),
                        "decorators": [decorator(d) for d in own],
                        "type": type_text(member.child_by_field_name("type")),
                    }
                )
                self.push(member.child_by_field_name("value"), name, None)
                pending = []
            else:
                self.push(member, name, None)
                pending = []

    def _method(self, cls: ClassFact, node: Node, outer: list[Node]) -> None:
        name = text(node.child_by_field_name("name"))[:80]
        params = node.child_by_field_name("parameters")
        own = [*outer, *(c for c in node.named_children if c.type == "decorator")]
        method: MethodFact = {
            "name": name,
            "line": line(node),
            "end": node.end_point[0] + 1,
            "decorators": [decorator(d) for d in own],
            "params": [param(p) for p in (params.named_children if params is not None else []) if p.type != "comment"],
            "statements": 0,
            "branches": 0,
        }
        cls["methods"].append(method)
        qual = f"{cls['name']}.{name}"
        self.push(node.child_by_field_name("body"), qual, method)
        if params is not None:  # default values and parameter decorators may hold calls
            self.stack.extend((p, qual, method) for p in params.named_children)

    def function(self, node: Node, func: str, rec: Any) -> None:
        name = text(node.child_by_field_name("name"))[:80] or "(anonymous)"
        self._function(name, node, func)

    def _function(self, name: str, node: Node, func: str) -> None:
        qual = f"{func}.{name}" if func else name
        record = {"name": qual, "line": line(node), "end": node.end_point[0] + 1, "statements": 0, "branches": 0}
        self.facts["functions"].append(record)  # type: ignore[arg-type]
        self.push(node.child_by_field_name("body"), qual, record)
        self.push(node.child_by_field_name("parameters"), qual, record)

    def declarator(self, node: Node, func: str, rec: Any) -> None:
        name_node, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        if value is None:
            return
        name = text(name_node)[:80]
        if value.type == "call_expression" and dotted(value.child_by_field_name("function")) == "require":
            self._require(name_node, value)
        if value.type in _FUNCTIONS and name_node is not None and name_node.type == "identifier":
            self._function(name, value, func)
            return
        parent = node.parent
        grand = parent.parent if parent is not None else None
        if (
            not func
            and grand is not None
            and grand.type in _TOP
            and value.type in ("object", "array", "string", "as_expression", "satisfies_expression")
        ):
            self.facts["consts"].append({"name": name, "line": line(node), "value": value_of(value)})
        self.push(value, func, rec)

    def _require(self, name_node: Node | None, call: Node) -> None:
        """`const x = require('m')` / `const { a, b } = require('m')`: an import with its local names."""
        args = call.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_child_count else None
        if first is None or first.type != "string" or name_node is None:
            return
        if name_node.type == "identifier":
            names = ["default as " + text(name_node)]
        else:
            names = [text(c) for c in name_node.named_children if c.type == "shorthand_property_identifier_pattern"]
        self._add_import(string_value(first), names, call, "require", False)
        self.required.add(call.id)

    # -- calls -----------------------------------------------------------------------------------
    def call(self, node: Node, func: str, rec: Any) -> None:
        is_new = node.type == "new_expression"
        fn = node.child_by_field_name("constructor" if is_new else "function")
        args = node.child_by_field_name("arguments")
        values: list[Any] = []
        if args is not None:
            if args.type == "template_string":  # tagged template: sql`...`, prisma.$queryRaw`...`
                values = [value_of(args)]
            else:
                values = [value_of(a) for a in args.named_children[:_MAX_ARGS] if a.type != "comment"]
        callee = dotted(fn)
        if fn is not None and fn.type == "import":
            callee = "import"
        if callee:
            callee = ("new " + callee) if is_new else callee
            self.facts["calls"].append({"callee": callee, "line": line(node), "func": func, "args": values})
            if (
                callee in ("require", "import")
                and values
                and isinstance(values[0], str)
                and node.id not in self.required
            ):
                self._add_import(values[0], [], node, "require" if callee == "require" else "dynamic", False)
        self.push(fn, func, rec)
        if args is None:
            return
        routed = callee.rsplit(".", 1)[-1] in _ROUTE_METHODS and "." in callee
        for i, a in enumerate(args.named_children):
            if routed and a.type in _FUNCTIONS:  # an inline route handler gets its own record
                self._function(f"{callee}:{line(node)}#{i}", a, func)
            else:
                self.stack.append((a, func, rec))


def _key_text(node: Node) -> str:
    """The key of an object-literal member (pair or shorthand), "" for spreads and computed keys."""
    if node.type == "shorthand_property_identifier":
        return text(node)
    key = node.child_by_field_name("key") if node.type == "pair" else None
    if key is None or key.type == "computed_property_name":
        return ""
    return string_value(key) if key.type == "string" else text(key)


def _check_parsable(root: Node, size: int) -> None:
    """Reject (SyntaxError) a tree that is mostly error recovery; see the module docstring."""
    if root.type == "ERROR":
        raise SyntaxError("no recognisable statement", ("", root.start_point[0] + 1, 0, ""))
    if not root.has_error or size == 0:
        return
    bad = [c for c in root.children if c.type == "ERROR"]
    covered = sum(c.end_byte - c.start_byte for c in bad)
    if covered > _MAX_ERROR_SHARE * size:
        first = bad[0].start_point[0] + 1
        raise SyntaxError(f"{round(100 * covered / size)}% of the file is unparseable", ("", first, 0, ""))


def extract(source: str, path: str = "x.ts") -> TsFacts:
    """Parse `source` with the grammar `path` calls for and extract its facts (SyntaxError on junk)."""
    data = source.encode("utf-8", "surrogatepass")
    try:
        tree = _PARSERS[grammar_for(path)].parse(data)
    except Exception as exc:  # the binding may raise on pathological input: a skip, not a crash
        raise SyntaxError(f"parser failure ({type(exc).__name__})", ("", 1, 0, "")) from exc
    root = tree.root_node
    _check_parsable(root, len(data.strip()))
    walker = _Walker()
    walker.run(root)
    facts = walker.facts
    facts["lines"] = source.count("\n") + (0 if source.endswith("\n") or not source else 1)
    facts["exports"] = sorted(walker.exports - {""})
    facts["calls"].sort(key=lambda c: (c["line"], c["callee"]))
    facts["classes"].sort(key=lambda c: c["line"])
    facts["functions"].sort(key=lambda f: f["line"])
    facts["imports"].sort(key=lambda i: (i["line"], i["module"]))
    facts["settings"].sort(key=lambda s: (s["line"], s["key"]))
    return facts


extract.wants_path = True  # type: ignore[attr-defined]
_analyze.EXTRACTORS["typescript"] = extract
_analyze.EXTRACTORS["javascript"] = extract
