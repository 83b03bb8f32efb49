"""Which guard protects a FastAPI/Flask handler, with the text that shows it.

FastAPI: `Depends(...)`/`Security(...)` on a parameter (directly, inside `Annotated[...]`, or through
a module-level alias such as `CurrentUser = Annotated[User, Depends(get_current_user)]`), or in a
`dependencies=[...]` list of the route, its router, an include_router call or the app; a dependency
that itself depends on a guard counts too (two levels). Flask: a guard decorator on the view, or a
guard `before_request` hook on its blueprint/app.
"""

from __future__ import annotations

import re

from archaudit.detect.api_model import is_auth_name
from archaudit.detect.routes_objects import resolve_symbol
from archaudit.languages.python.facts import FunctionFact, expr_text
from archaudit.repo import Repo

_DEP = re.compile(r"\b(Depends|Security)\(\s*([\w.]*)")
_ROUTE_DECORATORS = frozenset({"route", "get", "post", "put", "patch", "delete", "api_route", "websocket",
                               "head", "options", "validate", "doc", "arguments", "response"})


def type_aliases(repo: Repo) -> dict[str, dict[str, str]]:
    """Per file: `Annotated` aliases defined at module level -> their source text."""
    return {path: {a["name"]: a["text"] for a in facts.get("type_aliases", [])}
            for path, facts in repo.python_items()}


def _functions(repo: Repo) -> dict[tuple[str, str], FunctionFact]:
    return {(p, f["qualname"]): f for p, facts in repo.python_items() for f in facts["functions"]}


def _param_texts(repo: Repo, path: str, fn: FunctionFact) -> list[str]:
    """Dependency texts found on the parameters of `fn` (defaults and annotations, aliases expanded)."""
    out = [expr_text(v) for v in fn["defaults"].values() if expr_text(v)]
    aliases = repo.derived(type_aliases)
    for name, ann in fn["annotations"].items():
        if name == "return":
            continue
        if "Depends(" in ann or "Security(" in ann:
            out.append(ann)
            continue
        target = resolve_symbol(repo, path, ann) if ann.isidentifier() else None
        if target is not None:
            out.append(aliases.get(target[0], {}).get(target[1], ""))
    return [t for t in out if "Depends(" in t or "Security(" in t]


def guard_in(repo: Repo, path: str, texts: list[str] | tuple[str, ...], depth: int = 0) -> str:
    """The first dependency text (in `path`) that is a guard, "" when none is."""
    for text in texts:
        for kind, name in _DEP.findall(text):
            if kind == "Security" or (name and is_auth_name(name)):
                return f"{kind}({name})"
            if name and depth < 2:
                target = resolve_symbol(repo, path, name)
                fn = repo.derived(_functions).get(target) if target else None
                if fn is not None and target is not None \
                        and guard_in(repo, target[0], _param_texts(repo, target[0], fn), depth + 1):
                    return f"{kind}({name})"
    return ""


def fastapi_guard(repo: Repo, path: str, fn: FunctionFact, outer: tuple[str, ...]) -> str:
    """Guard evidence for a FastAPI handler: route/router/app dependencies, then its parameters."""
    return guard_in(repo, path, outer) or guard_in(repo, path, _param_texts(repo, path, fn))


def flask_guard(fn: FunctionFact, outer: tuple[str, ...]) -> str:
    """Guard evidence for a Flask view: a guard decorator, or a guard before_request hook."""
    for dec in fn["decorators"]:
        method = dec["name"].rsplit(".", 1)[-1]
        if method not in _ROUTE_DECORATORS and is_auth_name(dec["name"]):
            return "@" + dec["name"]
    return next((t for t in outer if t.startswith("before_request(")), "")
