"""Which guard protects a FastAPI/Flask handler, with the text that shows it.

FastAPI: `Depends(...)`/`Security(...)` on a parameter (directly, inside `Annotated[...]`, or through
a module-level alias such as `CurrentUser = Annotated[User, Depends(get_current_user)]`), or in a
`dependencies=[...]` list of the route, its router, an include_router call or the app; a dependency
that itself depends on a guard counts too (two levels). Flask: a guard decorator on the view, or a
guard `before_request` hook on its blueprint/app.
"""

from __future__ import annotations

import re

from archaudit.detect.api.endpoint import is_auth_name
from archaudit.detect.api.routers import resolve_symbol
from archaudit.findings import Message
from archaudit.languages.python.facts import FunctionFact, expr_text, is_expr
from archaudit.repo import Repo
from archaudit.resolve.python_index import function_index

_DEP = re.compile(r"\b(Depends|Security)\(\s*([\w.]*)")
_ROUTE_DECORATORS = frozenset({"route", "get", "post", "put", "patch", "delete", "api_route", "websocket",
                               "head", "options", "validate", "doc", "arguments", "response"})


def type_aliases(repo: Repo) -> dict[str, dict[str, str]]:
    """Per file: `Annotated` aliases defined at module level -> their source text."""
    return {path: {a["name"]: a["text"] for a in facts.get("type_aliases", [])}
            for path, facts in repo.python_items()}


def _memo(repo: Repo) -> dict[tuple[str, str, int], str]:
    """Per audit: (path, dependency text, depth) -> guard evidence ("" when none); handlers repeat
    the same few dependency texts (Depends(get_db), Depends(get_current_user)...)."""
    return {}


def _alias_files(repo: Repo) -> frozenset[str]:
    """Files defining at least one `Annotated` alias that carries a dependency."""
    return frozenset(path for path, names in repo.derived(type_aliases).items()
                     if any("Depends(" in t or "Security(" in t for t in names.values()))


def _alias_memo(repo: Repo) -> dict[tuple[str, str], str]:
    """Per audit: (path, annotation name) -> the `Annotated` alias text it names, "" for none."""
    return {}


def _param_texts(repo: Repo, path: str, fn: FunctionFact) -> list[str]:
    """Dependency texts found on the parameters of `fn` (defaults and annotations, aliases expanded)."""
    out = []
    for value in fn["defaults"].values():
        text = expr_text(value)
        if "Depends(" in text or "Security(" in text:
            out.append(text)
    memo = repo.derived(_alias_memo)
    any_alias = bool(repo.derived(_alias_files))
    for name, ann in fn["annotations"].items():
        if name == "return":
            continue
        if "Depends(" in ann or "Security(" in ann:
            out.append(ann)
            continue
        if not any_alias or not ann.isidentifier():
            continue  # no module defines an alias: a bare name cannot stand for a dependency
        alias = memo.get((path, ann))
        if alias is None:
            target = resolve_symbol(repo, path, ann)
            aliases = repo.derived(type_aliases)
            alias = memo[(path, ann)] = aliases.get(target[0], {}).get(target[1], "") if target else ""
        if "Depends(" in alias or "Security(" in alias:
            out.append(alias)
    return out


def guard_in(repo: Repo, path: str, texts: list[str] | tuple[str, ...], depth: int = 0) -> str:
    """The first dependency text (in `path`) that is a guard, "" when none is."""
    if not texts:
        return ""
    memo = repo.derived(_memo)
    for text in texts:
        key = (path, text, depth)
        found = memo.get(key)
        if found is None:
            found = memo[key] = _text_guard(repo, path, text, depth)
        if found:
            return found
    return ""


def dependency_aliases(repo: Repo) -> dict[str, dict[str, str]]:
    """Per file: module-level names bound to a dependency (`DependsJwtAuth = Depends(HTTPBearer())`)
    -> the text of that value, so `dependencies=[DependsJwtAuth]` reads as what it stands for."""
    out: dict[str, dict[str, str]] = {}
    for path, facts in repo.python_items():
        for a in facts["assigns"]:
            if a["func"] or a["cls"] or not a["target"].isidentifier():
                continue
            text = expr_text(a["value"]) if is_expr(a["value"]) else ""
            if "Depends(" in text or "Security(" in text:
                out.setdefault(path, {})[a["target"]] = text
    return out


def _alias_text(repo: Repo, path: str, text: str) -> tuple[str, str] | None:
    """(file, value text) of the module-level dependency alias a bare name refers to, if any."""
    aliases = repo.derived(dependency_aliases)
    if not aliases or not text.replace(".", "").isidentifier():
        return None
    target = resolve_symbol(repo, path, text)
    if target is None:
        return None
    value = aliases.get(target[0], {}).get(target[1])
    return (target[0], value) if value else None


