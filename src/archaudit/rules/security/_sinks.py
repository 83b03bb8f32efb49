"""Shared by the unsafe-sink rules (SEC110-SEC115): where the input of a sink call comes from, in
Python (through `resolve.origins`, one step of local data flow) and in TypeScript (the `sinks`
facts the extractor computed at parse time), said in one vocabulary:

- "request": established as request data (a request attribute carrying client input, a parameter of
  a route handler, a NestJS `@Body()`/`@Query()`/`@Param()` parameter): the claim is made;
- "undetermined": not established either way (a parameter of a function whose callers were not
  followed, an attribute of `self`, the result of a call): the claim becomes "not determined";
- "code": chosen by the code (literals, module constants, settings, sanitised values): silent.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass

from archaudit.detect.api.section import endpoints_by_handler
from archaudit.findings import Hit, Message, Premise
from archaudit.languages.python.facts import CallFact
from archaudit.languages.typescript.facts import SinkFact
from archaudit.languages.typescript.flow import said
from archaudit.repo import Repo
from archaudit.resolve.origins import Flow, Origin, assigned, calls_at, flow_at
from archaudit.resolve.python_index import CallRef, calls_named, function_index, import_aliases, is_app_code
from archaudit.resolve.typescript_index import is_ts_test, ts_facts

REQUEST, UNDETERMINED, CODE = "request", "undetermined", "code"
# request attributes that carry what the client sent (not request.user, request.session, request.app)
_CLIENT = re.compile(r"\b(request|req)\.(GET|POST|args|form|values|json|data|body|files|FILES|headers|cookies|"
                     r"COOKIES|query_params|path_params|query_string|get_json|META|stream|content|get_data|query|"
                     r"params|url|path|full_path|match_info)\b")
_PARAM = re.compile(r"(?<!\w)(\w{1,100}) \(parameter of (\w{1,100})\)")
_BROWSER_ASSETS = re.compile(r"(^|/)(static|public|vendor|vendors|lib|libs|bower_components|wwwroot)/")
_REQUEST_NAMES = frozenset({"request", "req"})
_GLOBAL_REQUESTS = ("flask.request", "quart.request", "bottle.request")
_DEPENDENCY = re.compile(r"^(Depends|Security|fastapi\.Depends|Inject)\b")


@dataclass(frozen=True)
class Input:
    state: str  # request | undetermined | code
    what: str  # the expression that brings the value in
    why: str = ""  # when undetermined: what stopped it


def premise(found: Input, fact: str) -> tuple[Premise, ...]:
    """The premise of a sink claim: established for request data, unknown otherwise."""
    if found.state == REQUEST:
        return (Premise(fact),)
    return (Premise.unknown(fact, found.why or Message("where {what} comes from is not determined", what=found.what)),)


# -- Python ---------------------------------------------------------------------------------------

def python_calls(repo: Repo, *names: str) -> list[CallRef]:
    """Calls of these qualified names in application code, in (path, line) order."""
    return [ref for ref in calls_named(repo, *names) if is_app_code(repo, ref[0])]


def may_reach_request(repo: Repo, path: str, call: CallFact) -> bool:
    """A cheap pre-filter from the facts, for rules that only report established request data: the
    call sits in a route handler (whose parameters are request input), in a function taking a
    `request`, or in a module importing Flask's global `request`. Anything else can only end as
    "not determined", so its source is not parsed."""
    func = call["func"]
    if not func:
        return False
    if (path, func) in endpoints_by_handler(repo):
        return True
    fn = repo.derived(function_index).get((path, func))
    if fn is not None and not _REQUEST_NAMES.isdisjoint(fn["params"]):
        return True
    return repo.derived(import_aliases)[path].get("request", "").endswith(_GLOBAL_REQUESTS)


def python_input(repo: Repo, path: str, call: CallFact, method: str, position: int, keywords: tuple[str, ...],
                 safe: frozenset[str] = frozenset(), host_only: bool = False) -> Input | None:
    """Where the argument at `position` (or one of `keywords`) of the call on that line comes from;
    None when the call has no such argument. Pieces wrapped in one of the `safe` calls (an escaping
    or quoting function) are chosen by the code. `host_only`: for a URL, only the piece that decides
    the host counts (`f"https://api.example.com/{x}"` is the code's choice of host)."""
    line = call["line"]
    found = flow_at(repo, path, line)
    if found is None:
        return Input(UNDETERMINED, Message("the argument"), Message("the file could not be parsed"))
    tree, func, flow = found
    for node in calls_at(func or tree, line, method):
        arg = node.args[position] if len(node.args) > position else next(
            (k.value for k in node.keywords if k.arg in keywords), None)
        if arg is None:
            continue
        pieces = _pieces(flow, arg, host_only)
        pieces = [p for p in pieces if not _confined(flow, p, safe)]
        if not pieces:
            return Input(CODE, _text(arg))
        sources = [flow.origin(p) for p in pieces]
        outside = [s for s in sources if s.origin is Origin.OUTSIDE]
        for s in outside:
            judged = _judge_outside(repo, path, call["func"], s.what)
            if judged.state == REQUEST:
                return judged
        if outside:
            return _judge_outside(repo, path, call["func"], outside[0].what)
        unknown = [s for s in sources if s.origin is Origin.UNKNOWN]
        if unknown:
            return Input(UNDETERMINED, unknown[0].what,
                         Message("where {what} comes from is not determined", what=unknown[0].what))
        return Input(CODE, _text(arg))
    return None


def _pieces(flow: Flow, arg: ast.expr, host_only: bool) -> list[ast.expr]:
    """The runtime pieces whose origin decides the claim: every interpolated piece (through the
    local variables holding the string), or for a URL the piece that decides its host."""
    if isinstance(arg, ast.Call) and getattr(arg.func, "id", "") == "open" and arg.args:
        arg = arg.args[0]  # FileResponse(open(path, "rb")): the path decides
    if not host_only:
        return flow.pieces(arg)
    out: list[ast.expr] = []
    todo, seen = [arg], 0
    while todo and seen < 8:
        seen += 1
        head = _head(todo.pop())
        values = assigned(flow.func, head.id, flow.line) if isinstance(head, ast.Name) else []
        if values:
            todo.extend(values)
        elif isinstance(head, ast.Constant) and isinstance(head.value, str):
            if not _FIXED_HOST.match(head.value):
                out.append(arg)
        else:
            out.append(head)
    return out


_FIXED_HOST = re.compile(r"^(https?:)?//[^/?#@{}%]+[/?#]|^/(?!/)")


def _head(node: ast.expr) -> ast.expr:
    """The piece a string expression starts with (f-string head, left of `+`, `%` or `.format`)."""
    while True:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
            node = node.left
        elif isinstance(node, ast.JoinedStr) and node.values:
            first = node.values[0]
            return first.value if isinstance(first, ast.FormattedValue) else first
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format" \
                and isinstance(node.func.value, ast.Constant):
            node = node.func.value
        else:
            return node


def _confined(flow: Flow, node: ast.expr, safe: frozenset[str], depth: int = 0) -> bool:
    """True when the value is the result of one of the `safe` calls: directly, through the local
    variables holding it, or as the element a loop iterates (`for p in (safe_join(...) for ...)`)."""
    if depth > 4 or not safe:
        return False
    if isinstance(node, ast.Call):
        func = node.func
        return (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")) in safe
    if isinstance(node, ast.GeneratorExp | ast.ListComp | ast.SetComp):
        return _confined(flow, node.elt, safe, depth + 1)
    if isinstance(node, ast.Name):
        values = assigned(flow.func, node.id, flow.line)
        return bool(values) and all(_confined(flow, v, safe, depth + 1) for v in values)
    return False


def _text(node: ast.AST) -> str:
    try:
        return ast.unparse(node)[:80]
    except Exception:  # unparse of a malformed tree: only the label is lost
        return type(node).__name__


def _judge_outside(repo: Repo, path: str, qualname: str, what: str) -> Input:
    """Outside, per `resolve.origins`: request data only when a request attribute carrying client
    input, or a parameter of a route handler that is not a dependency, brings it in."""
    if _CLIENT.search(what):
        return Input(REQUEST, what)
    if "(request data)" in what:
        return Input(UNDETERMINED, what, Message("{what} is request state, not established as client input", what=what))
    m = _PARAM.search(what)
    if m is None:
        return Input(UNDETERMINED, what)
    param, func = m.group(1), m.group(2)
    handler = qualname if qualname.rsplit(".", 1)[-1] == func else ""
    served = endpoints_by_handler(repo).get((path, handler)) if handler else None
    if not served:
        return Input(UNDETERMINED, what, Message("{param} is a parameter of {func}, whose callers were not followed",
                                                  param=param, func=func))
    fn = repo.derived(function_index).get((path, handler))
    default = fn["defaults"].get(param) if fn else None
    if isinstance(default, dict) and _DEPENDENCY.match(str(default.get("$", ""))):
        return Input(UNDETERMINED, what, Message("{param} is a dependency of {func}, not a request field", param=param,
                                                  func=func))
    e = served[0]
    return Input(REQUEST, Message("{param} (request input of the {method} {path} handler {func})", param=param,
                                  method=e.method, path=e.path, func=func))


# -- TypeScript -----------------------------------------------------------------------------------

def ts_sinks(repo: Repo, kind: str) -> Iterator[tuple[str, SinkFact]]:
    """(path, sink) of every TypeScript/JavaScript sink of that kind outside tests and outside
    assets served to browsers (`static/`, `public/`, vendored bundles), sorted."""
    for path, facts in sorted(repo.derived(ts_facts).items()):
        if is_ts_test(path) or _BROWSER_ASSETS.search(path):
            continue
        for s in facts.get("sinks", ()):
            if s["kind"] == kind:
                yield path, s


def ts_input(s: SinkFact) -> Input:
    """The parse-time origin of a TypeScript sink's input, in the vocabulary above."""
    what = said(s["what"])
    if s["origin"] == "request":
        return Input(REQUEST, what)
    if s["origin"] == "code":
        return Input(CODE, what)
    if s["origin"] == "param":
        return Input(UNDETERMINED, what, Message("{what}: its callers were not followed", what=what))
    return Input(UNDETERMINED, what or s["arg"], Message("where {what} comes from is not determined", what=s["arg"]))


def ts_imports(repo: Repo, path: str) -> set[str]:
    """The module specifiers a TypeScript file imports (import, require, dynamic import)."""
    return {i["module"].removeprefix("node:") for i in repo.derived(ts_facts)[path]["imports"]}


def hit(path: str, line: int, message: str, found: Input, fact: str, key: str) -> Hit:
    """A sink hit whose premise is the origin of its input."""
    return Hit(path, line, message, key=key, premises=premise(found, fact))
