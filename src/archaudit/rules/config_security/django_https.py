"""CFG101 django-https-hardening-missing."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.config_security._django import insecure_flag, insecure_hsts, production_modules

# what `manage.py check --deploy` asks of a site served over HTTPS (security.W004, W008, W012, W016)
_FLAGS = ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at the settings production's Django settings module ends up with (the module named by
    DJANGO_SETTINGS_MODULE in wsgi.py/asgi.py or a deployment file, or named production.py/prod.py,
    after its star-import layering) for the HTTPS items of Django's deployment checklist:
    SECURE_SSL_REDIRECT, SESSION_COOKIE_SECURE, CSRF_COOKIE_SECURE and SECURE_HSTS_SECONDS, each not
    set, set to False/0, or read from the environment with a False/0 fallback. A value assigned under a
    condition (`if not DEBUG:`, `if env(...)`) or computed from an expression counts as set; one under
    `if DEBUG:` does not apply. When production's settings module cannot be determined (wsgi.py names a
    development module, a named module is copied in at build time) the claim is not determined."""
    judged, unknown = production_modules(repo, Message("Whether production's Django settings enable the HTTPS "
                                                       "hardening of the deployment checklist."))
    yield from unknown
    for mod in judged:
        values = mod.settings.values
        weak = [(name, insecure_flag(values.get(name)), values.get(name)) for name in _FLAGS]
        weak.append(("SECURE_HSTS_SECONDS", insecure_hsts(values.get("SECURE_HSTS_SECONDS")),
                     values.get("SECURE_HSTS_SECONDS")))
        weak = [(name, why, value) for name, why, value in weak if why]
        if not weak:
            continue
        message = Message("Production settings {path} leave HTTPS hardening off: {settings}.", path=mod.path,
                          settings=Message.joined("; ", [Message("{name} {why}", name=name, why=why)
                                                         for name, why, _ in weak]))
        places = sorted({(v.setting.file, v.setting.line) if v else (mod.path, 0) for _, _, v in weak})
        for path, line in places:
            yield Hit(path, line, message, key=f"{mod.path} https", premises=mod.premises)

RULE = Rule(
    id="CFG101",
    name="django-https-hardening-missing",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.MEDIUM,
    title="Django production settings lack the HTTPS hardening of the deployment checklist",
    impact="Without SESSION_COOKIE_SECURE / CSRF_COOKIE_SECURE the session and CSRF cookies are also sent "
           "over plain HTTP, where anyone on the path can read them; without SECURE_SSL_REDIRECT and HSTS "
           "a first visit over HTTP can be intercepted and downgraded (`manage.py check --deploy` warns "
           "about each).",
    action="In the production settings set SECURE_SSL_REDIRECT = True (or redirect at the proxy), "
           "SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True and SECURE_HSTS_SECONDS (start small, then "
           "a year); read them from the environment with secure defaults if a deployment needs HTTP.",
    check=check,
    example_bad='# config/settings/production.py\nfrom .base import *\nDEBUG = False\n'
                'ALLOWED_HOSTS = ["shop.example.com"]',
    example_good='# config/settings/production.py\nfrom .base import *\nSECURE_SSL_REDIRECT = True\n'
                 'SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True\nSECURE_HSTS_SECONDS = 31536000',
)
