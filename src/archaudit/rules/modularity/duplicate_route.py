"""MOD005 duplicate-route."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.api.endpoint import Endpoint, is_computed_path
from archaudit.detect.api.section import find_endpoints
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_written
from archaudit.rules.base import Rule

# ANY dispatches every method; OPTIONS and HEAD are answered by the framework or CORS middleware
# for every route of a path (Flask's automatic options), so listing them twice loses no handler
_NOT_HANDLERS = frozenset({"ANY", "OPTIONS", "HEAD"})
_PARAM = re.compile(r"\{[^{}/]*+\}")  # no `{` inside: a run of `{` is scanned once, not from each one
_CONVERTER = re.compile(r"<(?:(\w+)(?:\([^)>]*\))?:)?\w+>")  # Werkzeug <int:id>, <path:p>, <name>


def _converter(m: re.Match[str]) -> str:
    """A Werkzeug rule parameter keeps its converter: <int:id> and <string:name> are two rules."""
    return f"<{m.group(1) or 'string'}>"



def route_key(e: Endpoint) -> tuple[str, str, str]:
    """(app, method, path) with parameter names erased: /items/{id} and /items/{item_id} collide;
    Flask's <int:id> and <string:slug> do not (the converter picks the rule), nor do the routes of
    two applications (each serves its own URL space)."""
    path = e.path
    if "{" in path:
        path = _PARAM.sub("{}", path)
    if "<" in path:
        path = _CONVERTER.sub(_converter, path)
    return (e.app, e.method, path)


def _url_for_endpoints(repo: Repo) -> set[str]:
    """Flask endpoint names the code builds URLs for (`url_for("views.themes_beta")`), last part."""
    out = set()
    for _, call, _ in calls_written(repo, "url_for"):
        first = call["args"][0] if call["args"] else None
        if isinstance(first, str):
            out.add(first.rsplit(".", 1)[-1])
    return out


def _alias(repo: Repo, e: Endpoint) -> bool:
    """A Flask registration kept on purpose as a URL-building alias: the code calls url_for() with its
    endpoint name, so the route is not dead even though its handler is never reached."""
    return e.framework == "flask" and e.handler.rsplit(".", 1)[-1] in repo.derived(_url_for_endpoints)


def check(repo: Repo) -> Iterator[Hit]:
    """Groups endpoints by method and path (parameter names ignored, "ANY" excluded) and reports every
    registration after the first of a pair registered at different places: only one of them is served.
    OPTIONS and HEAD are left out (answered for every route of a path). Premise: both are served by
    the same application. A route whose router reaches no resolved
    application is left out (its full path is not determined), and so are paths partly computed at
    run time. A Flask registration whose endpoint name the code passes to url_for() is an alias kept
    for building URLs, not dead code."""
    first_of: dict[tuple[str, str, str], Endpoint] = {}  # route -> first endpoint (few collide)
    groups: dict[tuple[str, str, str], dict[tuple[str, int], Endpoint]] = {}
    for e in find_endpoints(repo):
        if e.method in _NOT_HANDLERS or not e.app or is_computed_path(e.path):
            continue
        key = route_key(e)
        seen = first_of.setdefault(key, e)
        if seen is e or (key not in groups and seen.file == e.file and seen.line == e.line):
            continue
        groups.setdefault(key, {(seen.file, seen.line): seen}).setdefault((e.file, e.line), e)
    for (_, method, _), places in sorted((k, v) for k, v in groups.items() if len(v) > 1):
        ordered = [places[k] for k in sorted(places)]
        first = ordered[0]
        for dup in ordered[1:]:
            if _alias(repo, dup):
                continue
            yield Hit(dup.file, dup.line,
                      Message("{method} {path} is registered twice: `{handler}` here and `{handler2}` at {ref}; "
                              "only one handler is reached.",
                              method=method, path=dup.path, handler=dup.handler, handler2=first.handler,
                              ref=first.ref),
                      also=(Evidence(first.file, first.line),), key=f"{method} {dup.path}")


RULE = Rule(
    id="MOD005",
    name="duplicate-route",
    axis=Axis.MODULARITY,
    severity=Severity.HIGH,
    title="The same method and path are registered twice",
    impact="The framework silently serves only one of the handlers (the first registered); the other is "
           "dead code that readers and tests believe is live.",
    action="Delete or rename one of the routes, and keep one handler per method and path.",
    check=check,
    example_bad='@router.get("/users/{id}")\ndef get_user(id: int): ...\n\n'
                '@router.get("/users/{user_id}")\ndef read_user(user_id: int): ...',
    example_good='@router.get("/users/{user_id}")\ndef read_user(user_id: int): ...',
)
