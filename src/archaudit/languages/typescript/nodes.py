"""Tree-sitter node helpers for the TypeScript/JavaScript extractor: dotted names, literal values,
decorators and parameters, each computed without recursion over unbounded depth."""

from __future__ import annotations

import re

from tree_sitter import Node

from archaudit.languages.typescript.facts import Decorator, Param, Value
from archaudit.safe_text import wide_int

_MAX_ARGS = 6
_MAX_LITERAL = 400
_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "generator_function"})
_CONDITIONS = frozenset({"binary_expression", "ternary_expression", "unary_expression"})
_WRAPPERS = frozenset(
    {
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "await_expression",
        "type_assertion",
    }
)


def grammar_for(path: str) -> str:
    """Which grammar parses this file: "tsx", "ts" or "js" (by extension)."""
    low = path.lower()
    if low.endswith(".tsx"):
        return "tsx"
    if low.endswith((".ts", ".mts", ".cts")):
        return "ts"
    return "js"


def text(node: Node | None) -> str:
    raw = node.text if node is not None else None
    return raw.decode("utf-8", "replace") if raw is not None else ""


def line(node: Node) -> int:
    return node.start_point[0] + 1


_NAMES = frozenset(
    {"identifier", "this", "super", "property_identifier", "type_identifier", "private_property_identifier", "import"}
)
_PLAIN_CHAIN = re.compile(rb"[\w$#.]{1,200}")  # ASCII names and dots only: no space, comment, `?.`


def dotted(node: Node | None) -> str:
    """`a.b.c` for member chains, `f().g` through calls, "" when not a simple chain (iterative)."""
    return chain(node)[0]


def chain(node: Node | None) -> tuple[str, bool]:
    """dotted(node), and whether the chain is names and member accesses only (no call, subscript or
    wrapper): walking such a node finds no fact, so a caller that has its name can skip it."""
    if node is not None:
        t = node.type
        if t in _NAMES:
            return text(node)[:200], True
        if t == "member_expression":
            plain = _plain_member_chain(node)
            if plain:
                return plain, True
    parts: list[str] = []
    call = ""
    pure = True
    while node is not None:
        t = node.type
        if t in _NAMES:
            parts.append(text(node) + call)
            break
        if t == "member_expression":
            parts.append(text(node.child_by_field_name("property")) + call)
            node = node.child_by_field_name("object")
        elif t == "subscript_expression":
            pure = False
            index = node.child_by_field_name("index")
            key = value_of(index) if index is not None else ""
            parts.append(f"[{key}]" if isinstance(key, str) else "[]")
            node = node.child_by_field_name("object")
        elif t == "call_expression":
            pure = False
            node = node.child_by_field_name("function")
        elif t in _WRAPPERS:
            pure = False
            node = node.named_children[0] if node.named_child_count else None
            continue
        else:
            return "", False
        call = "()" if t == "call_expression" else ""
        if len(parts) > 20:
            return "", False
    return ".".join(reversed(parts)).replace(".[", "[")[:200], pure


def _plain_member_chain(node: Node) -> str:
    """The name of `a.b.c` read at once from its text when that text is names and dots only, so
    that it is exactly the parts joined by "." (what `chain` builds part by part); "" otherwise."""
    raw = node.text
    if raw is None or not _PLAIN_CHAIN.fullmatch(raw):
        return ""
    levels = 0
    inner: Node | None = node
    while inner is not None and inner.type == "member_expression":
        inner = inner.child_by_field_name("object")
        levels += 1
    if inner is None or inner.type not in _NAMES or levels > 20 or raw.count(b".") != levels:
        return ""
    return raw.decode("ascii")


def string_value(node: Node) -> str:
    return text(node)[1:-1][:_MAX_LITERAL]


