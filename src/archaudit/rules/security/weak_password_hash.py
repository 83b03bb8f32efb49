"""SEC001 weak-password-hashing."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.languages.python.facts import CallFact, ClassFact, ModuleFacts, Value, expr_text
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_named, calls_written, is_app_code, qualified_names_ending
from archaudit.rules.base import Rule

_FAST_HASHES = frozenset({"hashlib.md5", "hashlib.sha1", "hashlib.sha224", "hashlib.sha256", "hashlib.sha384",
                          "hashlib.sha512", "hashlib.sha3_256", "hashlib.sha3_512", "hashlib.blake2b",
                          "hashlib.new"})
_PASSWORD = re.compile(r"(^|[._])(password|passwd|pwd|pass_?word|plain_?password|raw_?password)\b", re.IGNORECASE)
_HASHED = re.compile(r"hash|bcrypt|argon|crypt|digest|encrypt", re.IGNORECASE)
WEAK_SCHEMES = frozenset({"md5_crypt", "plaintext", "ldap_md5", "ldap_sha1", "ldap_plaintext", "hex_md5",
                          "hex_sha1", "hex_sha256", "hex_sha512", "des_crypt", "bsdi_crypt", "mysql323",
                          "mysql41", "postgres_md5", "oracle10", "lmhash", "nthash", "apr_md5_crypt",
                          "ldap_salted_md5", "ldap_salted_sha1", "roundup_plaintext"})
_WEAK_WERKZEUG = ("plain", "md5", "sha1", "sha256", "sha512")
_ORM_FIELD = re.compile(r"Column\(|mapped_column\(|Field\(|CharField\(|TextField\(|StringField\(")


def _mentions_password(value: Value) -> bool:
    text = expr_text(value)
    return bool(text) and bool(_PASSWORD.search(text)) and not _HASHED.search(text)


def _weak_call(call: CallFact, name: str) -> str:
    """Why this call hashes a password weakly, or ""."""
    if name in _FAST_HASHES:
        args = call["args"][1:] if name == "hashlib.new" else call["args"]
        if args and _mentions_password(args[0]) and "pwned" not in call["func"].lower():
            algo = str(call["args"][0]) if name == "hashlib.new" and call["args"] else name.split(".")[-1]
            return Message("A password is hashed with {algo}, a fast unsalted hash.", algo=algo)
    if name.endswith("CryptContext"):
        schemes = call["kwargs"].get("schemes")
        default = call["kwargs"].get("default")
        first = default if isinstance(default, str) else schemes[0] if isinstance(schemes, list) and schemes else None
        if isinstance(first, str) and first in WEAK_SCHEMES:
            return Message('Passlib CryptContext defaults to the weak scheme "{scheme}".', scheme=first)
    if name.endswith("generate_password_hash"):
        method = call["kwargs"].get("method", call["args"][1] if len(call["args"]) > 1 else None)
        if isinstance(method, str) and method.split(":")[0] in _WEAK_WERKZEUG:
            return Message('Werkzeug generate_password_hash uses the weak method "{method}".', method=method)
    return ""


def _plain_password_models(facts: ModuleFacts) -> dict[str, str]:
    """ORM classes (SQLAlchemy/SQLModel/Django/Mongo) with a column literally named password and no
    hook that hashes it on assignment (`@validates("password")`, a `password` property setter, a
    hashing `__init__`/`save`/`set_password`/`create_*`/`update_*` method): there the class itself
    hashes, one call away."""
    hooks = _hashing_classes(facts)
    out = {}
    for cls in facts["classes"]:
        if cls["name"] in hooks:
            continue
        for field in cls["fields"]:
            if field["name"] in ("password", "passwd", "pwd") and \
                    _is_orm_field(cls, field["value"], field["annotation"]):
                out[cls["name"]] = field["name"]
    return out


# methods through which a model stores itself: a hash call inside one means the class hashes on the way in
# (PowerDNS-Admin's User.create_local_user() sets self.password = self.get_hashed_password(...))
_STORING_METHOD = re.compile(r"^(__init__|save|before_save|set_password|(create|register|add|update|save)_?\w*)$")


def _hashing_classes(facts: ModuleFacts) -> set[str]:
    out = set()
    for fn in facts["functions"]:
        if not fn["cls"]:
            continue
        decorators = " ".join(d["name"] + " " + str(d.get("args", "")) for d in fn["decorators"])
        if ("validates" in decorators and "password" in decorators.lower()) or \
                (fn["name"] in ("password", "_password") and "setter" in decorators) or \
                (_STORING_METHOD.match(fn["name"]) and \
                any(_HASHED.search(c["name"]) for c in facts["calls"] if c["func"] == fn["qualname"])):
            out.add(fn["cls"])
    return out


def _is_orm_field(cls: ClassFact, value: Value, annotation: str) -> bool:
    if any(b.endswith("BaseModel") or b.endswith("Schema") or b.endswith("Form") for b in cls["bases"]):
        return False
    text = expr_text(value)
    if cls["keywords"].get("table") is True or annotation.startswith("Mapped"):
        return True
    # pydantic/SQLModel `Field(...)` outside a table=True class is a schema field, not a column
    return bool(_ORM_FIELD.search(text)) and not text.startswith("Field(")


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at calls in application code: hashlib fast hashes (md5, sha1, sha256...) applied to a
    value named like a password, passlib CryptContext whose default scheme is weak (md5_crypt,
    plaintext...), werkzeug generate_password_hash with a plain/md5/sha method, and ORM models with a
    `password` column built straight from an unhashed password value (plain storage)."""
    models: dict[str, str] = {}
    for path, facts in repo.python_items():
        if is_app_code(repo, path):
            models.update(_plain_password_models(facts))
    names = [*_FAST_HASHES, *qualified_names_ending(repo, "CryptContext", "generate_password_hash")]
    refs = calls_named(repo, *names) + (calls_written(repo, "create", *models) if models else [])
    seen: set[int] = set()
    for path, call, name in sorted(refs, key=lambda r: (r[0], r[1]["line"])):
        if id(call) in seen or not is_app_code(repo, path):
            continue
        seen.add(id(call))
        why = _weak_call(call, name) or (_plain_storage(call, models) if _persists(repo, path, call) else "")
        if why:
            yield Hit(path, call["line"], why, key=why.removesuffix("."))


