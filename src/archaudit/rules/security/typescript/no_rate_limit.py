"""TS102 ts-no-rate-limiting."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.api.endpoint import is_login
from archaudit.detect.api.rate_limits import proxy_limits, route_limits, ts_limiting
from archaudit.detect.api.ts_apps import find_ts_apps
from archaudit.detect.typescript_backends import find_ts_endpoints
from archaudit.findings import Axis, Evidence, Hit, Message, Premise, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule


def check(repo: Repo) -> Iterator[Hit]:
    """Reads the TypeScript endpoint inventory (NestJS, Express, Koa, Fastify) for credential endpoints
    (POST login, token, refresh, signup, password reset); reports them once when no rate limiter is used anywhere:
    no serving file imports a limiter (@nestjs/throttler, express-rate-limit, rate-limiter-flexible,
    koa-ratelimit, @fastify/rate-limit...), no serving file, function, class or decorator is named for a
    limiter or throttle, and no proxy configuration in the tree limits requests. @nestjs/throttler
    configured without its ThrottlerGuard limits nothing and is named in the finding (see
    `detect.api.rate_limits`), reported at its configuration even when no REST credential route is
    seen (GraphQL resolvers). A NestJS application handed to set-up code outside the repository makes the
    claim not determined. When limiters are applied route by route (and nothing else may limit), the
    credential routes left without one are reported."""
    logins = [e for e in find_ts_endpoints(repo) if is_login(e)]
    limiting = ts_limiting(repo)
    hidden = [a for a in repo.derived(find_ts_apps) if a.unfollowed]
    premises = (Premise.unknown(Message("every application's set-up is visible"),
                                Message("the app is handed to {calls}, whose code is not in the repository",
                                        calls=", ".join(hidden[0].unfollowed))),) if hidden else ()
    if limiting.credited:
        yield from _unlimited_routes(repo, premises)
        return
    if proxy_limits(repo) or not (logins or limiting.inert):
        return
    if not logins:  # no REST credential route (GraphQL resolvers...), but a limiter configured for nothing
        first = limiting.inert[0]
        yield Hit(first.path, first.line,
                  Message("No endpoint is rate limited: {why}.", why=Message.joined("; ", [first.why])),
                  key="no-limiter", premises=premises)
        return
    names = ", ".join(f"{e.method} {e.path}" for e in logins[:8])
    more = f" and {len(logins) - 8} more" if len(logins) > 8 else ""
    message = Message("No rate limiting is used anywhere; {n} credential endpoint(s) can be called without limit: "
                      "{names}{more}.", n=len(logins), names=names, more=more)
    if limiting.inert:
        message = Message("{message} The limiter the code shows limits nothing: {why}.", message=message,
                          why=Message.joined("; ", [i.why for i in limiting.inert[:3]]))
    yield Hit(logins[0].file, logins[0].line, message,
              also=tuple(Evidence(e.file, e.line) for e in logins[1:8])
              + tuple(Evidence(i.path, i.line) for i in limiting.inert[:3]),
              key="no-limiter", premises=premises)


def _unlimited_routes(repo: Repo, premises: tuple[Premise, ...]) -> Iterator[Hit]:
    """Limiters applied route by route (`router.post('/login', loginLimiter, login)`) and nothing else that
    may limit (see `detect.api.rate_limits.route_limits`): the credential routes left without one."""
    limits = route_limits(repo)
    if limits is None or not limits.limited or not limits.unlimited:
        return
    first = limits.unlimited[0]
    shown, limiter = limits.limited[0]
    yield Hit(first.file, first.line,
              Message("{n} credential endpoint(s) have no rate limit while {route} is limited by {limiter} "
                      "(limiters are applied route by route): {names}.",
                      n=len(limits.unlimited), route=f"{shown.method} {shown.path}", limiter=limiter,
                      names=", ".join(f"{e.method} {e.path}" for e in limits.unlimited[:8])),
              also=(*(Evidence(e.file, e.line) for e in limits.unlimited[1:8]), Evidence(shown.file, shown.line)),
              key="unlimited-routes", premises=premises)


RULE = Rule(
    id="TS102",
    name="ts-no-rate-limiting",
    axis=Axis.SECURITY,
    severity=Severity.MEDIUM,
    title="Credential endpoints without rate limiting (TypeScript backend)",
    impact="Login, signup, token and password-reset endpoints can be brute-forced or used for credential "
           "stuffing, and every attempt costs a password hash on the server.",
    action="Add a limiter: @nestjs/throttler (ThrottlerModule + ThrottlerGuard, @Throttle on auth routes), "
           "express-rate-limit / rate-limiter-flexible for Express, koa-ratelimit, @fastify/rate-limit, or the "
           "reverse proxy's rate limiting kept in the repository.",
    check=check,
    aggregate="repository",
    example_bad="@Post('login')\nlogin(@Body() dto: LoginDto) { return this.auth.login(dto) }",
    example_good="@Throttle({ default: { limit: 5, ttl: 60_000 } })\n@Post('login')\n"
                 "login(@Body() dto: LoginDto) { return this.auth.login(dto) }",
)
