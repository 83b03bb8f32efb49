"""Security strengths: passwords hashed with a slow algorithm, refresh tokens issued."""

from __future__ import annotations

import re

from archaudit.detect.api.rate_limits import PY_LIMITER_MODULES, python_limiting
from archaudit.findings import Evidence, Message
from archaudit.model import Fact
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_named, first_call, first_import, is_app_code, qualified_names_ending

_STRONG_LIBS = (("argon2", "argon2"), ("bcrypt", "bcrypt"), ("pwdlib", "pwdlib (argon2/bcrypt)"),
                ("passlib.hash.argon2", "argon2"), ("passlib.hash.bcrypt", "bcrypt"))
_STRONG_SCHEMES = {"argon2": "argon2", "bcrypt": "bcrypt", "bcrypt_sha256": "bcrypt", "scrypt": "scrypt",
                   "pbkdf2_sha256": "PBKDF2-SHA256", "pbkdf2_sha512": "PBKDF2-SHA512"}
_REFRESH = re.compile(r"refresh_?token", re.IGNORECASE)


def strong_password_hashing(repo: Repo) -> list[Fact]:
    """Passlib CryptContext whose default scheme is slow (argon2, bcrypt, scrypt, PBKDF2), else an
    import of argon2-cffi, bcrypt or pwdlib in application code."""
    strong = []
    for ref in calls_named(repo, *qualified_names_ending(repo, "CryptContext")):
        schemes = ref[1]["kwargs"].get("schemes")
        first = schemes[0] if isinstance(schemes, list) and schemes else None
        if isinstance(first, str) and first in _STRONG_SCHEMES and is_app_code(repo, ref[0]):
            strong.append(ref)
    found = first_call(repo, strong)
    if found:
        path, call, _ = found
        first = call["kwargs"]["schemes"][0]
        return [Fact(Message("Passwords are hashed with {strong_schemes} (passlib CryptContext)",
                             strong_schemes=_STRONG_SCHEMES[first]),
                     (Evidence(path, call["line"]),))]
    for module, label in _STRONG_LIBS:
        place = first_import(repo, (module,))
        if place:
            return [Fact(Message("Passwords are hashed with {label}",
                                 label=label), (Evidence(*place),))]
    return []


def rate_limiting(repo: Repo) -> list[Fact]:
    """A rate-limiting library imported in application code (slowapi, flask-limiter...), unless every
    limiter the code shows is proven inert (see `detect.api.rate_limits`)."""
    place = first_import(repo, PY_LIMITER_MODULES) if python_limiting(repo).credited else None
    return [Fact(Message("Requests are rate-limited"), (Evidence(*place),))] if place else []


def refresh_tokens(repo: Repo) -> list[Fact]:
    """A function issuing or rotating refresh tokens (create_refresh_token, refresh_token...)."""
    for path, facts in repo.python_items():
        if not is_app_code(repo, path):
            continue
        for fn in facts["functions"]:
            if _REFRESH.search(fn["name"]):
                return [Fact(Message("Refresh tokens are issued, so access tokens can stay short-lived"),
                             (Evidence(path, fn["line"]),))]
    return []
