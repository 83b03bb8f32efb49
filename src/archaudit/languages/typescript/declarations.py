"""Walk handlers for declarations: classes (members, decorators), methods, functions, variables and
`require()` imports. Each takes the `Walker` and the context (enclosing function name, counters
record) the node is walked in; bodies are pushed back on the walker's stack in their own context.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Protocol

from tree_sitter import Node

from archaudit.languages.typescript.facts import ClassFact, MethodFact, TsFacts
from archaudit.languages.typescript.kinds import CLASSES, FIELDS, FUNCTIONS, METHODS, TOP
from archaudit.languages.typescript.nodes import decorator, dotted, line, param, string_value, text, type_text, value_of


class Walker(Protocol):
    """What these handlers use of `walker.Walker` (a protocol, so this module never imports it)."""

    facts: TsFacts
    required: set[int]
    stack: list[Any]

    def push_in(self, nodes: Iterable[Node | None], outer: tuple[str, Any], func: str, rec: Any) -> None: ...

    def add_import(self, module: str, names: list[str], node: Node, kind: str, type_only: bool) -> None: ...

__all__ = ["CLASSES", "class_", "declarator", "error_middleware", "error_signature", "function_",
           "function_declaration"]


def class_(w: Walker, node: Node, func: str, rec: Any, outer: list[Node] | None = None, exported: bool = False) -> None:
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
    w.facts["classes"].append(fact)
    w.stack.extend(decorators)  # calls inside decorators (e.g. BullModule.registerQueue) are facts too
    body = node.child_by_field_name("body")
    pending: list[Node] = []
    here = (func, rec)
    for member in body.named_children if body is not None else []:
        t = member.type
        if t == "decorator":
            pending.append(member)
        elif t in METHODS:
            _method(w, fact, member, pending, here)
            pending = []
        elif t in FIELDS:
            own = [*pending, *(c for c in member.named_children if c.type == "decorator")]
            fact["fields"].append(
                {
                    "name": text(member.child_by_field_name("name") or member.child_by_field_name("property"))[:80],
                    "line": line(member),
                    "decorators": [decorator(d) for d in own],
                    "type": type_text(member.child_by_field_name("type")),
                }
            )
            value = member.child_by_field_name("value")
            if value is not None:
                w.push_in((value,), here, name, None)
            pending = []
        else:
            w.push_in((member,), here, name, None)
            pending = []


def _method(w: Walker, cls: ClassFact, node: Node, outer: list[Node], here: tuple[str, Any]) -> None:
    name = text(node.child_by_field_name("name"))[:80]
    params = node.child_by_field_name("parameters")
    param_nodes = params.named_children if params is not None else []
    own = [*outer, *(c for c in node.named_children if c.type == "decorator")]
    method: MethodFact = {
        "name": name,
        "line": line(node),
        "end": node.end_point[0] + 1,
        "decorators": [decorator(d) for d in own],
        "params": [param(p) for p in param_nodes if p.type != "comment"],
        "statements": 0,
        "branches": 0,
    }
    cls["methods"].append(method)
    # body first, then parameters (default values and parameter decorators may hold calls)
    w.push_in((node.child_by_field_name("body"), *param_nodes), here, f"{cls['name']}.{name}", method)


def function_declaration(w: Walker, node: Node, func: str, rec: Any) -> None:
    name = text(node.child_by_field_name("name"))[:80] or "(anonymous)"
    function_(w, name, node, func, rec)


def function_(w: Walker, name: str, node: Node, func: str, rec: Any) -> None:
    """Record a function named `name` (qualified by the enclosing one) and walk its body in its context."""
    qual = f"{func}.{name}" if func else name
    record = {"name": qual, "line": line(node), "end": node.end_point[0] + 1, "statements": 0, "branches": 0}
    w.facts["functions"].append(record)  # type: ignore[arg-type]
    error_signature(w, qual, node)
    w.push_in((node.child_by_field_name("body"), node.child_by_field_name("parameters")), (func, rec), qual, record)


_ERR_PARAM = re.compile(r"_?(err|error|e|ex|exc|exception)", re.IGNORECASE)
_RES_PARAM = re.compile(r"_?(res|resp|response)", re.IGNORECASE)
_STATUS_CALL = re.compile(rb"\.(?:status|sendStatus)\(\s*([^()\s][^()]*?)?\s*\)")
_NEXT_CALL = re.compile(rb"\bnext\s*\(")


def error_signature(w: Walker, name: str, node: Node) -> None:
    """Record a declared function with Express's error-middleware signature `(err, req, res, next)`."""
    params = node.child_by_field_name("parameters")
    if params is not None and params.named_child_count == 4:
        first, third = params.named_children[0], params.named_children[2]
        if _ERR_PARAM.fullmatch(text(first.child_by_field_name("pattern") or first)) \
                and _RES_PARAM.fullmatch(text(third.child_by_field_name("pattern") or third)):
            error_middleware(w, name, node, False)


