"""TS102 ts-no-rate-limiting."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.api.ts_apps import find_ts_apps, importers, serving
from archaudit.detect.deploy.proxy import rate_limited_by_proxy
from archaudit.detect.typescript_backends import find_ts_endpoints
from archaudit.findings import Axis, Evidence, Hit, Message, Premise, Severity
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import ts_facts
from archaudit.rules.base import Rule
from archaudit.rules.security._uploads import is_login

LIMITER_MODULES = ("@nestjs/throttler", "express-rate-limit", "rate-limiter-flexible", "express-slow-down",
                   "express-brute", "koa-ratelimit", "koa2-ratelimit", "@fastify/rate-limit", "fastify-rate-limit",
                   "nestjs-throttler-storage-redis", "@nest-lab/throttler-storage-redis", "express-limiter",
                   "bottleneck", "limiter", "ratelimiter", "@upstash/ratelimit")
_LIMITER_NAME = re.compile(r"rate[-_]?limit|throttl|limiter", re.IGNORECASE)


def _local_limiter(repo: Repo) -> bool:
    """A limiter written in the repository: a serving file or a function, class or decorator named for it."""
    for path, facts in repo.derived(ts_facts).items():
        if not serving(repo, path):
            continue
        if _LIMITER_NAME.search(path.rsplit("/", 1)[-1]):
            return True
        names = [f["name"] for f in facts["functions"]] + [c["name"] for c in facts["classes"]]
        names += [d["name"] for c in facts["classes"] for m in c["methods"] for d in m["decorators"]]
        if any(_LIMITER_NAME.search(n) for n in names):
            return True
    return False


def check(repo: Repo) -> Iterator[Hit]:
    """Reads the TypeScript endpoint inventory (NestJS, Express, Koa, Fastify) for credential endpoints
    (POST login, token, signup, password reset); reports them once when no rate limiter is used anywhere:
    no serving file imports a limiter (@nestjs/throttler, express-rate-limit, rate-limiter-flexible,
    koa-ratelimit, @fastify/rate-limit...), no serving file, function, class or decorator is named for a
    limiter or throttle, and no proxy configuration in the tree limits requests. A NestJS application
    handed to set-up code outside the repository makes the claim not determined."""
    logins = [e for e in find_ts_endpoints(repo) if is_login(e)]
    if not logins or importers(repo, LIMITER_MODULES) or _local_limiter(repo) or rate_limited_by_proxy(repo):
        return
    hidden = [a for a in repo.derived(find_ts_apps) if a.unfollowed]
    premises = (Premise.unknown(Message("every application's set-up is visible"),
                                Message("the app is handed to {calls}, whose code is not in the repository",
                                        calls=", ".join(hidden[0].unfollowed))),) if hidden else ()
    names = ", ".join(f"{e.method} {e.path}" for e in logins[:8])
    more = f" and {len(logins) - 8} more" if len(logins) > 8 else ""
    yield Hit(logins[0].file, logins[0].line,
              Message("No rate limiting is used anywhere; {n} credential endpoint(s) can be called without limit: "
                      "{names}{more}.",
                      n=len(logins), names=names, more=more),
              also=tuple(Evidence(e.file, e.line) for e in logins[1:8]), key="no-limiter", premises=premises)


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