def value_of(node: Node, depth: int = 0) -> Value:
    """A literal as itself; anything else as {"$": text} (see facts.Value)."""
    t = node.type
    while t in _WRAPPERS and node.named_child_count:
        node = node.named_children[0]
        t = node.type
    if t in _NAMES or t == "member_expression":  # the commonest arguments first
        return {"$": dotted(node) or t}
    if t == "string":
        return string_value(node)
    if t == "template_string":
        has_sub = any(c.type == "template_substitution" for c in node.named_children)
        return {"$": text(node)[:_MAX_LITERAL]} if has_sub else string_value(node)
    if t == "number":
        return _number(text(node))
    if t in ("true", "false"):
        return t == "true"
    if t in ("null", "undefined"):
        return None
    if t == "unary_expression" and text(node).startswith("-") and node.named_child_count:
        inner = node.named_children[0]
        if inner.type == "number":
            num = _number(text(inner))
            return -num if isinstance(num, int | float) else num
    if t == "array" and depth < 3:
        return [value_of(c, depth + 1) for c in node.named_children[:50] if c.type != "comment"]
    if t == "object" and depth < 3:
        return _object(node, depth)
    if t in ("call_expression", "new_expression"):
        fn = node.child_by_field_name("function" if t == "call_expression" else "constructor")
        args = node.child_by_field_name("arguments")
        head = args.named_children[0] if args is not None and args.named_child_count else None
        shown = repr(string_value(head)) if head is not None and head.type == "string" else ""
        return {"$": ("new " if t == "new_expression" else "") + f"{dotted(fn) or 'call'}({shown})"}
    if t in _FUNCTIONS:
        return {"$": "function"}
    if t in _CONDITIONS and node.end_byte - node.start_byte <= _MAX_LITERAL:  # bounded: no quadratic text
        return {"$": " ".join(text(node).split())}  # `process.env.NODE_ENV === 'test'`, whitespace folded
    name = dotted(node)
    return {"$": name or t}


def _number(raw: str) -> Value:
    try:
        value = int(raw.replace("_", ""), 0)
        return {"$": f"int ({value.bit_length()} bits)"} if wide_int(value) else value
    except ValueError:
        try:
            return float(raw.replace("_", ""))
        except ValueError:
            return {"$": raw}


def _object(node: Node, depth: int) -> dict[str, Value]:
    out: dict[str, Value] = {}
    for c in node.named_children[:50]:
        if c.type == "pair":
            key_node = c.child_by_field_name("key")
            val = c.child_by_field_name("value")
            if key_node is None or val is None:
                continue
            key = string_value(key_node) if key_node.type == "string" else text(key_node)
            if key_node.type != "computed_property_name" and key != "$":
                out[key] = value_of(val, depth + 1)
        elif c.type == "shorthand_property_identifier":
            out[text(c)] = {"$": text(c)}
        elif c.type == "method_definition":
            out[text(c.child_by_field_name("name"))] = {"$": "function"}
    return out


def _new_options(node: Node) -> Value:
    """The first argument of an object built in a decorator argument (`@UsePipes(new ValidationPipe({
    whitelist: true }))`, `@Body(new ValidationPipe(options))`), None when it is built without one or the
    argument is not a `new` expression."""
    if node.type != "new_expression":
        return None
    args = node.child_by_field_name("arguments")
    head = args.named_children[0] if args is not None and args.named_child_count else None
    return value_of(head, 1) if head is not None else None


def decorator(node: Node) -> Decorator:
    inner = node.named_children[0] if node.named_child_count else node
    while inner.type == "parenthesized_expression" and inner.named_child_count:
        inner = inner.named_children[0]
    if inner.type == "call_expression":
        args = inner.child_by_field_name("arguments")
        nodes = [a for a in (args.named_children if args is not None else []) if a.type != "comment"][:_MAX_ARGS]
        out: Decorator = {"name": dotted(inner.child_by_field_name("function")), "line": line(node), "call": True,
                          "args": [value_of(a) for a in nodes]}
        options = [_new_options(a) for a in nodes]
        if any(o is not None for o in options):
            out["new_options"] = options
        return out
    return {"name": dotted(inner), "line": line(node), "call": False, "args": []}


def type_text(node: Node | None) -> str:
    raw = text(node).lstrip(":?").strip() if node is not None else ""
    return " ".join(raw.split())[:120]


def param(node: Node) -> Param:
    pattern = node.child_by_field_name("pattern") or node.child_by_field_name("left") or node
    name = text(pattern)
    if pattern.type not in ("identifier", "this"):
        name = name[:60]
    return {
        "name": name,
        "type": type_text(node.child_by_field_name("type")),
        "decorators": [decorator(d) for d in node.named_children if d.type == "decorator"],
    }