def _text_guard(repo: Repo, path: str, text: str, depth: int) -> str:
    """Guard evidence of one dependency text, following non-guard dependencies two levels deep
    and module-level aliases of a dependency (`DependsJwtAuth`)."""
    if "(" not in text and depth < 2:
        alias = _alias_text(repo, path, text)
        if alias is not None:
            found = guard_in(repo, alias[0], [alias[1]], depth + 1)
            return f"{text} = {found}" if found else ""
    for kind, name in _DEP.findall(text):
        if kind == "Security" or (name and is_auth_name(name)):
            return f"{kind}({name})"
        if name and depth < 2:
            target = resolve_symbol(repo, path, name)
            fn = repo.derived(function_index).get(target) if target else None
            if fn is not None and target is not None \
                    and guard_in(repo, target[0], _param_texts(repo, target[0], fn), depth + 1):
                return f"{kind}({name})"
    return ""


def fastapi_guard(repo: Repo, path: str, fn: FunctionFact, outer: tuple[str, ...]) -> str:
    """Guard evidence for a FastAPI handler: route/router/app dependencies, then its parameters."""
    return guard_in(repo, path, outer) or guard_in(repo, path, _param_texts(repo, path, fn))


def flask_guard(fn: FunctionFact, outer: tuple[str, ...], repo: Repo | None = None, path: str = "") -> str:
    """Guard evidence for a Flask view: a guard decorator (by its name, or a decorator of the project
    whose wrapper calls an authentication check), or a guard before_request hook."""
    for dec in fn["decorators"]:
        method = dec["name"].rsplit(".", 1)[-1]
        if method in _ROUTE_DECORATORS:
            continue
        if is_auth_name(dec["name"]):
            return "@" + dec["name"]
        check = _checking_decorator(repo, path, dec["name"]) if repo is not None else ""
        if check:
            return Message("@{decorator} (calls {check}())", decorator=dec["name"], check=check)
    return next((t for t in outer if t.startswith("before_request(")), "")


def _checking_decorator(repo: Repo, path: str, name: str) -> str:
    """The authentication check a project decorator calls in its wrapper (`authed`, `is_admin`,
    `current_user`...), "" when it calls none or is not defined in the repository; e.g.
    `@check_account_visibility` whose wrapper lets the view run only if authed() or is_admin()."""
    target = resolve_symbol(repo, path, name) if name else None
    if target is None or target[0] not in repo.python:
        return ""
    inner = target[1] + "."
    for call in repo.python[target[0]]["calls"]:
        if call["func"].startswith(inner) and is_auth_name(call["name"]):
            return call["name"]
    return ""


# What a guard checks. A role/permission/scope/ownership word in its name, its arguments or the body of the
# project function it names makes it an access check; otherwise a guard only authenticates the caller.
_ROLE = re.compile(r"admin|role|permission|perms?\b|superuser|staff|scope|owner|privilege|acl|polic|moderator|"
                   r"is_allowed|can_|has_|group", re.IGNORECASE)


def _guard_names(repo: Repo, path: str, fn: FunctionFact, outer: tuple[str, ...]) -> list[tuple[str, str]]:
    """(name, whole text) of every dependency, guard decorator and before_request hook on the handler."""
    out = [(name, text) for text in (*outer, *_param_texts(repo, path, fn)) for _, name in _DEP.findall(text)]
    out += [(t[len("before_request("):].rstrip(")"), t) for t in outer if t.startswith("before_request(")]
    for dec in fn["decorators"]:
        if dec["name"].rsplit(".", 1)[-1] not in _ROUTE_DECORATORS:
            args = " ".join(str(v) for v in (*dec["args"], *dec["kwargs"].values()))
            out.append((dec["name"], f"@{dec['name']}({args}) {' '.join(dec['kwargs'])}"))
    return out


def _body_checks_role(repo: Repo, path: str, name: str, depth: int = 0) -> str | None:
    """The role word a project guard function's body reads, "" when it reads none, None when the name
    is the project's but its body cannot be read (a class, a factory's result), "" for third-party names."""
    target = resolve_symbol(repo, path, name) if name else None
    if target is None or target[0] not in repo.python:
        return ""
    fn = repo.derived(function_index).get(target)
    if fn is None:
        return None
    found = next((r for r in fn["reads"] if _ROLE.search(r)), "")
    if found or depth >= 2:
        return found
    for _, inner in _guard_names(repo, target[0], fn, ()):
        deeper = _body_checks_role(repo, target[0], inner, depth + 1) if is_auth_name(inner) else ""
        if deeper is None or deeper:
            return deeper
    return ""


def access_check(repo: Repo, path: str, fn: FunctionFact, outer: tuple[str, ...]) -> tuple[str, str]:
    """What the guards of a FastAPI/Flask handler check: ("role", evidence) when one checks a role,
    permission, scope or ownership (by its name, its arguments, or what its body reads), ("unknown",
    name) when a project guard cannot be read, ("authentication", "") otherwise. `Security(...)`
    carries OAuth scopes: a role check."""
    for name, text in _guard_names(repo, path, fn, outer):
        if text.startswith("Security(") or _ROLE.search(name) or (is_auth_name(name) and _ROLE.search(text)):
            return "role", text
        checked = _body_checks_role(repo, path, name)
        if checked is None and is_auth_name(name):
            return "unknown", name
        if checked:
            return "role", f"{name} (reads {checked})"
    return "authentication", ""
