"""Layering, wrapper and transaction claims need evidence that the project is built that way
(issue 8, class 8: names taken for architecture). Each test: the look-alike stays silent, the true
variant is still reported at the right file:line."""

from __future__ import annotations

from pathlib import Path

from archaudit.rules import RULES_BY_ID
from archaudit.rules.engine import run_rules
from tests.conftest import repo_of, write_tree


def places(rule_id: str, root: Path) -> list[tuple[str, int]]:
    findings, failures = run_rules(repo_of(root), [RULES_BY_ID[rule_id]])
    assert not failures, failures
    return sorted((f.evidence[0].path, f.evidence[0].line) for f in findings)


_PORTS = {
    "pyproject.toml": "[project]\nname = 'app'\ndependencies = ['sqlalchemy']\n",
    "app/__init__.py": "",
    "app/services/__init__.py": "",
    "app/services/email/__init__.py": "",
    "app/services/email/base.py": "from typing import Protocol\n\n\nclass EmailProvider(Protocol):\n"
                                  "    def send(self, to: str) -> None: ...\n",
    "app/infrastructure/__init__.py": "",
    "app/infrastructure/postmark.py": "class PostmarkEmailProvider:\n    def send(self, to: str) -> None:\n"
                                      "        pass\n",
    "app/infrastructure/repositories.py": "class UserRepository:\n    def get(self, id: int) -> dict:\n"
                                          "        return {}\n",
}


def test_a_port_for_email_says_nothing_about_repositories(tmp_path: Path) -> None:
    """fief: the only port is EmailProvider; services take a concrete UserRepository (no port for
    it exists, nothing to depend on instead): not a layering violation."""
    write_tree(tmp_path, {**_PORTS, "app/services/users.py":
                          "from app.infrastructure.repositories import UserRepository\n\n\n"
                          "class Users:\n    def __init__(self, repo: UserRepository) -> None:\n"
                          "        self.repo = repo\n"})
    assert places("MOD051", tmp_path) == []


def test_importing_the_adapter_of_an_existing_port_is_still_reported(tmp_path: Path) -> None:
    write_tree(tmp_path, {**_PORTS, "app/services/signup.py":
                          "import os\nfrom app.infrastructure.postmark import PostmarkEmailProvider\n\n\n"
                          "def welcome(to: str) -> None:\n    PostmarkEmailProvider().send(to)\n"})
    assert places("MOD051", tmp_path) == [("app/services/signup.py", 2)]


_FLASKBB = {
    "pyproject.toml": "[project]\nname = 'app'\ndependencies = ['flask-sqlalchemy']\n",
    "app/__init__.py": "",
    "app/extensions.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
    "app/models.py": "from app.extensions import db\n\n\nclass User(db.Model):\n"
                     "    id = db.Column(db.Integer, primary_key=True)\n",
    "app/core/__init__.py": "",
    "app/core/auth.py": "from abc import ABC, abstractmethod\n\n\nclass AuthenticationProvider(ABC):\n"
                        "    @abstractmethod\n    def authenticate(self, name: str) -> object: ...\n",
    "app/services/__init__.py": "",
    "app/services/authentication.py": "from app.core.auth import AuthenticationProvider\n"
                                      "from app.models import User\n\n\n"
                                      "class DefaultProvider(AuthenticationProvider):\n"
                                      "    def authenticate(self, name: str) -> object:\n"
                                      "        return User.query.filter_by(name=name).first()\n",
}


def test_an_extension_point_abc_is_not_a_repository(tmp_path: Path) -> None:
    """flaskbb: a plugin authentication ABC is the only abstract class; there are no repositories."""
    write_tree(tmp_path, _FLASKBB)
    assert places("MOD053", tmp_path) == []


def test_services_bypassing_existing_repositories_are_still_reported(tmp_path: Path) -> None:
    write_tree(tmp_path, {**_FLASKBB, "app/repositories.py": "from app.models import User\n\n\n"
                          "class UserRepository:\n    def by_name(self, name: str) -> object:\n"
                          "        return User.query.filter_by(name=name).first()\n"})
    assert places("MOD053", tmp_path) == [("app/services/authentication.py", 2)]


