"""JWT calls of application code (PyJWT, python-jose, authlib), shared by SEC002 and SEC003; the keys
TypeScript/JavaScript code signs or verifies JWTs with (SEC008)."""

from __future__ import annotations

from typing import NamedTuple

from archaudit.languages.python.facts import CallFact, Value, expr_text, is_expr
from archaudit.repo import Repo
from archaudit.resolve.context import Context, context_of
from archaudit.resolve.python_index import calls_named, is_app_code
from archaudit.resolve.typescript_index import is_ts_test, ts_facts
from archaudit.resolve.typescript_values import Literal, string_literal

ENCODERS = {"jwt.encode": 0, "jose.jwt.encode": 0, "authlib.jose.jwt.encode": 1, "jwt.JWT.encode": 0}
DECODERS = frozenset({"jwt.decode", "jose.jwt.decode", "authlib.jose.jwt.decode"})


def jwt_calls(repo: Repo) -> list[tuple[str, str, CallFact]]:
    """(path, qualified callee, call) of every jwt encode/decode call outside tests, sorted."""
    refs = calls_named(repo, *ENCODERS, *DECODERS)
    return [(path, name, call) for path, call, name in refs
            if call["name"].endswith((".encode", ".decode")) and is_app_code(repo, path)]


def payload_of(name: str, call: CallFact) -> Value:
    """The payload argument of an encode call (authlib takes the header first)."""
    index = ENCODERS.get(name, 0)
    args = call["args"]
    if len(args) > index:
        return args[index]
    return call["kwargs"].get("payload", call["kwargs"].get("claims"))


# -- TypeScript/JavaScript: the key a JWT is signed or verified with --------------------------------------

_KEY_OPTIONS = ("secret", "privateKey", "secretOrPrivateKey", "secretOrKey")
_SIGN_VERIFY = ("sign", "signAsync", "verify", "verifyAsync")
_EXPRESS_JWT = frozenset({"expressjwt", "expressJwt", "jwt", "koaJwt", "expressJWT"})
_PUBLIC_KEY = ("-----BEGIN PUBLIC KEY", "-----BEGIN RSA PUBLIC KEY", "-----BEGIN CERTIFICATE", "ssh-rsa ")


class TsJwtKey(NamedTuple):
    path: str  # the call using the key
    line: int
    callee: str
    key: Literal  # the string literal it resolves to (file and line where it is written)


def _option(options: Value) -> Value:
    """The key held by an options object (`{ secret: ... }`), None when it names none."""
    if isinstance(options, dict) and not is_expr(options):
        return next((options[k] for k in _KEY_OPTIONS if k in options), None)
    return None


def _key_argument(callee: str, args: list[Value]) -> Value:
    """The argument of a call that is a JWT signing or verification key, None when the call is none:
    `JwtModule.register({ secret })`, `jwt.sign(payload, key)` / `jwtService.sign(payload, { secret })`
    (and verify), passport-jwt's `{ secretOrKey }`, express-jwt's `expressjwt({ secret })`,
    `fastify.register(fastifyJwt, { secret })`."""
    bare = callee.removeprefix("new ").removeprefix("this.")
    last = bare.rsplit(".", 1)[-1]
    if bare.endswith("JwtModule.register") or bare == "JwtModule.register":
        return _option(args[0]) if args else None
    if last in _SIGN_VERIFY and "jwt" in bare.lower() and len(args) >= 2:
        return _option(args[1]) if isinstance(args[1], dict) and not is_expr(args[1]) else args[1]
    if bare in _EXPRESS_JWT and args:
        return _option(args[0])
    if last == "register" and len(args) >= 2 and "jwt" in expr_text(args[0]).lower():
        return _option(args[1])
    if args and isinstance(args[0], dict) and not is_expr(args[0]) and "secretOrKey" in args[0]:
        return args[0]["secretOrKey"]
    return None


def ts_jwt_literal_keys(repo: Repo) -> list[TsJwtKey]:
    """JWT keys of production TypeScript/JavaScript code written as a string literal, directly or in a
    module constant one hop away (`secret: jwtConstants.secret` with `export const jwtConstants = {
    secret: '...' }`). Environment reads, configuration lookups and computed values are not literals."""
    out: list[TsJwtKey] = []
    for path, facts in sorted(repo.derived(ts_facts).items()):
        if is_ts_test(path) or context_of(repo, path) is not Context.PRODUCTION:
            continue
        for call in facts["calls"]:
            value = _key_argument(call["callee"], call["args"])
            if value is None:
                continue
            found = string_literal(repo, path, value, call["line"])
            if found is None or not found.value.strip() or found.value.lstrip().startswith(_PUBLIC_KEY):
                continue
            if context_of(repo, found.path) is Context.PRODUCTION and not is_ts_test(found.path):
                out.append(TsJwtKey(path, call["line"], call["callee"], found))
    return out
