"""CFG002 hard-coded-secret-default (and the matching strength: a startup guard refusing it)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.config.settings import Setting, find_settings, readers_of, startup_guard
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.model import Fact
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import ts_facts
from archaudit.rules.base import PYTHON, TYPESCRIPT, Rule
from archaudit.rules.config_security._helpers import (
    is_outbound_credential,
    is_placeholder,
    is_secret_setting,
    not_in_production,
    opt_in_block,
)
from archaudit.rules.config_security._ts_settings import test_only

_DOTTED_PATH = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*){2,}$")
_COOKIE_NAME = re.compile(r"COOKIE|HEADER|PARAM|FIELD", re.IGNORECASE)


def holds_credential(name: str, value: str) -> bool:
    """Premise: the default is a credential, not a name that points at one. A dotted import path
    (`PUSH_CREDENTIALS = "aggregator.utils.push_credentials"`, a token *strategy* class) or the name
    of a cookie/header carrying a token (`COOKIE_REFRESH_TOKEN_KEY = "refresh_token"`) is not."""
    if _DOTTED_PATH.match(value):
        return False
    return not (_COOKIE_NAME.search(name) and len(value) <= 64 and value.replace("-", "_").isidentifier())


def _committed_lines(repo: Repo) -> set[tuple[str, int]]:
    """Lines where the secrets scanner found a token-shaped value: SEC008 states that fact."""
    return {(path, rec["line"]) for path, records in repo.extra("secrets") for rec in records
            if isinstance(rec, dict) and isinstance(rec.get("line"), int)}


def _reported(repo: Repo, s: Setting, committed: set[tuple[str, int]]) -> bool:
    """Premises of CFG002 beyond the name: the value production runs with, a credential (not a
    pointer to one, nor a placeholder standing for another service's credential), not already
    reported as a committed secret, not inside a block only an operator's opt-in switch runs."""
    if not (s.has_default and isinstance(s.value, str) and s.value.strip() and is_secret_setting(s.name)):
        return False
    if not_in_production(s) or not holds_credential(s.name, s.value):
        return False
    if is_outbound_credential(s.name) and is_placeholder(s.value):
        return False
    return (s.file, s.line) not in committed and not opt_in_block(repo, s.file, s.line)


def secret_defaults(repo: Repo) -> list[tuple[Setting, Evidence | None]]:
    """Credential-like settings with a literal non-empty default, each with the guard refusing it."""
    committed = _committed_lines(repo)
    return [(s, startup_guard(repo, s)) for s in find_settings(repo) if _reported(repo, s, committed)]


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at every declared setting whose name says it holds a credential (SECRET_KEY, JWT_SECRET,
    *_PASSWORD, *_API_KEY, *_TOKEN; not *_URL, *_FILE, *_ALGORITHM, *_EXPIRE_MINUTES...) and whose
    default, or environment fallback (`os.getenv("SECRET_KEY", "dev")`), is a non-empty string literal.
    Development-only files and classes are skipped. A setting is not reported when code refuses the
    value at startup: a `raise` in a function (validator, startup check) or next to a module-level
    check that mentions the setting; that guard is reported as a strength instead. Not reported either:
    a default overridden by a production settings module (the settings module graph), a field of a
    settings class nothing uses, a placeholder (`DEMO_KEY`, `password`) for a credential the app presents
    to another service (SMTP, database, a vendor API), a value the secrets scanner already reports
    (SEC008), a setting inside an `if` that only an opt-in switch (`BASIC_AUTH_ENABLED`) runs.
    Exposure: a setting the framework does not read itself and that only one-shot scripts use (a
    management command resetting a demo admin password) is rated one step lower. The value is never shown.
    TypeScript: `process.env.JWT_SECRET || "dev"`, `?? "dev"`, `configService.get("JWT_SECRET") || "dev"`
    outside tests and test-named configuration files."""
    for s, guard in repo.derived(secret_defaults):
        if guard is None:
            how = (Message("falls back to a literal when {env} is unset", env=s.env) if s.env
                   else Message("has a literal default"))
            yield Hit(s.file, s.line, Message("{name} ({source}) {how}, and nothing refuses it at startup.",
                                              name=s.name, source=s.source, how=how),
                      key=f"{s.source}.{s.name}", secrets=(s.value,),
                      exposure=tuple(Evidence(path, 0) for path in readers_of(repo, s)))
    yield from _typescript(repo)


def _typescript(repo: Repo) -> Iterator[Hit]:
    """`process.env.JWT_SECRET || "dev"` (or `??`, or `configService.get('JWT_SECRET') || ...`)."""
    committed = _committed_lines(repo)
    for path, facts in sorted(repo.derived(ts_facts).items()):
        for fb in facts.get("env_fallbacks", ()):
            name, value = fb["name"], fb["value"]
            if (path, fb["line"]) in committed or not value.strip() or not is_secret_setting(name):
                continue
            if test_only(path, fb["func"]):
                continue
            if not holds_credential(name, value) or (is_outbound_credential(name) and is_placeholder(value)):
                continue
            yield Hit(path, fb["line"], Message("{name} (environment) falls back to a literal when it is unset.",
                                                name=name),
                      key=f"env.{name}", secrets=(value,))


def guarded_secrets(repo: Repo) -> list[Fact]:
    """Strength: a secret's insecure default cannot reach production because startup refuses it."""
    return [Fact(Message("{name} has a development default, but startup refuses it (a check raises)",
                         name=s.name),
                 (guard, Evidence(s.file, s.line)))
            for s, guard in repo.derived(secret_defaults) if guard is not None]


RULE = Rule(
    id="CFG002",
    name="hard-coded-secret-default",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.HIGH,
    title="A secret has a hard-coded default",
    impact="If the environment does not set it, the application signs tokens or connects with a value "
           "that is public in the repository: anyone can forge sessions or JWTs.",
    action="Remove the default (make the setting required) or refuse to start when the default is used "
           "outside development (a validator that raises in production).",
    check=check,
    languages=PYTHON | TYPESCRIPT,
    example_bad='class Settings(BaseSettings):\n    JWT_SECRET_KEY: str = "CHANGE_ME"',
    example_good='class Settings(BaseSettings):\n    JWT_SECRET_KEY: SecretStr  # required: no default',
)
