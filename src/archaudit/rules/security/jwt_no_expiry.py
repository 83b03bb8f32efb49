"""SEC002 jwt-without-expiry."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.security._jwt import ENCODERS, jwt_calls, payload_of


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at jwt.encode calls (PyJWT, python-jose, authlib) outside tests whose payload is written
    as a dict literal without an "exp" claim. Payloads built elsewhere (variables) are not judged."""
    for path, name, call in repo.derived(jwt_calls):
        if name not in ENCODERS:
            continue
        payload = payload_of(name, call)
        if isinstance(payload, dict) and "$" not in payload and "exp" not in payload:
            claims = ", ".join(sorted(payload)) or "no claims"
            yield Hit(path, call["line"], Message("A JWT is issued without an expiry claim (payload: {claims}).",
                                                  claims=claims),
                      key=claims)


RULE = Rule(
    id="SEC002",
    name="jwt-without-expiry",
    axis=Axis.SECURITY,
    severity=Severity.MEDIUM,
    title="JWT issued without an expiry",
    impact="A token without `exp` stays valid forever: a leaked token (logs, browser storage, proxies) "
           "grants access until the signing key is rotated for every user.",
    action='Add an "exp" claim (short-lived access tokens, e.g. 15-60 minutes) and use refresh tokens '
           "for long sessions.",
    check=check,
    example_bad='jwt.encode({"sub": str(user.id)}, SECRET_KEY, algorithm="HS256")',
    example_good='jwt.encode({"sub": str(user.id), "exp": now + timedelta(minutes=30)}, SECRET_KEY, '
                 'algorithm="HS256")',
)
