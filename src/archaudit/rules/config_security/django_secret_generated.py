"""CFG110 django-secret-key-generated-at-startup."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.config_security._django import production_modules
from archaudit.rules.config_security._helpers import call_text, enclosing_header

# calls returning a fresh random value each time the process starts
_RANDOM = re.compile(r"\b(get_random_secret_key|token_urlsafe|token_hex|token_bytes|urandom|uuid4|get_random_string)"
                     r"\s*\(")


def _generated(repo: Repo, path: str, line: int, conditional: bool) -> str:
    """The statement on `line` draws a random key; under a condition only when the condition is the
    setting's own absence (`if not SECRET_KEY:`), not a try/except that writes the key to a file."""
    m = _RANDOM.search(call_text(repo, path, line, limit=8).split("=", 1)[-1])
    if m is None:
        return ""
    if conditional and "SECRET_KEY" not in enclosing_header(repo, path, line):
        return ""
    return m.group(1)


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at SECRET_KEY as production's Django settings module ends up with it (see CFG101 for how
    that module is found and layered): a value drawn at start-up (`get_random_secret_key()`,
    `secrets.token_urlsafe()`), as the value itself, as an environment read's fallback
    (`env("SECRET_KEY", default=get_random_secret_key())`) or inside an `if not SECRET_KEY:` block.
    A generation under any other condition (a try/except persisting the key to a file, `if DEBUG:`)
    is not judged; when production's settings module cannot be determined the claim is not determined."""
    judged, unknown = production_modules(repo,
        Message("Whether production's Django SECRET_KEY is generated at start-up."))
    yield from unknown
    for mod in judged:
        value = mod.settings.values.get("SECRET_KEY")
        if value is None:
            continue
        s = value.setting
        how = _generated(repo, s.file, s.line, value.conditional)
        if how:
            yield Hit(s.file, s.line, Message("Production settings {path}: SECRET_KEY is drawn with {how}() when "
                                              "the process starts; each restart and each worker gets another key.",
                                              path=mod.path, how=how),
                      key=f"{mod.path} secret generated", premises=mod.premises)


RULE = Rule(
    id="CFG110",
    name="django-secret-key-generated-at-startup",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.MEDIUM,
    title="Django production SECRET_KEY falls back to a key generated at start-up",
    impact="A key drawn when the process starts differs between restarts and between workers: sessions, "
           "password-reset links and signed cookies made by one worker are rejected by the next, users are "
           "logged out on every deploy, and the misconfiguration stays silent instead of failing.",
    action="Require SECRET_KEY from the environment or a secret store in production (`env('SECRET_KEY')` "
           "with no default, so a missing key stops the start); generate keys only in development settings.",
    check=check,
    example_bad='# settings/production.py\nSECRET_KEY = os.getenv("SECRET_KEY") or get_random_secret_key()',
    example_good='# settings/production.py\nSECRET_KEY = os.environ["SECRET_KEY"]',
)
