"""The `Endpoint` record shared by the API inventory, the modularity rules and the security rules,
plus the small vocabulary (auth-looking names, version prefixes, path joining) every framework
extractor uses, so FastAPI, Flask and Django endpoints read the same way."""

from __future__ import annotations

import re
from dataclasses import dataclass

HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "trace")

# Names of decorators / dependencies that guard a handler. `_NOT_AUTH` removes look-alikes that only
# fetch data (get_user_service, get_user_repository, get_db...): a wrong "protected" is worse than none.
_AUTH_WORDS = re.compile(r"auth|login|jwt|token|permission|admin|role|current|verify|protect|secur|"
                         r"superuser|api_?key|user|bearer|oauth2|signed_in|logged_in", re.IGNORECASE)
# (and limiters: `loginLimiter` limits the login route, it guards nothing)
_NOT_AUTH = re.compile(r"service|repo|repository|session|_db\b|database|settings|config|cache|client|"
                       r"require_http_methods|require_(get|post|safe)|"
                       r"rate[-_]?limit|limiter|throttl|slow[-_]?down", re.IGNORECASE)
_VERSION = re.compile(r"/(v\d+(?:\.\d+)?)(?=/|$)", re.IGNORECASE)


@dataclass(frozen=True)
class Endpoint:
    """One HTTP (or websocket) route as the framework serves it.

    `path` is the full path with every router/blueprint/include prefix applied; `{expr}` marks a
    prefix that could not be resolved statically. `file`/`line` point at the registration
    (decorator, add_url_rule, urlpatterns entry); `handler_file`/`handler_line` at the handler.
    `auth`: True when a guard is visible (see `auth_evidence`), False when the project has guards but
    none applies here, None when the project shows no guard mechanism at all (not determined).
    """

    method: str  # GET, POST... ; "ANY" when the framework dispatches every method; "WS" for websockets
    path: str
    handler: str  # qualname in handler_file, e.g. "read_users" or "UserAPI.get"
    file: str
    line: int
    handler_file: str
    handler_line: int
    framework: str  # fastapi | flask | django | drf
    router: str  # router/blueprint variable ("app" for the application itself), or the urls module
    auth: bool | None
    auth_evidence: str = ""
    response_model: str = ""
    is_async: bool = False
    version: str = ""
    # the application serving it ("file:variable" for FastAPI/Flask, the framework's one URL tree
    # otherwise); "" when the route's router is mounted on no application the audit could resolve
    app: str = "main"
    # what the guards check (FastAPI/Flask routes that can change data): "role" (a role, permission,
    # scope or ownership check, see access_evidence), "authentication" (only who the caller is),
    # "unknown" (a project guard whose body cannot be read), "" when not examined
    access: str = ""
    access_evidence: str = ""

    @property
    def sort_key(self) -> tuple[str, str, str, int]:
        return (self.path, self.method, self.file, self.line)

    @property
    def ref(self) -> str:
        return f"{self.file}:{self.line}"


_new = object.__new__


def new_endpoint(method: str, path: str, handler: str, file: str, line: int, handler_file: str,
                 handler_line: int, framework: str, router: str, auth: bool | None, auth_evidence: str,
                 response_model: str, is_async: bool, version: str, app: str = "main", access: str = "",
                 access_evidence: str = "") -> Endpoint:
    """The same object as `Endpoint(...)`, built without the frozen-dataclass `__init__` (one
    `object.__setattr__` call per field, 4x slower): large services declare tens of thousands of routes."""
    e = _new(Endpoint)
    e.__dict__.update(method=method, path=path, handler=handler, file=file, line=line, handler_file=handler_file,
                      handler_line=handler_line, framework=framework, router=router, auth=auth,
                      auth_evidence=auth_evidence, response_model=response_model, is_async=is_async,
                      version=version, app=app, access=access, access_evidence=access_evidence)
    return e


_LOGIN = re.compile(r"^(login|signin|sign-in|token|refresh|refresh[-_]?token|authenticate|auth|otp|2fa|mfa|"
                    r"password[-_]?reset|reset[-_]?password|forgot[-_]?password|signup|sign-up|register|"
                    r"create[-_]?account)$", re.IGNORECASE)


def is_login(e: Endpoint) -> bool:
    """POST endpoints of credential flows: login, token and its refresh, signup, password reset (the
    routes a rate limit matters most on)."""
    if e.method not in ("POST", "ANY"):
        return False
    parts = [s for s in e.path.strip("/").split("/") if s]
    return bool(parts) and bool(_LOGIN.match(parts[-1]))


def is_auth_name(name: str) -> bool:
    """True when a decorator or dependency name reads as an access guard (login_required,
    get_current_user, verify_token, require_admin...), not as a data provider (get_user_service)."""
    base = name.rsplit(".", 1)[-1]
    return bool(_AUTH_WORDS.search(base)) and not _NOT_AUTH.search(base)


# linear: a `{` never starts a scan another `{` would repeat (no `{` inside a placeholder)
_COMPUTED = re.compile(r"\{[^{}.A-Z?(]*+[.A-Z?(][^{}]*+\}|^/\{[^}]*\}$")


def is_computed_path(path: str) -> bool:
    """A path with a part computed at run time (`{settings.API_PREFIX}`), not a route parameter."""
    return "{" in path and bool(_COMPUTED.search(path))


def version_of(path: str) -> str:
    """"v1" for /api/v1/users, "" when the path carries no version segment."""
    m = _VERSION.search(path)
    return m.group(1).lower() if m else ""


def join_path(*parts: str) -> str:
    """Concatenate route fragments the way routers do, with exactly one slash between segments."""
    out = ""
    for part in parts:
        if not part:
            continue
        if out.endswith("/") and part.startswith("/"):
            part = part[1:]
        elif out and not out.endswith("/") and not part.startswith("/"):
            part = "/" + part
        out += part
    if not out.startswith("/"):
        out = "/" + out
    return out
