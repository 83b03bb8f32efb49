"""SEC004 sensitive-route-without-auth."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.api.endpoint import Endpoint
from archaudit.detect.api.section import find_endpoints
from archaudit.findings import Axis, Evidence, Hit, Message, Premise, Severity
from archaudit.repo import Repo
from archaudit.resolve.origins import only_redirects
from archaudit.rules.base import Rule

_ADMIN = re.compile(r"^(admin\w*|roles?|permissions?|superusers?|staff)$", re.IGNORECASE)
_USERS = re.compile(r"^(users?|accounts?|members?)$", re.IGNORECASE)
_CREATE = re.compile(r"^(create|new|add)$", re.IGNORECASE)  # POST /users/create: the collection's create action
# Paths that are public by design: sign-in/up flows, token exchange, password reset, OAuth callbacks.
_PUBLIC = re.compile(r"^(login|logout|signin|sign-in|signup|sign-up|register|registration|token|refresh|"
                     r"password[-_]?reset|reset[-_]?password|forgot[-_]?password|verify|verify[-_]email|"
                     r"confirm|activate|callback|oauth\w*|health\w*|me)$", re.IGNORECASE)


def _segments(path: str) -> list[str]:
    return [s for s in path.strip("/").split("/") if s and not s.startswith(("{", "<", ":"))]


def sensitive_reason(e: Endpoint) -> str:
    """Why this endpoint needs a guard ("" when it does not): admin/roles/permissions paths, any
    DELETE, user-account writes and the user listing; public flows (login, register...) excluded."""
    segments = _segments(e.path)
    if any(_PUBLIC.match(s) for s in segments):
        return ""
    if any(_ADMIN.match(s) for s in segments):
        return Message("administration path")
    if e.method == "DELETE":
        return Message("deletes data")
    if any(_USERS.match(s) for s in segments):
        last = segments[-2] if len(segments) > 1 and _CREATE.match(segments[-1]) and e.method == "POST" \
            else segments[-1]
        collection = _USERS.match(last) is not None and not e.path.rstrip("/").endswith(("}", ">"))
        if e.method in ("PUT", "PATCH") or (e.method == "POST" and not collection):
            return Message("modifies user accounts")  # POST /users itself may be the public sign-up
        if e.method == "GET" and collection:
            return Message("lists user accounts")
    return ""


def _premises(e: Endpoint, guarded: Endpoint) -> tuple[Premise, ...]:
    """What the claim rests on: the route is mounted in a resolved application (otherwise guards
    added where its router is mounted are not seen), no guard on it, and, corroborating, the project
    does guard other endpoints."""
    mounted = (Premise(Message("the route is served by the application `{app}`",
                               app=e.app), evidence=(Evidence(e.file, e.line),))
               if e.app else Premise.unknown(Message("the route is mounted in an application"),
                                             Message("its router is not mounted by a call the audit could resolve, "
                                                     "so guards added where it is mounted are not known")))
    return (mounted,
            Premise(Message("no guard on the route, its routers or the application"),
                    evidence=(Evidence(e.file, e.line),)),
            Premise(Message("other endpoints of the project are guarded"),
                    evidence=(Evidence(guarded.file, guarded.line),)))


def check(repo: Repo) -> Iterator[Hit]:
    """Reads the endpoint inventory (archaudit.detect.api.find_endpoints). In a project where some
    endpoints visibly require authentication, reports sensitive ones with no guard (auth False):
    admin/roles/permissions paths, DELETE routes, user-account writes and the user listing. Public
    flows (login, register, token, password reset, POST users/create) are never reported; unknown auth
    (None) is skipped, and so is a handler that only redirects (to the guarded page or the login)."""
    endpoints = find_endpoints(repo)
    guarded = sum(1 for e in endpoints if e.auth is True)
    if not guarded:
        return
    example = next(e for e in endpoints if e.auth is True)
    for e in endpoints:
        if e.auth is not False or e.method in ("WS", "OPTIONS", "HEAD"):
            continue
        reason = sensitive_reason(e)
        if reason and e.handler_file.endswith(".py") and only_redirects(repo, e.handler_file, e.handler_line):
            continue  # `return redirect(...)` on every path: nothing is exposed or changed here
        if reason:
            yield Hit(e.file, e.line, Message("{method} {path} ({reason}, handler {handler}) has no authentication "
                                              "guard, while {guarded} other endpoint(s) have one.",
                                              method=e.method, path=e.path, reason=reason, handler=e.handler,
                                              guarded=guarded),
                      key=f"{e.method} {e.path}", premises=_premises(e, example))


RULE = Rule(
    id="SEC004",
    name="sensitive-route-without-auth",
    axis=Axis.SECURITY,
    severity=Severity.HIGH,
    title="Sensitive endpoint without an authentication guard",
    impact="Anyone who can reach the API can call it: delete data, list or modify accounts, change roles.",
    action="Add the project's guard (Depends(get_current_user)/a permission dependency, @login_required, "
           "permission_classes) to the route or its router, and test the unauthenticated call returns 401/403.",
    check=check,
    example_bad='@router.delete("/users/{user_id}")\nasync def delete_user(user_id: int, db=Depends(get_db)): ...',
    example_good='@router.delete("/users/{user_id}")\nasync def delete_user(user_id: int, '
                 "admin=Depends(require_admin), db=Depends(get_db)): ...",
)
