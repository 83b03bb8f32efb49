"""JWT calls of application code (PyJWT, python-jose, authlib), shared by SEC002 and SEC003."""

from __future__ import annotations

from archaudit.detect.pycode import import_aliases, qualified
from archaudit.languages.python.facts import CallFact, Value
from archaudit.repo import Repo
from archaudit.rules.observability._signals import is_app_code

ENCODERS = {"jwt.encode": 0, "jose.jwt.encode": 0, "authlib.jose.jwt.encode": 1, "jwt.JWT.encode": 0}
DECODERS = frozenset({"jwt.decode", "jose.jwt.decode", "authlib.jose.jwt.decode"})


def jwt_calls(repo: Repo) -> list[tuple[str, str, CallFact]]:
    """(path, qualified callee, call) of every jwt encode/decode call outside tests, sorted."""
    aliases = repo.derived(import_aliases)
    out = []
    for path, facts in repo.python_items():
        if not is_app_code(repo, path):
            continue
        local = aliases.get(path, {})
        for call in facts["calls"]:
            if not call["name"].endswith((".encode", ".decode")):
                continue
            name = qualified(local, call["name"])
            if name in ENCODERS or name in DECODERS:
                out.append((path, name, call))
    return sorted(out, key=lambda t: (t[0], t[2]["line"]))


def payload_of(name: str, call: CallFact) -> Value:
    """The payload argument of an encode call (authlib takes the header first)."""
    index = ENCODERS.get(name, 0)
    args = call["args"]
    if len(args) > index:
        return args[index]
    return call["kwargs"].get("payload", call["kwargs"].get("claims"))
