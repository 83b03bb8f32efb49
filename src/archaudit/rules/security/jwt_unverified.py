"""SEC003 jwt-verification-disabled."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Severity
from archaudit.languages.python.facts import CallFact
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.security._jwt import DECODERS, jwt_calls


def _disabled(call: CallFact) -> str:
    """How this decode call skips verification, or ""."""
    kwargs = call["kwargs"]
    options = kwargs.get("options")
    if isinstance(options, dict) and options.get("verify_signature") is False:
        return 'options={"verify_signature": False}'
    if kwargs.get("verify") is False:
        return "verify=False"
    algorithms = kwargs.get("algorithms")
    if isinstance(algorithms, str):
        algorithms = [algorithms]
    if isinstance(algorithms, list) and any(isinstance(a, str) and a.lower() == "none" for a in algorithms):
        return 'algorithms=["none"]'
    return ""


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at jwt.decode calls outside tests that turn signature verification off
    (options={"verify_signature": False}, verify=False, or the "none" algorithm). A function that
    peeks at unverified claims and then decodes again with verification is not reported."""
    decodes = [(p, c) for p, name, c in repo.derived(jwt_calls) if name in DECODERS]
    verified = {(p, c["func"]) for p, c in decodes if not _disabled(c)}
    for path, call in decodes:
        how = _disabled(call)
        if how and (path, call["func"]) not in verified:
            yield Hit(path, call["line"], f"A JWT is decoded without verifying its signature ({how}).", key=how)


RULE = Rule(
    id="SEC003",
    name="jwt-verification-disabled",
    axis=Axis.SECURITY,
    severity=Severity.HIGH,
    title="JWT signature verification disabled",
    impact="Anyone can forge a token with any identity or role: the server trusts claims it never checked.",
    action="Decode with the signing key and an explicit algorithm list (algorithms=[\"HS256\"] or RS256 with "
           "the issuer's keys); never accept \"none\" nor disable verify_signature outside tests.",
    check=check,
    example_bad='claims = jwt.decode(token, options={"verify_signature": False})',
    example_good='claims = jwt.decode(token, SECRET_KEY, algorithms=["HS256"])',
)
