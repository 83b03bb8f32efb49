"""Production's Django settings module and its layered values (detect/config/django_deploy.py), and the
deployment-checklist rules' premises: what they claim when the module is known, "not determined" when not."""

from __future__ import annotations

from pathlib import Path

from archaudit.detect.config.django_deploy import effective_settings, production_settings
from archaudit.rules.config_security import django_allowed_hosts, django_https
from archaudit.rules.engine import run_rules
from tests.conftest import repo_of, write_tree

_BASE = 'import os\n\nDEBUG = False\nSECRET_KEY = os.environ["SECRET_KEY"]\nALLOWED_HOSTS = ["*"]\n'
_WSGI = 'import os\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "{}")\n'


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    return write_tree(tmp_path, {"shop/__init__.py": "", "shop/settings/__init__.py": "",
                                 "shop/urls.py": "from django.urls import path\n", **files})


def test_wsgi_naming_a_development_module_leaves_production_not_determined(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"shop/wsgi.py": _WSGI.format("shop.settings.dev"),
                            "shop/settings/base.py": _BASE,
                            "shop/settings/dev.py": "from .base import *\nDEBUG = True\n"})
    repo = repo_of(root)
    assert production_settings(repo).unknown
    findings, unknown = run_rules(repo, [django_https.RULE, django_allowed_hosts.RULE])
    assert findings == []
    assert {u.rule for u in unknown} == {"CFG101", "CFG102"}
    assert all("production's Django settings module is known" in u.why for u in unknown)


def test_dockerfile_names_production_and_the_importer_wins(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "shop/wsgi.py": _WSGI.format("shop.settings.base"),
        "Dockerfile": "FROM python:3.12\nENV DJANGO_SETTINGS_MODULE=shop.settings.live\n",
        "shop/settings/base.py": _BASE,
        "shop/settings/live.py": 'from .base import *\nALLOWED_HOSTS = ["shop.example.com"]\n',
    })
    repo = repo_of(root)
    assert production_settings(repo).modules == ("shop/settings/live.py",)
    eff = effective_settings(repo, "shop/settings/live.py")
    assert eff.values["ALLOWED_HOSTS"].setting.file == "shop/settings/live.py"
    assert eff.values["DEBUG"].setting.file == "shop/settings/base.py"
    findings, _ = run_rules(repo, [django_allowed_hosts.RULE])
    assert findings == []


def test_a_module_copied_in_at_build_time_is_not_determined(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "shop/wsgi.py": _WSGI.format("shop.settings.base"),
        "docker/Dockerfile": "FROM python:3.12\nENV DJANGO_SETTINGS_MODULE=shop.settings.config\n",
        "shop/settings/base.py": _BASE,
    })
    findings, unknown = run_rules(repo_of(root), [django_allowed_hosts.RULE])
    assert findings == []
    assert [u.rule for u in unknown] == ["CFG102"] and "not a file of the repository" in unknown[0].why


def test_wildcard_in_the_production_module_fires_with_its_line(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"shop/wsgi.py": _WSGI.format("shop.settings.base"), "shop/settings/base.py": _BASE})
    findings, _ = run_rules(repo_of(root), [django_allowed_hosts.RULE])
    assert [(f.rule, f.evidence[0].ref) for f in findings] == [("CFG102", "shop/settings/base.py:5")]
    assert findings[0].premises and findings[0].premises[0].evidence[0].ref == "shop/wsgi.py:3"


def test_an_unresolved_star_import_makes_absence_not_determined(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"shop/wsgi.py": _WSGI.format("shop.settings.base"),
                            "shop/settings/base.py": _BASE.replace('["*"]', '["a.example"]')
                            + "from .secrets_generated import *\n"})
    findings, unknown = run_rules(repo_of(root), [django_https.RULE])
    assert findings == []
    assert [u.rule for u in unknown] == ["CFG101"] and "secrets_generated" in unknown[0].why


def test_a_conditional_or_computed_value_counts_as_set(tmp_path: Path) -> None:
    settings = _BASE.replace('["*"]', '["a.example"]') + (
        "SECURE_SSL_REDIRECT = not DEBUG\nSECURE_HSTS_SECONDS = int(os.environ['HSTS'])\n"
        "if os.getenv('HTTPS'):\n    SESSION_COOKIE_SECURE = True\n    CSRF_COOKIE_SECURE = True\n")
    root = _tree(tmp_path, {"shop/wsgi.py": _WSGI.format("shop.settings.base"), "shop/settings/base.py": settings})
    findings, unknown = run_rules(repo_of(root), [django_https.RULE])
    assert findings == [] and unknown == []


def test_no_django_no_claim(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"app/settings.py": 'ALLOWED_HOSTS = ["*"]\n', "app/main.py": "import flask\n"})
    findings, unknown = run_rules(repo_of(root), [django_https.RULE, django_allowed_hosts.RULE])
    assert findings == [] and unknown == []
