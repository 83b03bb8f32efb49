"""JWT calls of application code (PyJWT, python-jose, authlib), shared by SEC002 and SEC003."""

from __future__ import annotations

from archaudit.languages.python.facts import CallFact, Value
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_named, is_app_code

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
