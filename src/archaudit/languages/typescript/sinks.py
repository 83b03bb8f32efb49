"""Parse-time facts for the security rules: calls that are sinks (a shell command, code evaluation,
an outbound request, a served or read file, a JWT decode or verify, raw HTML in JSX) with where
their input comes from (`flow.origin`), and `process.env.X || "literal"` fallbacks.

Only the callee's last name and a few roots are tested on every call, so the walk stays cheap;
the data-flow question is asked for the rare calls that match.
"""

from __future__ import annotations

import functools
import re

from tree_sitter import Node

from archaudit.languages.typescript.facts import EnvFallbackFact, SinkFact
from archaudit.languages.typescript.flow import (
    CODE,
    REQUEST_OBJECT,
    UNKNOWN,
    leading,
    literal_prefix,
    origin,
    resolve_local,
)
from archaudit.languages.typescript.nodes import dotted, line, string_value, text

_LAST = frozenset({"exec", "execSync", "spawn", "spawnSync", "eval", "Function", "runInNewContext",
                   "runInThisContext", "runInContext", "Script", "sendFile", "download", "readFile", "readFileSync",
                   "createReadStream", "decode", "verify", "get", "post", "put", "patch", "delete", "head",
                   "request", "fetch", "axios", "got", "needle"})
_HTTP_ROOTS = frozenset({"axios", "got", "needle", "superagent", "http", "https", "fetch", "request", "undici"})
_HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "request"})
_RESPONSES = frozenset({"res", "response", "reply", "resp"})
_FS = frozenset({"fs", "fsPromises", "fsp", "promises", "fse", "fsExtra"})
_HTTP_OWNERS = ("httpService", "HttpService", "http")
# a literal that fixes the scheme and host of a URL (a path follows): the rest cannot change the host
_FIXED_HOST = re.compile(r"^(https?:)?//[^/?#@${}]+[/?#]|^/(?!/)")


@functools.lru_cache(maxsize=8192)
def kind_of(callee: str) -> str:
    """The sink kind a callee name stands for ("" when none): shell, eval, http, file, jwt. (Asked of
    every call the walker meets: memoised, callee names repeat.)"""
    bare = callee.removeprefix("new ")
    last = bare.rsplit(".", 1)[-1]
    if last not in _LAST:
        return ""
    root = bare.split(".", 1)[0]
    if last in ("exec", "execSync", "spawn", "spawnSync"):
        return "shell"
    if last in ("eval", "Function", "runInNewContext", "runInThisContext", "runInContext", "Script"):
        return "eval" if bare in ("eval", "Function", "vm.Script", "Script") or root == "vm" or "." not in bare \
            else ""
    if last in ("sendFile", "download"):
        return "file" if root in _RESPONSES and bare.count(".") == 1 else ""
    if last in ("readFile", "readFileSync", "createReadStream"):
        return "file" if root in _FS or "." not in bare else ""
    if last in ("decode", "verify"):
        return "jwt"
    if bare in _HTTP_ROOTS or (root in _HTTP_ROOTS and last in _HTTP_METHODS):
        return "http"
    owner = bare.rsplit(".", 2)[-2] if bare.count(".") >= 1 else ""
    if last in _HTTP_METHODS and owner in _HTTP_OWNERS:
        return "http"
    return ""


def sink(callee: str, node: Node, args: list[Node], func: str) -> SinkFact | None:
    """The sink fact of a call, or None when the callee is no sink."""
    kind = kind_of(callee)
    if not kind:
        return None
    if callee == "new Function" or callee.endswith(".Function"):
        first = args[-1] if args else None  # the body is the last argument
    else:
        first = args[0] if args else None
    if first is None:
        return None
    url = resolve_local(first) if kind == "http" else first
    prefix = literal_prefix(url)
    if kind != "http":
        found, what = origin(first)
    elif prefix:  # `https://api.example.com/${id}`: the host is chosen by the code
        found, what = (CODE, prefix) if _FIXED_HOST.match(prefix) else origin(first)
    else:  # `${base}/x`: the host is whatever the leading piece holds
        found, what = origin(leading(url))
    found = UNKNOWN if found == REQUEST_OBJECT else found  # the whole request object: not one client value
    keys = sorted({_key(c) for a in args[1:] if a.type == "object" for c in a.named_children} - {""})
    return {"kind": kind, "callee": callee, "line": line(node), "func": func, "origin": found, "what": what[:120],
            "prefix": prefix[:80], "keys": keys, "arg": text(first)[:120]}


def html_sink(node: Node, func: str) -> SinkFact | None:
    """`dangerouslySetInnerHTML={{ __html: value }}`: the `__html` pair of that JSX attribute."""
    attr = node.parent.parent if node.parent is not None else None
    while attr is not None and attr.type in ("jsx_expression", "parenthesized_expression"):
        attr = attr.parent
    if attr is None or attr.type != "jsx_attribute" or not text(attr).startswith("dangerouslySetInnerHTML"):
        return None
    value = node.child_by_field_name("value")
    if value is None:
        return None
    found, what = origin(value)
    found = UNKNOWN if found == REQUEST_OBJECT else found
    return {"kind": "html", "callee": "dangerouslySetInnerHTML", "line": line(node), "func": func, "origin": found,
            "what": what[:120], "prefix": "", "keys": [], "arg": text(value)[:120]}


def _key(node: Node) -> str:
    if node.type == "shorthand_property_identifier":
        return text(node)
    key = node.child_by_field_name("key") if node.type == "pair" else None
    if key is None:
        return ""
    return string_value(key) if key.type == "string" else text(key)


def env_fallback(node: Node, func: str) -> EnvFallbackFact | None:
    """`process.env.JWT_SECRET || "dev"` / `?? "dev"` / `config.get('JWT_SECRET') || "dev"`: the
    variable read, the literal used when it is unset, and where."""
    op = node.child_by_field_name("operator")
    if op is None or op.type not in ("||", "??"):
        return None
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if left is None or right is None or right.type not in ("string", "template_string"):
        return None
    if right.type == "template_string" and "${" in text(right):
        return None
    name = ""
    if left.type in ("member_expression", "subscript_expression"):
        chain = dotted(left)
        if chain.startswith("process.env."):
            name = chain.removeprefix("process.env.")
        elif chain.startswith("process.env[") and chain.endswith("]"):
            name = chain[len("process.env["):-1]
    elif left.type == "call_expression":
        fn = dotted(left.child_by_field_name("function"))
        args = left.child_by_field_name("arguments")
        head = args.named_children[0] if args is not None and args.named_child_count else None
        if fn.endswith(("onfigService.get", "config.get", "onfig.get")) and head is not None and head.type == "string":
            name = string_value(head)
    if not name or not name.replace("_", "").isalnum():
        return None
    return {"name": name, "line": line(node), "func": func, "value": string_value(right)}
