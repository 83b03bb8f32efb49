"""Where the value of an expression comes from, in one TypeScript/JavaScript function, decided at
parse time for the few calls that are sinks (a shell command, `eval`, an outbound URL, a served
file, a JWT decode) so that rules read it from the facts instead of re-parsing files.

The answer is one of "request" (request data: `req.query.x`, `ctx.request.body`, a NestJS `@Body()`
/ `@Query()` / `@Param()` / `@Headers()` parameter), "param" (a parameter of the enclosing function
whose callers were not followed), "code" (literals, `process.env`, module constants) or "unknown"
(anything else: `this.x`, the result of a call). One step of local data flow is followed: a
`const x = ...` (or a destructuring `const { x } = req.body`) earlier in the same function or at
module level; nothing else is guessed.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from archaudit.findings import Message
from archaudit.languages.typescript.nodes import dotted, line, text

REQUEST, PARAM, CODE, UNKNOWN = "request", "param", "code", "unknown"
REQUEST_OBJECT = "request-object"  # the request itself: only some of its members are client input
_RANK = {REQUEST: 0, PARAM: 1, UNKNOWN: 2, REQUEST_OBJECT: 2, CODE: 3}
_REQUEST_NAMES = frozenset({"req", "request"})
_CLIENT_PARTS = frozenset({"body", "query", "params", "headers", "cookies", "file", "files", "url", "originalUrl",
                           "path", "header", "get", "param"})
_REQUEST_DECORATORS = frozenset({"Body", "Query", "Param", "Headers", "UploadedFile", "UploadedFiles", "Cookies",
                                 "HostParam"})
_REQUEST_OBJECT_DECORATORS = frozenset({"Req", "Request"})
_SCOPES = frozenset({"arrow_function", "function_expression", "function", "generator_function",
                     "function_declaration", "generator_function_declaration", "method_definition"})
_WRAPPERS = frozenset({"parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression",
                       "await_expression", "type_assertion"})
# calls whose result carries their arguments' data (string building, path joining)
_PASS_CALLS = frozenset({"String", "path.join", "path.resolve", "join", "resolve", "decodeURIComponent",
                         "encodeURI", "encodeURIComponent", "util.format", "format", "Buffer.from", "url.resolve"})
# calls and methods whose result cannot carry attacker text
_SAFE_CALLS = frozenset({"Number", "parseInt", "parseFloat", "Boolean", "path.basename", "basename",
                         "Math.floor", "Math.round", "isNaN"})
_STRING_METHODS = frozenset({"toString", "trim", "toLowerCase", "toUpperCase", "slice", "substring", "concat",
                             "replace", "padStart", "padEnd", "normalize", "trimStart", "trimEnd"})
_MAX_DEPTH = 5
# The facts are cached plain data: `what` names a parameter in this fixed English form at parse time
# ("cmd (parameter of run)", "id (@Param() parameter of find)"), and `said` turns it into a Message
# when a rule reports it, so the report says it in its own language.
_CALLBACK = "a callback"
_SAID_PARAMETER = re.compile(r"^(?P<name>[^()]{1,200}) \((?:@(?P<decorator>[\w.]{1,100})\(\) )?parameter of "
                             r"(?P<func>[^()]{1,200})\)$")
_MAX_SCAN = 4000  # nodes looked at when searching a declaration: bounded on huge functions


def combine(found: list[tuple[str, str]]) -> tuple[str, str]:
    """Request if any part is, then a parameter, then not determined; code only if every part is."""
    if not found:
        return UNKNOWN, ""
    return min(found, key=lambda f: _RANK[f[0]])


def origin(node: Node | None, depth: int = 0) -> tuple[str, str]:
    """(origin, what brings the value in) of the expression `node`."""
    if node is None or depth > _MAX_DEPTH:
        return UNKNOWN, ""
    while node.type in _WRAPPERS and node.named_child_count:
        node = node.named_children[0]
    t = node.type
    if t in ("string", "number", "true", "false", "null", "undefined", "regex"):
        return CODE, text(node)[:40]
    if t == "template_string":
        subs = [c.named_children[0] for c in node.named_children if c.type == "template_substitution"
                and c.named_child_count]
        return combine([origin(s, depth + 1) for s in subs]) if subs else (CODE, "")
    if t == "binary_expression":
        return combine([origin(node.child_by_field_name(f), depth + 1) for f in ("left", "right")])
    if t == "ternary_expression":
        return combine([origin(node.child_by_field_name(f), depth + 1) for f in ("consequence", "alternative")])
    if t == "identifier":
        return _identifier(node, text(node), depth)
    if t in ("member_expression", "subscript_expression"):
        return _member(node, depth)
    if t == "call_expression":
        return _call(node, depth)
    return UNKNOWN, text(node)[:60]


def _member(node: Node, depth: int) -> tuple[str, str]:
    name = dotted(node) or text(node)[:80]
    parts = name.replace("[", ".[").split(".")
    root = node
    while root.type in ("member_expression", "subscript_expression", "call_expression") or root.type in _WRAPPERS:
        inner = root.child_by_field_name("object") or root.child_by_field_name("function")
        if inner is None:
            break
        root = inner
    if name.startswith("process.env"):
        return CODE, name
    if root.type == "this":
        return UNKNOWN, name
    if root.type != "identifier":
        return UNKNOWN, name
    found, what = _identifier(root, text(root), depth)
    if found == REQUEST_OBJECT:
        client = any(p in _CLIENT_PARTS for p in parts[1:3])
        return (REQUEST, name) if client else (UNKNOWN, name)  # req.user, req.app: not client input
    if found == PARAM and text(root) == "ctx" and parts[1:2] in (["request"], ["query"], ["params"]):
        return REQUEST, name  # Koa: ctx.request.body, ctx.query, ctx.params
    return found, (name if found in (REQUEST, PARAM) else what)


def _call(node: Node, depth: int) -> tuple[str, str]:
    fn = node.child_by_field_name("function")
    name = dotted(fn)
    args = node.child_by_field_name("arguments")
    arg_nodes = [a for a in (args.named_children if args is not None else []) if a.type != "comment"]
    if name in _SAFE_CALLS:
        return CODE, name
    if name in _PASS_CALLS:
        return combine([origin(a, depth + 1) for a in arg_nodes]) if arg_nodes else (CODE, name)
    if fn is not None and fn.type == "member_expression":
        prop = text(fn.child_by_field_name("property"))
        obj = fn.child_by_field_name("object")
        if prop in _STRING_METHODS:
            return origin(obj, depth + 1)
        if prop == "getRequest":
            return REQUEST_OBJECT, text(node)[:80]  # NestJS: context.switchToHttp().getRequest()
        if obj is not None and obj.type == "identifier" and prop in ("get", "header", "param") \
                and _identifier(obj, text(obj), depth)[0] == REQUEST_OBJECT:
            return REQUEST, text(node)[:80]  # req.get('host'), req.header('x')
    return UNKNOWN, text(node)[:60]


def _identifier(node: Node, name: str, depth: int) -> tuple[str, str]:
    scope = node.parent
    at = line(node)
    while scope is not None:
        if scope.type in _SCOPES:
            param = _parameter(scope, name)
            if param is not None:
                return param
        if scope.type in _SCOPES or scope.type == "program":
            value = _declared(scope, name, at)
            if value is not None:
                return origin(value, depth + 1)
        scope = scope.parent
    return UNKNOWN, name


def _parameter(scope: Node, name: str) -> tuple[str, str] | None:
    """The origin of `name` when it is a parameter of this function, else None."""
    params = scope.child_by_field_name("parameters") or scope.child_by_field_name("parameter")
    if params is None:
        return None
    items = [params] if params.type == "identifier" else params.named_children
    func = text(scope.child_by_field_name("name")) or _CALLBACK
    for p in items:
        pattern = p.child_by_field_name("pattern") or p.child_by_field_name("left") or p
        if pattern.type == "identifier" and text(pattern) == name:
            decorators = [dotted(d.named_children[0].child_by_field_name("function") or d.named_children[0])
                          for d in p.named_children if d.type == "decorator" and d.named_child_count]
            if any(d in _REQUEST_DECORATORS for d in decorators):
                return REQUEST, f"{name} (@{decorators[0]}() parameter of {func})"
            if name in _REQUEST_NAMES or any(d in _REQUEST_OBJECT_DECORATORS for d in decorators):
                return REQUEST_OBJECT, name
            return PARAM, f"{name} (parameter of {func})"
        if pattern.type == "object_pattern" and name in _pattern_names(pattern):
            return PARAM, f"{name} (parameter of {func})"
    return None


def said(what: str) -> str:
    """The parse-time `what` of a sink (see `_parameter`) as report text: a Message when it names a
    parameter, the expression itself (evidence) otherwise."""
    m = _SAID_PARAMETER.match(what)
    if m is None:
        return what
    name, decorator, func = m.group("name", "decorator", "func")
    if decorator:
        if func == _CALLBACK:
            return Message("{name} (@{decorator}() parameter of a callback)", name=name, decorator=decorator)
        return Message("{name} (@{decorator}() parameter of {function})", name=name, decorator=decorator,
                           function=func)
    if func == _CALLBACK:
        return Message("{name} (parameter of a callback)", name=name)
    return Message("{name} (parameter of {function})", name=name, function=func)


def _pattern_names(pattern: Node) -> set[str]:
    out = set()
    for c in pattern.named_children:
        if c.type == "shorthand_property_identifier_pattern":
            out.add(text(c))
        elif c.type == "pair_pattern":
            value = c.child_by_field_name("value")
            if value is not None and value.type == "identifier":
                out.add(text(value))
    return out


def _declared(scope: Node, name: str, before: int) -> Node | None:
    """The value bound to `name` by a declaration directly in `scope` (not in nested functions)
    before line `before`; for `const { name } = obj` the object is returned as the value holder."""
    body = scope.child_by_field_name("body") if scope.type in _SCOPES else scope
    if body is None:
        return None
    stack, seen, found = [body], 0, None
    while stack and seen < _MAX_SCAN:
        n = stack.pop()
        seen += 1
        if n.type == "variable_declarator" and line(n) <= before and _binds(n, name):
            value = n.child_by_field_name("value")
            if value is not None and (found is None or line(value) > line(found)):
                found = value
        if n.type not in _SCOPES or n is body:
            stack.extend(n.named_children)
    return found


def _binds(declarator: Node, name: str) -> bool:
    """`const name = ...` or `const { name } = ...`."""
    target = declarator.child_by_field_name("name")
    if target is None:
        return False
    if target.type == "identifier":
        return text(target) == name
    return target.type == "object_pattern" and name in _pattern_names(target)


def literal_prefix(node: Node | None) -> str:
    """The literal text an expression starts with (a string, a template's head, the left of `+`)."""
    while node is not None and node.type in _WRAPPERS and node.named_child_count:
        node = node.named_children[0]
    if node is None:
        return ""
    if node.type == "string":
        return text(node)[1:-1]
    if node.type == "template_string":
        raw = text(node)[1:]
        return raw.split("${", 1)[0] if "${" in raw else raw[:-1]
    if node.type == "binary_expression":
        return literal_prefix(node.child_by_field_name("left"))
    return ""


def leading(node: Node | None) -> Node | None:
    """The piece an expression starts with: a template's first substitution when it starts with one,
    the left-most operand of `+`, else the expression itself (an outbound URL's host is chosen there)."""
    while node is not None and node.type in _WRAPPERS and node.named_child_count:
        node = node.named_children[0]
    while node is not None and node.type == "binary_expression":
        node = node.child_by_field_name("left")
    if node is not None and node.type == "template_string" and text(node).startswith("`${"):
        sub = next((c for c in node.named_children if c.type == "template_substitution"), None)
        return sub.named_children[0] if sub is not None and sub.named_child_count else node
    return node


def resolve_local(node: Node | None, steps: int = 3) -> Node | None:
    """The value an identifier was declared with (`const url = ...` in the function or module),
    followed up to `steps` times; the node itself when it is no such identifier."""
    while node is not None and steps > 0 and node.type == "identifier":
        scope, value = node.parent, None
        while scope is not None and value is None:
            if scope.type in _SCOPES and _parameter(scope, text(node)) is not None:
                return node
            if scope.type in _SCOPES or scope.type == "program":
                value = _declared(scope, text(node), line(node))
            scope = scope.parent
        if value is None:
            return node
        node, steps = value, steps - 1
    return node
