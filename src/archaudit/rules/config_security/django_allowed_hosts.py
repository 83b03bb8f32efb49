"""CFG102 django-allowed-hosts-wildcard."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from archaudit.detect.config.django_deploy import Value
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.config_security._django import falls_back, production_modules


def _wildcard(value: Any) -> bool:
    if isinstance(value, str):
        return "*" in [h.strip() for h in value.split(",")]
    return isinstance(value, list | tuple) and "*" in value


def _why(value: Value) -> str:
    s = value.setting
    if value.conditional or not s.has_default or not _wildcard(s.value):
        return ""
    return falls_back(s.value, s.env) if s.env else Message("is {value}", value=repr(s.value))


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at ALLOWED_HOSTS as production's Django settings module ends up with it (see CFG101 for
    how that module is found and layered): a literal list holding "*", or an environment read whose
    fallback is "*" (`os.getenv("ALLOWED_HOSTS", "*").split(",")`, `env.list(..., default=["*"])`).
    A value assigned under a condition or computed from an expression is not judged; when production's
    settings module cannot be determined the claim is not determined."""
    judged, unknown = production_modules(repo, Message("Whether production's Django settings accept any Host header."))
    yield from unknown
    for mod in judged:
        value = mod.settings.values.get("ALLOWED_HOSTS")
        why = _why(value) if value else ""
        if value and why:
            yield Hit(value.setting.file, value.setting.line, Message("Production settings {path}: ALLOWED_HOSTS "
                                                                      "{why}.",
                                                                      path=mod.path, why=why),
                      key=f"{mod.path} allowed hosts", premises=mod.premises)


RULE = Rule(
    id="CFG102",
    name="django-allowed-hosts-wildcard",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.MEDIUM,
    title="Django production settings accept any Host header",
    impact="With ALLOWED_HOSTS = ['*'] Django trusts whatever Host a client sends: absolute URLs it builds "
           "(password-reset and activation links in e-mails, redirects, cache keys) can point at an attacker's "
           "domain (Host header poisoning).",
    action="List the domains the site is served on (read them from the environment, with no wildcard "
           "fallback); keep the wildcard for development settings only.",
    check=check,
    example_bad='# settings/production.py\nALLOWED_HOSTS = os.getenv("ALLOWED_HOSTS", "*").split(",")',
    example_good='# settings/production.py\nALLOWED_HOSTS = os.environ["ALLOWED_HOSTS"].split(",")',
)