def _flask_app(services: str) -> dict[str, str]:
    return {
        "requirements.txt": "flask\nflask-sqlalchemy\n",
        "app/__init__.py": "",
        "app/extensions.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
        "app/app.py": "from flask import Flask\n\nfrom app.routes import bp\n\napp = Flask(__name__)\n"
                      "app.register_blueprint(bp)\n",
        "app/routes.py": "from flask import Blueprint\n\nfrom app.extensions import db\n\n"
                         "bp = Blueprint('b', __name__)\n\n\n@bp.route('/x', methods=['POST'])\n"
                         "def create():\n    db.session.add(object())\n    db.session.commit()\n    return ''\n",
        "app/services/__init__.py": "",
        "app/services/azure.py": services,
    }


def test_a_services_folder_that_never_touches_a_transaction_is_no_layer(tmp_path: Path) -> None:
    """PowerDNS-Admin: services/ holds OAuth client factories; the handlers commit as the
    project's active-record pattern does."""
    write_tree(tmp_path, _flask_app("def azure_oauth():\n    return {'client_id': 'x'}\n"))
    assert places("MOD002", tmp_path) == []


def test_a_layer_that_owns_transactions_makes_the_handler_commit_a_finding(tmp_path: Path) -> None:
    write_tree(tmp_path, _flask_app("from app.extensions import db\n\n\ndef save(x):\n    db.session.add(x)\n"
                                    "    db.session.commit()\n"))
    findings, _ = run_rules(repo_of(tmp_path), [RULES_BY_ID["MOD002"]])
    assert [(e.path, e.line) for e in findings[0].evidence] == [("app/routes.py", 11), ("app/services/azure.py", 6)]


def _django_stripe(extra: dict[str, str]) -> dict[str, str]:
    return {
        "requirements.txt": "django\nstripe\n",
        "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site.settings')\n",
        "site/__init__.py": "",
        "site/settings.py": "ROOT_URLCONF = 'site.urls'\nINSTALLED_APPS = ['fundraising']\n",
        "site/urls.py": "from django.urls import path\n\nfrom fundraising import views\n\n"
                        "urlpatterns = [path('donate/', views.donate)]\n",
        "fundraising/__init__.py": "",
        "fundraising/apps.py": "import stripe\nfrom django.apps import AppConfig\n"
                               "from django.conf import settings\n\n\n"
                               "class FundraisingConfig(AppConfig):\n    name = 'fundraising'\n\n"
                               "    def ready(self):\n        stripe.api_key = settings.STRIPE_SECRET_KEY\n",
        "fundraising/views.py": "import stripe\nfrom django.http import JsonResponse\n\n\ndef donate(request):\n"
                                "    session = stripe.checkout.Session.create(mode='payment')\n"
                                "    return JsonResponse({'id': session.id})\n",
        **extra,
    }


def test_an_app_config_setting_the_api_key_is_not_a_wrapper(tmp_path: Path) -> None:
    """djangoproject.com: apps.py only sets stripe.api_key in AppConfig.ready()."""
    write_tree(tmp_path, _django_stripe({}))
    assert places("MOD007", tmp_path) == []


def test_a_real_wrapper_makes_the_direct_sdk_call_a_finding(tmp_path: Path) -> None:
    write_tree(tmp_path, _django_stripe({"fundraising/payments.py": "import stripe\n\n\ndef checkout():\n"
                                         "    return stripe.checkout.Session.create(mode='payment')\n"}))
    findings, _ = run_rules(repo_of(tmp_path), [RULES_BY_ID["MOD007"]])
    assert [(e.path, e.line) for e in findings[0].evidence] == [("fundraising/views.py", 6),
                                                                 ("fundraising/payments.py", 5)]


def test_a_form_that_calls_the_sdk_is_not_a_wrapper(tmp_path: Path) -> None:
    """djangoproject.com: DonorForm.save() updates the Stripe customer; it is no client wrapper."""
    write_tree(tmp_path, _django_stripe({"fundraising/forms.py": "import stripe\n\n\nclass DonorForm:\n"
                                         "    def save(self):\n        stripe.Customer.retrieve('c').save()\n"}))
    assert places("MOD007", tmp_path) == []
