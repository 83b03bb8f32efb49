"""SEC003 jwt-verification-disabled."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Premise, Severity
from archaudit.languages.python.facts import CallFact
from archaudit.repo import Repo
from archaudit.resolve.origins import Origin, Source, calls_at, flow_at
from archaudit.resolve.typescript_index import ts_facts
from archaudit.rules.base import PYTHON, TYPESCRIPT, Rule
from archaudit.rules.security._jwt import DECODERS, jwt_calls
from archaudit.rules.security._sinks import REQUEST, ts_imports, ts_input, ts_sinks

_TS_JWT = ("jsonwebtoken", "@nestjs/jwt", "jwt-simple")
_AUTH_FILE = re.compile(r"(guard|middleware|strategy|auth|passport|interceptor)", re.I)


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
    peeks at unverified claims and then decodes again with verification is not reported. The token
    must come from outside (a parameter of the function or request data, followed through local
    variables): a token the server fetched itself and keeps on an object is not established as
    attacker-supplied. In TypeScript, `jwt.decode()` of jsonwebtoken (or `JwtService.decode()`)
    never verifies: it is reported in a file that never verifies a token, when the token comes from
    the request (established) or, in a guard, middleware or strategy, from a value whose source is
    not established (then not determined)."""
    yield from _typescript(repo)
    decodes = [(p, c) for p, name, c in repo.derived(jwt_calls) if name in DECODERS]
    verified = {(p, c["func"]) for p, c in decodes if not _disabled(c)}
    for path, call in decodes:
        how = _disabled(call)
        if not how or (path, call["func"]) in verified:
            continue
        source = _token_source(repo, path, call["line"])
        if source is not None:
            yield Hit(path, call["line"], Message("A JWT is decoded without verifying its signature ({how}); the "
                                                  "token is {what}.",
                                                  how=how, what=source.what), key=how)


def _typescript(repo: Repo) -> Iterator[Hit]:
    facts = repo.derived(ts_facts)
    for path, s in ts_sinks(repo, "jwt"):
        if not s["callee"].endswith("decode") or not ts_imports(repo, path).intersection(_TS_JWT):
            continue
        if any(c["callee"].endswith(("verify", "verifyAsync")) for c in facts[path]["calls"]):
            continue  # decoded to read a claim; the token is verified in this file too
        found = ts_input(s)
        if found.state != REQUEST and not _AUTH_FILE.search(path.rsplit("/", 1)[-1]):
            continue
        premise = Premise(Message("the decoded token comes from the request")) if found.state == REQUEST else \
            Premise.unknown(Message("the decoded token comes from the request"), found.why)
        yield Hit(path, s["line"], Message("{callee}() reads the claims of {what} without verifying its signature, "
                                           "and nothing in this file verifies it.",
                                           callee=s['callee'], what=found.what), key="ts-decode", premises=(premise,))


def _token_source(repo: Repo, path: str, line: int) -> Source | None:
    """Where the decoded token comes from, when that is outside (a parameter, request data); None
    when it is chosen by the code or not determined (e.g. an id_token this server just received
    from the identity provider's token endpoint and stored on an object)."""
    found = flow_at(repo, path, line)
    if found is None:
        return None
    tree, func, flow = found
    for node in calls_at(func or tree, line, "decode"):
        token = node.args[0] if node.args else next(
            (k.value for k in node.keywords if k.arg in ("jwt", "token", "s")), None)
        source = flow.origin(token) if token is not None else None
        if source is not None and source.origin is Origin.OUTSIDE:
            return source
    return None


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
    languages=PYTHON | TYPESCRIPT,
    example_bad='claims = jwt.decode(token, options={"verify_signature": False})',
    example_good='claims = jwt.decode(token, SECRET_KEY, algorithms=["HS256"])',
)
