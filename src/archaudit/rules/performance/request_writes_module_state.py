"""PERF006 request-writes-module-state."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.api.section import find_endpoints
from archaudit.findings import Axis, Evidence, Hit, Message, Premise, Severity
from archaudit.languages.python.facts import expr_text
from archaudit.repo import Repo
from archaudit.resolve.context import Context, context_of
from archaudit.resolve.python_index import calls_by_function, function_index, is_app_code
from archaudit.rules.base import Rule

_HOPS = 3  # handler -> helper -> helper -> the function writing the slot
_CONTAINER_CALLS = ("dict(", "list(", "defaultdict(", "OrderedDict(")


def _module_containers(repo: Repo, path: str) -> dict[str, int]:
    """Module-level names of `path` bound to a dict or list (literal or constructor): name -> line."""
    out: dict[str, int] = {}
    for a in repo.python[path]["assigns"]:
        if not a["func"] and not a["cls"] and a["target"].isidentifier() and (
                isinstance(a["value"], dict | list) or expr_text(a["value"]).startswith(_CONTAINER_CALLS)):
            out.setdefault(a["target"], a["line"])
    return out


def _reached(repo: Repo) -> dict[tuple[str, str], tuple[str, str]]:
    """(path, qualname) of plain functions a request handler runs, up to `_HOPS` calls away, resolved by
    a name the application defines at most twice (a function and a wrapper of the same name)
    -> the endpoint (method path) that reaches it."""
    functions = repo.derived(function_index)
    by_function = repo.derived(calls_by_function)
    by_name: dict[str, list[tuple[str, str]]] = {}
    for (path, qualname), fn in functions.items():
        if not fn["cls"] and "." not in qualname and is_app_code(repo, path):
            by_name.setdefault(fn["name"], []).append((path, qualname))
    out: dict[tuple[str, str], tuple[str, str]] = {}
    frontier = [((e.handler_file, e.handler), (e.method, e.path)) for e in find_endpoints(repo)
                if e.handler_file and e.handler]
    for _ in range(_HOPS + 1):  # breadth first from every handler at once: each function at its shortest hop
        nxt: list[tuple[tuple[str, str], tuple[str, str]]] = []
        for key, route in frontier:
            if key in out:
                continue
            out[key] = route
            for call in by_function.get(key, []):
                targets = by_name.get(call["name"].rsplit(".", 1)[-1], [])
                if len(targets) <= 2:  # a name defined once, or a module function and its re-exporting wrapper
                    nxt.extend((t, route) for t in targets)
        frontier = nxt
    return out


def check(repo: Repo) -> Iterator[Hit]:
    """Reports a fixed slot of a module-level dict or list (`STATE["db"] = value`, `paths[1] = value`:
    a constant key or index, plain assignment) written by a function that a request handler runs
    (the handler itself or a plain function it calls, up to three calls away, resolved by a name the
    application defines at most twice), in production code. Keyed writes (`cache[key] = value`) are caches or
    registries and are not reported, nor are counters (`+=`) or writes outside request handling."""
    writes = [(path, w) for path, facts in repo.python_items() if facts.get("item_writes")
              for w in facts["item_writes"]]
    if not writes:
        return
    reached = _reached(repo)
    containers: dict[str, dict[str, int]] = {}
    for path, (name, line, func) in writes:
        route = reached.get((path, func))
        if route is None or not is_app_code(repo, path) or context_of(repo, path) is not Context.PRODUCTION:
            continue
        if path not in containers:
            containers[path] = _module_containers(repo, path)
        defined = containers[path].get(name)
        if defined is None:
            continue
        premise = Premise(Message("{function}() runs while serving {method} {route}", function=func,
                                  method=route[0], route=route[1]))
        yield Hit(path, line, Message("{function}() writes a fixed slot of the module-level {name} while serving "
                                      "requests: the value is shared by every request of this process and "
                                      "differs between worker processes.", function=func, name=name),
                  also=(Evidence(path, defined),), premises=(premise,), key=name)


RULE = Rule(
    id="PERF006",
    name="request-writes-module-state",
    axis=Axis.PERFORMANCE,
    severity=Severity.MEDIUM,
    title="Request handling writes process-wide state held in a module-level container",
    impact="The value one request stores is seen by every later request of the same process, including "
           "other users' concurrent ones, and not by the other worker processes: behaviour depends on "
           "which worker answers and in which order requests arrive.",
    action="Pass the value through the request (argument, request context such as flask.g), or keep "
           "shared state in a store every worker sees (database, cache) with explicit keys.",
    check=check,
    example_bad='db_path = {1: "main.db"}\n\ndef change_db(name):\n    db_path[1] = name  # called by a route',
    example_good="def fetch(db_name):\n    with sqlite3.connect(resolve_db(db_name)) as conn:\n        ...",
)
