"""SEC150 object-mutation-without-ownership-check."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.api.endpoint import Endpoint, is_auth_name
from archaudit.detect.api.routers import resolve_symbol
from archaudit.detect.api.section import find_endpoints
from archaudit.findings import Axis, Evidence, Hit, Message, Premise, Severity
from archaudit.languages.python.extract import IDENTITY_READ
from archaudit.languages.python.facts import CallFact, FunctionFact, expr_text
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_within, function_index
from archaudit.rules.base import Rule

_MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_ID = re.compile(r"^(id|pk|uuid|\w+_id|\w+Id)$")
_DEPENDENCY = re.compile(r"\b(?:Depends|Security)\(\s*([\w.]+)")
_PARAM = re.compile(r"\{(\w+)(?::[^}]*)?\}|<(?:\w+:)?(\w+)>")
# calls that read or write the database directly: their arguments are the whole filter
_DATA_ACCESS = frozenset({"get", "get_or_404", "first_or_404", "one_or_none", "filter", "filter_by", "where", "query",
                          "delete", "execute", "scalar", "scalars", "select", "get_object_or_404", "find_one",
                          "update", "exclude", "one", "first"})


def _id_params(e: Endpoint, fn: FunctionFact) -> list[str]:
    """Object-id path parameters of the route that the handler receives and reads."""
    names = [a or b for a, b in _PARAM.findall(e.path)]
    return [n for n in names if _ID.match(n) and n in fn["params"] and n in fn["reads"]]


def _identity(fn: FunctionFact, ids: list[str]) -> list[str]:
    """Names the body reads that say it looks at who calls (user, owner, tenant, role, a check...),
    the parameter the authentication dependency fills (`current=Depends(get_current_user)`) included."""
    texts = [(p, expr_text(v)) for p, v in fn["defaults"].items()] + list(fn["annotations"].items())
    guarded = {p for p, t in texts if any(is_auth_name(n) for n in _DEPENDENCY.findall(t))}
    return [r for r in fn["reads"]
            if r not in ids and not _ID.match(r) and (r in guarded or IDENTITY_READ.search(r))]


def _callee(repo: Repo, path: str, fn: FunctionFact, call: CallFact) -> tuple[str, FunctionFact] | str | None:
    """The project function a call reaches ((file, fact)), "" for direct data access or a library call,
    None when it is the project's but cannot be read (a method on an instance, a factory's result)."""
    name = call["name"]
    if name.startswith("self.") and fn["cls"]:
        found = repo.derived(function_index).get((path, f"{fn['cls']}.{name[5:]}"))
        return (path, found) if found is not None else None
    target = resolve_symbol(repo, path, name)
    if target is None:
        head = name.split(".")[0]
        if resolve_symbol(repo, path, head) is not None and name.rsplit(".", 1)[-1] not in _DATA_ACCESS:
            return None
        return ""
    found = repo.derived(function_index).get(target)
    if found is None and name.rsplit(".", 1)[-1] in _DATA_ACCESS:
        return ""  # `Note.query.get_or_404(...)`: a model's query, not a project function
    return (target[0], found) if found is not None and found["body"] == "code" else None


def _loads(call: CallFact, ids: list[str]) -> bool:
    texts = [expr_text(v) for v in (*call["args"], *call["kwargs"].values())]
    return any(re.search(rf"\b{i}\b", t) for t in texts for i in ids)


def _judge(repo: Repo, e: Endpoint, fn: FunctionFact) -> Hit | None:
    ids = _id_params(e, fn)
    if not ids or _identity(fn, ids):
        return None
    loads = [c for c in calls_within(repo, e.handler_file, fn["qualname"]) if _loads(c, ids)]
    if not loads:
        return None
    premises = [Premise(Message("the route is served by the application `{app}`", app=e.app),
                        evidence=(Evidence(e.file, e.line),))
                if e.app else Premise.unknown(Message("the route is mounted in an application"),
                                              Message("its router is not mounted by a call the audit could resolve"))]
    premises.append(Premise(Message("its guard only authenticates the caller ({guards})", guards=e.auth_evidence),
                            evidence=(Evidence(e.handler_file, e.handler_line),)))
    for call in loads:
        callee = _callee(repo, e.handler_file, fn, call)
        if callee is None:
            premises.append(Premise.unknown(Message("`{name}` does not check the owner", name=call["name"]),
                                            Message("it is the project's, but the audit cannot read the function "
                                                    "it runs")))
            break
        if isinstance(callee, tuple) and _identity(callee[1], _id_names(callee[1])):
            return None
    load = loads[0]
    premises.append(Premise(Message("the handler passes `{id}` to `{name}` and reads nothing about the caller",
                                    id=ids[0], name=load["name"]),
                            evidence=(Evidence(e.handler_file, load["line"]),)))
    return Hit(e.file, e.line, Message("{method} {path} (handler {handler}) changes the object `{id}` names for any "
                                       "authenticated caller: no role or permission guard, and neither the handler "
                                       "nor `{name}` compares the object's owner or tenant with the current user.",
                                       method=e.method, path=e.path, handler=e.handler, id=ids[0], name=load["name"]),
               key=f"{e.method} {e.path}", premises=tuple(premises))


def _id_names(fn: FunctionFact) -> list[str]:
    return [p for p in fn["params"] if _ID.match(p)]


def check(repo: Repo) -> Iterator[Hit]:
    """Reads the endpoint inventory: FastAPI/Flask routes that change data (POST/PUT/PATCH/DELETE) on
    an object id in the path, authenticated, whose guards only authenticate (`Endpoint.access`), and
    whose handler (read from the facts) passes the id to a load or to a project function one hop away
    while neither reads anything about the caller (user, owner, tenant, role, a check): any signed-in
    user can change any other user's object. A project function it calls that cannot be read makes
    the claim not determined; a guard that cannot be read is never judged."""
    functions = repo.derived(function_index)
    seen: set[tuple[str, int, str]] = set()
    for e in find_endpoints(repo):
        if e.method not in _MUTATING or e.auth is not True or e.access != "authentication":
            continue
        if e.framework not in ("fastapi", "flask") or (e.file, e.line, e.method) in seen:
            continue
        seen.add((e.file, e.line, e.method))
        fn = functions.get((e.handler_file, e.handler))
        if fn is None or fn["body"] != "code":
            continue
        hit = _judge(repo, e, fn)
        if hit is not None:
            yield hit


RULE = Rule(
    id="SEC150",
    name="object-mutation-without-ownership-check",
    axis=Axis.SECURITY,
    severity=Severity.MEDIUM,
    title="Authenticated route changes an object by id without a role or ownership check",
    impact="Any signed-in user can modify or delete another user's object by changing the id in the URL "
           "(insecure direct object reference).",
    action="Filter the lookup by the current user or tenant (`.filter(Item.owner_id == user.id)`), or compare "
           "the object's owner with the caller and answer 403/404, or guard the route with a role/permission "
           "dependency; test that another user's id is refused.",
    check=check,
    example_bad='@router.delete("/items/{item_id}")\ndef delete_item(item_id: int, user=Depends(get_current_user), '
                'db=Depends(get_db)):\n    db.delete(db.get(Item, item_id))',
    example_good='@router.delete("/items/{item_id}")\ndef delete_item(item_id: int, user=Depends(get_current_user), '
                 'db=Depends(get_db)):\n    item = db.get(Item, item_id)\n    if item.owner_id != user.id:\n'
                 '        raise HTTPException(404)\n    db.delete(item)',
)
