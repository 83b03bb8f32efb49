"""SEC005 (no rate limiting): an endpoint behind a CAPTCHA is guarded against scripted abuse; the
credential endpoints without one are still listed."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import report_of, write_tree

_FLASK = '''from flask import Blueprint, request
from app.ext import captcha

bp = Blueprint("index", __name__)


@bp.route("/login", methods=["POST"])
def login():
    return check(request.form["password"])


@bp.route("/register", methods=["GET", "POST"])
def register():
    if not captcha.validate():
        return "bad captcha", 400
    return create(request.form)
'''

_DJANGO_URLS = '''from django.urls import path
from registration.backends.default.views import RegistrationView
from django.contrib.auth import views as auth_views

from .forms import RegistrationFormWithCaptcha

urlpatterns = [
    path(
        "register/",
        RegistrationView.as_view(form_class=RegistrationFormWithCaptcha),
        name="registration_register",
    ),
    path("login/", auth_views.LoginView.as_view(), name="login"),
]
'''


def _sec005(root: Path) -> list[str]:
    return [e.ref for f in report_of(root).findings if f.rule == "SEC005" for e in f.evidence]


def test_sec005_a_flask_register_view_validating_a_captcha_is_not_listed(tmp_path: Path) -> None:
    write_tree(tmp_path, {"requirements.txt": "flask==3.0.0\n", "app/__init__.py": "", "app/ext.py": "captcha = 1\n",
                          "app/routes.py": _FLASK})
    assert _sec005(tmp_path) == ["app/routes.py:7"]  # /login only


def test_sec005_a_django_registration_view_given_a_captcha_form_is_not_listed(tmp_path: Path) -> None:
    write_tree(tmp_path, {"requirements.txt": "django==5.0\n", "site/__init__.py": "",
                          "site/settings.py": "ROOT_URLCONF = 'site.urls'\nINSTALLED_APPS = []\n",
                          "site/forms.py": "class RegistrationFormWithCaptcha:\n    pass\n",
                          "site/urls.py": _DJANGO_URLS})
    assert _sec005(tmp_path) == ["site/urls.py:13"]  # login/ only
