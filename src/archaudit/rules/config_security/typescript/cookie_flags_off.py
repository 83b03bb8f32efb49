"""TS107 ts-cookie-flags-off."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.api.ts_apps import serving
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.languages.typescript.facts import CallFact
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import ts_facts
from archaudit.rules.base import Rule
from archaudit.rules.config_security._ts_settings import test_only

# cookies that carry a session or a credential (csrf/xsrf tokens are meant to be read by scripts)
_AUTH_COOKIE = re.compile(r"(^|[-_.])(session|sess|sid|token|jwt|auth|accesstoken|refreshtoken|access[-_]token|"
                          r"refresh[-_]token)([-_.]|$)", re.IGNORECASE)
_CSRF = re.compile(r"csrf|xsrf", re.IGNORECASE)
_SET_COOKIE = re.compile(r"(^|\.)(cookie|cookies\.set|setCookie)$")
_SESSION = frozenset({"session", "expressSession", "cookieSession", "koaSession", "fastifySession"})
_WHAT = {"httpOnly": Message("readable by page scripts (an XSS steals it)"),
         "secure": Message("sent over plain HTTP too (readable on the network)")}


def _flags_off(options: object) -> list[str]:
    if not isinstance(options, dict):
        return []
    return [k for k in ("httpOnly", "secure") if options.get(k) is False]


def _verdict(call: CallFact) -> tuple[str, list[str]]:
    """(what the cookie is, flags set to false) for a session middleware or an auth cookie being set."""
    callee, args = call["callee"], call["args"]
    if callee in _SESSION and args and isinstance(args[0], dict):
        return Message("session cookie"), _flags_off(args[0].get("cookie"))
    if _SET_COOKIE.search(callee) and len(args) >= 3 and isinstance(args[0], str):
        name = args[0]
        if _AUTH_COOKIE.search(name) and not _CSRF.search(name):
            return Message("cookie `{name}`", name=name), _flags_off(args[2])
    return "", []


def check(repo: Repo) -> Iterator[Hit]:
    """Reads session middlewares (express-session `session({ cookie })`, cookie-session, koa-session) and
    cookies set by serving code (`res.cookie(name, value, opts)`, `ctx.cookies.set(...)`) whose literal name
    reads as a session or credential (session, sid, token, jwt, auth, access/refresh token; csrf/xsrf
    excluded: those are meant for scripts). Reports the literal `httpOnly: false` or `secure: false`.
    Computed values (`secure: isProd`), test code and development branches are silent."""
    for path, facts in repo.derived(ts_facts).items():
        if not serving(repo, path):
            continue
        for call in facts["calls"]:
            what, off = _verdict(call)
            if off and not test_only(path, call["func"]):
                flags = " and ".join(f"`{k}: false`" for k in off)
                why = Message.joined("; ", [_WHAT[k] for k in off])
                yield Hit(path, call["line"], Message("The {what} is set with {flags}: it is {why}.",
                                                      what=what, flags=flags, why=why), key=f"{what} {off}")


RULE = Rule(
    id="TS107",
    name="ts-cookie-flags-off",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.MEDIUM,
    title="Session or auth cookie with httpOnly or secure turned off",
    impact="A session cookie without httpOnly can be read by any script on the page, so one XSS steals the "
           "session; without secure it travels over plain HTTP and can be read on the network.",
    action="Keep httpOnly: true and set secure: true in production (secure: config.env === 'production', with "
           "app.set('trust proxy', 1) behind a TLS-terminating proxy), sameSite: 'lax' or 'strict'.",
    check=check,
    example_bad="app.use(session({ secret, cookie: { httpOnly: false, secure: false, maxAge: 86400000 } }))",
    example_good="app.use(session({ secret, cookie: { httpOnly: true, secure: isProd, sameSite: 'lax' } }))",
)
