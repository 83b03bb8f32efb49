"""CFG112 django-security-middleware-missing."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.config_security._django import production_modules

# what each middleware gives a Django site (check --deploy: security.W001, W002, W003)
_WANTED = {
    "django.middleware.security.SecurityMiddleware": Message("SecurityMiddleware (HSTS, SSL redirect, nosniff, "
                                                             "Referrer-Policy)"),
    "django.middleware.clickjacking.XFrameOptionsMiddleware": Message("XFrameOptionsMiddleware (X-Frame-Options)"),
    "django.middleware.csrf.CsrfViewMiddleware": Message("CsrfViewMiddleware (CSRF protection)"),
}


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at MIDDLEWARE as production's Django settings module ends up with it (see CFG101 for how
    that module is found and layered), when it is an unconditional literal list: SecurityMiddleware,
    XFrameOptionsMiddleware or CsrfViewMiddleware missing from it. A middleware is only called missing
    when its name appears nowhere in the text of production's settings files (so a `MIDDLEWARE +=`,
    an `insert()` or a list built elsewhere in them counts as adding it); a MIDDLEWARE assigned under a
    condition or computed is not judged; when production's settings module cannot be determined the
    claim is not determined."""
    judged, unknown = production_modules(repo,
        Message("Whether production's Django MIDDLEWARE holds the security middleware."))
    yield from unknown
    for mod in judged:
        value = mod.settings.values.get("MIDDLEWARE")
        if value is None or value.conditional or not isinstance(value.setting.value, list | tuple):
            continue
        text = "\n".join(repo.text(f) or "" for f in mod.settings.files)
        missing = [why for name, why in _WANTED.items() if name.rsplit(".", 1)[-1] not in text]
        if missing:
            s = value.setting
            yield Hit(s.file, s.line, Message("Production settings {path}: MIDDLEWARE lacks {missing}.", path=mod.path,
                                              missing=Message.joined("; ", missing)),
                      key=f"{mod.path} middleware", premises=mod.premises)


RULE = Rule(
    id="CFG112",
    name="django-security-middleware-missing",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.MEDIUM,
    title="Django production MIDDLEWARE lacks a security middleware",
    impact="Without SecurityMiddleware the SECURE_* settings (HSTS, SSL redirect, nosniff) do nothing; "
           "without XFrameOptionsMiddleware pages can be framed by any site; without CsrfViewMiddleware "
           "forms and session-authenticated views accept cross-site requests.",
    action="Keep django.middleware.security.SecurityMiddleware first, and CsrfViewMiddleware and "
           "XFrameOptionsMiddleware in MIDDLEWARE (exempt single views with @csrf_exempt if they must).",
    check=check,
    example_bad='MIDDLEWARE = [\n    "django.contrib.sessions.middleware.SessionMiddleware",\n'
                '    "django.middleware.common.CommonMiddleware",\n]',
    example_good='MIDDLEWARE = [\n    "django.middleware.security.SecurityMiddleware",\n    ...,\n'
                 '    "django.middleware.csrf.CsrfViewMiddleware",\n'
                 '    "django.middleware.clickjacking.XFrameOptionsMiddleware",\n]',
)
