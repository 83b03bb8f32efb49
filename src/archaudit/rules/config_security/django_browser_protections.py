"""CFG111 django-browser-protection-weakened."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.config.django_deploy import Value
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.config_security._django import insecure_flag, production_modules

_FRAME_OK = frozenset({"DENY", "SAMEORIGIN"})


def _nosniff(value: Value | None) -> str:
    """SECURE_CONTENT_TYPE_NOSNIFF turned off (Django's default since 3.0 is True: absence is fine)."""
    return insecure_flag(value) if value is not None else ""


def _frame(value: Value | None) -> str:
    """X_FRAME_OPTIONS set to a literal other than DENY / SAMEORIGIN (absence means DENY)."""
    if value is None or value.conditional:
        return ""
    s = value.setting
    if not isinstance(s.value, str) or s.value.strip().upper() in _FRAME_OK:
        return ""
    return f"falls back to {s.value!r} when {s.env} is unset" if s.env else f"set to {s.value!r}"


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at production's Django settings (see CFG101 for how the module is found and layered) for
    browser protections turned off on purpose: SECURE_CONTENT_TYPE_NOSNIFF = False (or an environment
    read falling back to False) and X_FRAME_OPTIONS set to something other than DENY or SAMEORIGIN
    (ALLOWALL, ALLOW-FROM...). Absent settings are Django's safe defaults and are not reported; a
    value set under a condition is not judged; when production's settings module cannot be
    determined the claim is not determined."""
    judged, unknown = production_modules(repo,
        Message("Whether production's Django settings turn browser protections off."))
    yield from unknown
    for mod in judged:
        values = mod.settings.values
        checks = (("SECURE_CONTENT_TYPE_NOSNIFF", _nosniff), ("X_FRAME_OPTIONS", _frame))
        for name, weak in checks:
            value = values.get(name)
            why = weak(value)
            if why and value is not None:
                yield Hit(value.setting.file, value.setting.line, Message("Production settings {path}: {name} {why}.",
                                                                          path=mod.path, name=name, why=why),
                          key=f"{mod.path} {name}", premises=mod.premises)


RULE = Rule(
    id="CFG111",
    name="django-browser-protection-weakened",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.LOW,
    title="Django production settings turn a browser protection off",
    impact="With SECURE_CONTENT_TYPE_NOSNIFF = False browsers may sniff an uploaded file as HTML or script "
           "and run it; an X_FRAME_OPTIONS other than DENY/SAMEORIGIN lets any site frame the pages "
           "(clickjacking).",
    action="Remove the override (Django's defaults are nosniff on and X-Frame-Options DENY), or allow "
           "framing per view with `@xframe_options_sameorigin` / a CSP frame-ancestors list.",
    check=check,
    example_bad='# settings/production.py\nSECURE_CONTENT_TYPE_NOSNIFF = False\nX_FRAME_OPTIONS = "ALLOWALL"',
    example_good='# settings/production.py\n# Django defaults: nosniff on, X-Frame-Options: DENY',
)