def error_middleware(w: Walker, name: str, node: Node, inline: bool) -> None:
    """Record a 4-parameter `(err, req, res, next)` function: where it is, the literal status codes it
    sends, whether it reads the error's own status. Read from the function's bytes (rare: only these
    functions), so it costs nothing on other code."""
    params = node.child_by_field_name("parameters")
    if params is None or params.named_child_count != 4:
        return
    first = params.named_children[0]
    err = text(first.child_by_field_name("pattern") or first)
    body = node.child_by_field_name("body")
    raw = (body.text if body is not None else None) or b""
    statuses: set[int] = set()
    dynamic = False
    for m in _STATUS_CALL.finditer(raw):
        arg = (m.group(1) or b"").strip()
        if arg.isdigit() and len(arg) == 3:
            statuses.add(int(arg))
        else:
            dynamic = True
    reads = False
    if re.fullmatch(r"[A-Za-z_$][\w$]*", err):
        name_b = re.escape(err.encode())
        reads = re.search(rb"\b" + name_b + rb"\s*(?:\?\.|\.)\s*(?:status|statusCode)\b|\b" + name_b
                          + rb"\s*\[\s*['\"](?:status|statusCode)['\"]|\{[^{}]*\b(?:status|statusCode)\b[^{}]*\}"
                          rb"\s*=\s*" + name_b + rb"\b", raw) is not None
    else:  # `({ status, message }, req, res, next)`: destructured in the parameter list
        reads = re.search(r"\b(status|statusCode)\b", err) is not None
    w.facts["error_middleware"].append({
        "name": name, "line": line(node), "inline": inline, "err": err[:60], "statuses": sorted(statuses),
        "dynamic_status": dynamic, "reads_status": reads, "calls_next": _NEXT_CALL.search(raw) is not None})


# a per-request identifier the code makes or carries: requestId, correlation_id, traceId
_ID_NAME = re.compile(r"(request|correlation|trace)_?id", re.IGNORECASE)


def declarator(w: Walker, node: Node, func: str, rec: Any) -> None:
    name_node, value = node.child_by_field_name("name"), node.child_by_field_name("value")
    if value is None:
        return
    name = text(name_node)[:80]
    vtype = value.type
    if name_node is not None and name_node.type == "identifier" and _ID_NAME.search(name):
        w.facts["id_names"].append({"name": name, "line": line(node)})
    if vtype == "call_expression" and dotted(value.child_by_field_name("function")) == "require":
        _require(w, name_node, value)
    if name_node is not None and name_node.type == "object_pattern" and text(value) == "process.env":
        _env_pattern(w, name_node, func)
    if vtype in FUNCTIONS and name_node is not None and name_node.type == "identifier":
        function_(w, name, value, func, rec)
        return
    if not func and vtype in ("object", "array", "string", "as_expression", "satisfies_expression"):
        parent = node.parent
        grand = parent.parent if parent is not None else None
        if grand is not None and grand.type in TOP:
            w.facts["consts"].append({"name": name, "line": line(node), "value": value_of(value),
                                      "lines": _pair_lines(value)})
    w.stack.append(value)


def _pair_lines(value: Node) -> dict[str, int]:
    """Line of each top-level `key: value` pair of an object literal (`{ secret: '...' }` on line 2),
    so a value read as `jwtConstants.secret` is shown where it is written."""
    while value.type in ("as_expression", "satisfies_expression") and value.named_child_count:
        value = value.named_children[0]
    if value.type != "object":
        return {}
    lines: dict[str, int] = {}
    for pair in value.named_children[:50]:
        key = pair.child_by_field_name("key") if pair.type == "pair" else None
        if key is not None and key.type in ("property_identifier", "string"):
            lines[string_value(key) if key.type == "string" else text(key)] = line(pair)
    return lines


def _env_pattern(w: Walker, pattern: Node, func: str) -> None:
    """`const { PORT = 3000, JWT_SECRET } = process.env`: one env read per destructured name."""
    for part in pattern.named_children:
        if part.type == "shorthand_property_identifier_pattern":
            name, default, has = text(part), None, False
        elif part.type == "object_assignment_pattern":
            left, right = part.child_by_field_name("left"), part.child_by_field_name("right")
            name, default, has = text(left), (value_of(right) if right is not None else None), right is not None
        elif part.type == "pair_pattern":
            name, default, has = text(part.child_by_field_name("key")), None, False
        else:
            continue
        w.facts["env"].append({"name": name[:80], "line": line(part), "func": func, "has_default": has,
                               "default": default})


def _require(w: Walker, name_node: Node | None, call: Node) -> None:
    """`const x = require('m')` / `const { a, b } = require('m')`: an import with its local names."""
    args = call.child_by_field_name("arguments")
    first = args.named_children[0] if args is not None and args.named_child_count else None
    if first is None or first.type != "string" or name_node is None:
        return
    if name_node.type == "identifier":
        names = ["default as " + text(name_node)]
    else:
        names = [text(c) for c in name_node.named_children if c.type == "shorthand_property_identifier_pattern"]
    w.add_import(string_value(first), names, call, "require", False)
    w.required.add(call.id)
