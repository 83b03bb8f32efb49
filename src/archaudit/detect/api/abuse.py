"""Which endpoints are guarded against automated abuse by something other than a rate limiter.

A CAPTCHA (Flask-SimpleCaptcha/`captcha.validate()`, reCAPTCHA or hCaptcha form fields, a
`RegistrationFormWithCaptcha` passed to the view) stops scripted sign-ups and password guessing as
a limiter would; rules asking "can this endpoint be called without limit?" read it here.
"""

from __future__ import annotations

from archaudit.detect.api.endpoint import Endpoint
from archaudit.findings import Evidence
from archaudit.languages.python.facts import expr_text
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_by_function

_WORDS = ("captcha",)  # recaptcha, hcaptcha, turnstile-captcha... all contain it
_DECLARATION_SPAN = 6  # lines of a urlpatterns entry / decorator stack after the registration line


def _mentions(text: str) -> bool:
    low = text.lower()
    return any(w in low for w in _WORDS)


def captcha_guard(repo: Repo, e: Endpoint) -> Evidence | None:
    """Where a CAPTCHA guards the endpoint: the handler calls one (`captcha.validate()`,
    `verify_recaptcha(...)`), or the registration passes a CAPTCHA form (`as_view(form_class=
    RegistrationFormWithCaptcha)`). None when nothing visible does."""
    for call in repo.derived(calls_by_function).get((e.handler_file, e.handler), []):
        if _mentions(call["name"]):
            return Evidence(e.handler_file, call["line"])
    facts = repo.python.get(e.file)
    if facts is None:
        return None
    for call in facts["calls"]:
        if e.line <= call["line"] <= e.line + _DECLARATION_SPAN:
            values = [*call["args"], *call["kwargs"].values()]
            if any(_mentions(v if isinstance(v, str) else expr_text(v)) for v in values):
                return Evidence(e.file, call["line"])
    return None
