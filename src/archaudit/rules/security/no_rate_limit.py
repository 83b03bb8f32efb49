"""SEC005 no-rate-limiting."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.api.abuse import captcha_guard
from archaudit.detect.api.rate_limits import proxy_limits, python_limiting, python_route_limits
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.security._uploads import login_and_upload_endpoints


def limiter_in_use(repo: Repo) -> bool:
    """A rate limiter anywhere (see `detect.api.rate_limits`): a limiter library import, a
    RateLimit/Limiter/throttle identifier in application code (custom middleware, DRF throttle
    settings), or a proxy rule (nginx limit_req, Traefik/Kong rate-limit) in a deploy or config file;
    a limiter proven inert (a no-op decorator, a Limiter never applied) is not one."""
    return python_limiting(repo).credited is not None or proxy_limits(repo)


def check(repo: Repo) -> Iterator[Hit]:
    """Reads the endpoint inventory for credential endpoints (POST login, token, signup, password
    reset) and upload endpoints (UploadFile / request.files); reports them once when no rate limiter
    is used anywhere (slowapi, flask-limiter, fastapi-limiter, django-ratelimit, DRF throttling, a
    RateLimit middleware, nginx limit_req...). An endpoint behind a CAPTCHA (the handler validates one, or
    its view is given a CAPTCHA form) is guarded. Points at the first such endpoint, lists the others.
    When limiter decorators are applied route by route (FastAPI/Flask, nothing else that may limit), the
    credential routes left without one are reported."""
    endpoints = [(e, kind) for e, kind in login_and_upload_endpoints(repo) if captcha_guard(repo, e) is None]
    if limiter_in_use(repo):
        yield from _unlimited_routes(repo)
        return
    if not endpoints:
        return
    first = endpoints[0][0]
    names = ", ".join(f"{e.method} {e.path}" for e, _ in endpoints[:8])
    more = f" and {len(endpoints) - 8} more" if len(endpoints) > 8 else ""
    inert = python_limiting(repo).inert
    message = Message("No rate limiting is used anywhere; {n} login/upload endpoint(s) can be called without limit: "
                      "{names}{more}.", n=len(endpoints), names=names, more=more)
    if inert:
        message = Message("{message} The limiter the code shows limits nothing: {why}.", message=message,
                          why=Message.joined("; ", [i.why for i in inert[:3]]))
    yield Hit(first.file, first.line, message,
              also=tuple(Evidence(e.file, e.line) for e, _ in endpoints[1:8])
              + tuple(Evidence(i.path, i.line) for i in inert[:3]), key="no-limiter")


def _unlimited_routes(repo: Repo) -> Iterator[Hit]:
    """Limiter decorators applied route by route and nothing else that may limit (see
    `detect.api.rate_limits.python_route_limits`): the credential routes left without one (a CAPTCHA
    guards a route too)."""
    limits = python_route_limits(repo)
    if limits is None or not limits.limited:
        return
    open_routes = [e for e in limits.unlimited if captcha_guard(repo, e) is None]
    if not open_routes:
        return
    first = open_routes[0]
    shown, limiter = limits.limited[0]
    yield Hit(first.file, first.line,
              Message("{n} credential endpoint(s) have no rate limit while {route} is limited by {limiter} "
                      "(limiters are applied route by route): {names}.",
                      n=len(open_routes), route=f"{shown.method} {shown.path}", limiter=limiter,
                      names=", ".join(f"{e.method} {e.path}" for e in open_routes[:8])),
              also=(*(Evidence(e.file, e.line) for e in open_routes[1:8]), Evidence(shown.file, shown.line)),
              key="unlimited-routes")


RULE = Rule(
    id="SEC005",
    name="no-rate-limiting",
    axis=Axis.SECURITY,
    severity=Severity.MEDIUM,
    title="Login and upload endpoints without rate limiting",
    impact="Credential endpoints can be brute-forced or used for credential stuffing, and upload endpoints "
           "let one client exhaust disk, memory or bandwidth.",
    action="Add a limiter (slowapi / fastapi-limiter, flask-limiter, django-ratelimit or DRF throttling, or "
           "the reverse proxy's rate limiting) on login, token, signup, password-reset and upload routes.",
    check=check,
    example_bad='@router.post("/auth/login")\nasync def login(form: OAuth2PasswordRequestForm = Depends()): ...',
    example_good='@router.post("/auth/login")\n@limiter.limit("5/minute")\nasync def login(request: Request, '
                 "form: OAuth2PasswordRequestForm = Depends()): ...",
)
