"""CFG116 django-csp-settings-unapplied."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.context import Context, context_of
from archaudit.rules.base import Rule
from archaudit.rules.config_security._django import production_modules

# what reads the CSP_* settings: django-csp's middleware (csp.middleware.CSPMiddleware), or project code
_APPLIERS = ("CSPMiddleware", "csp.middleware", "Content-Security-Policy", "content-security-policy")


def _read_elsewhere(repo: Repo, settings_files: tuple[str, ...]) -> bool:
    """Production Python code outside the settings files naming a CSP_ setting or writing the header."""
    for path, _ in repo.python_items():
        if path in settings_files or context_of(repo, path) is not Context.PRODUCTION:
            continue
        text = repo.text(path) or ""
        if "CSP_" in text or "content-security-policy" in text.lower():
            return True
    return False


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at production's Django settings (see CFG101 for how that module is found and layered) for
    django-csp style CSP_* settings (CSP_DEFAULT_SRC, CSP_SCRIPT_SRC...) while MIDDLEWARE is an
    unconditional literal list and neither its settings files nor any other production module names
    django-csp's CSPMiddleware, a CSP_ setting or the Content-Security-Policy header: nothing turns those
    settings into a header. The finding says what the settings would allow ('unsafe-inline'). It claims
    that these settings are dead, not that no policy is sent (a proxy may send one)."""
    judged, unknown = production_modules(repo, Message("Whether production's CSP_* settings are applied."))
    yield from unknown
    for mod in judged:
        csp = sorted((v.setting for name, v in mod.settings.values.items() if name.startswith("CSP_")),
                     key=lambda s: (s.file, s.line))
        middleware = mod.settings.values.get("MIDDLEWARE")
        if not csp or middleware is None or middleware.conditional or \
                not isinstance(middleware.setting.value, list | tuple):
            continue
        text = "\n".join(repo.text(f) or "" for f in mod.settings.files)
        if any(a in text for a in _APPLIERS) or _read_elsewhere(repo, mod.settings.files):
            continue
        inline = [s.name for s in csp if isinstance(s.value, list | tuple) and "'unsafe-inline'" in s.value]
        names = ", ".join(s.name for s in csp)
        message = Message("Production settings {path} define {names} but no CSP middleware is installed: no "
                          "Content-Security-Policy header comes from them.", path=mod.path, names=names)
        if inline:
            message = Message("{message} The policy they describe would also allow 'unsafe-inline' in {inline}.",
                              message=message, inline=", ".join(inline))
        first = csp[0]
        yield Hit(first.file, first.line, message, key=f"{mod.path} csp", premises=mod.premises)


RULE = Rule(
    id="CFG116",
    name="django-csp-settings-unapplied",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.LOW,
    title="Django CSP_* settings with no middleware to apply them",
    impact="The CSP_* settings look like a content security policy, but only django-csp's CSPMiddleware turns "
           "them into a header: without it every page is served with no policy, and a reviewer reading the "
           "settings believes script injection is contained.",
    action="Install django-csp and add 'csp.middleware.CSPMiddleware' to MIDDLEWARE (or move to its 4.x "
           "CONTENT_SECURITY_POLICY setting, or Django 6's SECURE_CSP with ContentSecurityPolicyMiddleware); "
           "drop 'unsafe-inline' once inline styles and scripts are moved to files or nonces.",
    check=check,
    example_bad='MIDDLEWARE = ["django.middleware.security.SecurityMiddleware", ...]\n'
                'CSP_DEFAULT_SRC = ("\'self\'",)\nCSP_STYLE_SRC = ("\'self\'", "\'unsafe-inline\'")',
    example_good='MIDDLEWARE = ["django.middleware.security.SecurityMiddleware", "csp.middleware.CSPMiddleware", ...]\n'
                 'CSP_DEFAULT_SRC = ("\'self\'",)',
)