_PERSIST = re.compile(r"(^|\.)(add|add_all|save|commit|create|insert|bulk_create|merge|flush)$")


def _persists(repo: Repo, path: str, call: CallFact) -> bool:
    """Premise of plain storage: the function building the object also saves something (session.add,
    .save(), objects.create...). A User built only to check a password is never stored."""
    if call["name"].endswith((".create", ".objects.create")):
        return True
    return any(c["func"] == call["func"] and _PERSIST.search(c["name"]) for c in repo.python[path]["calls"])


def _plain_storage(call: CallFact, models: dict[str, str]) -> str:
    parts = call["name"].split(".")
    cls = parts[-1] if parts[-1] in models else parts[-3] if call["name"].endswith(".objects.create") \
        and len(parts) >= 3 else ""
    field = models.get(cls)
    if not field or field not in call["kwargs"]:
        return ""
    value = call["kwargs"][field]
    text = expr_text(value)
    if text and "(" not in text and _PASSWORD.search(text) and not _HASHED.search(text):
        return Message("{model}({field}={value}) stores the password without hashing it.", model=cls, field=field,
                       value=text)
    return ""


RULE = Rule(
    id="SEC001",
    name="weak-password-hashing",
    axis=Axis.SECURITY,
    severity=Severity.HIGH,
    title="Passwords hashed with a fast or broken scheme, or stored as given",
    impact="A leaked user table is cracked in hours: fast hashes (MD5, SHA-*) are brute-forced at billions "
           "of guesses per second, and plain passwords need no cracking at all.",
    action="Hash passwords with a slow, salted algorithm (argon2id, bcrypt or scrypt via argon2-cffi, bcrypt, "
           "passlib or pwdlib) and re-hash legacy hashes at next login.",
    check=check,
    example_bad="hashed = hashlib.sha256(password.encode()).hexdigest()",
    example_good='pwd_context = CryptContext(schemes=["argon2", "bcrypt"], deprecated="auto")\n'
                 "hashed = pwd_context.hash(password)",
)
