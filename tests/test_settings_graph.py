"""The settings module graph: a production module star-importing a base module (directly or through
another) and assigning a name again decides that name's production value; the base default is then
not reported. Overrides in dev/test modules do not count; a base nobody overrides is still reported."""

from __future__ import annotations

from pathlib import Path

from archaudit.detect.config.settings import find_settings, settings_modules
from archaudit.rules.config_security import secret_default, wildcard_cors_credentials
from archaudit.rules.engine import run_rules
from tests.conftest import repo_of, write_tree

DJANGO = {"manage.py": "import django\n", "shop/__init__.py": "", "shop/settings/__init__.py": ""}
BASE = 'SECRET_KEY = "django-insecure-abc123"\nDEBUG = False\n'


def _refs(root: Path, files: dict[str, str], rule: object = secret_default.RULE) -> list[str]:
    findings, _ = run_rules(repo_of(write_tree(root, {**DJANGO, **files})), [rule])  # type: ignore[list-item]
    return [f"{e.path}:{e.line}" for f in findings for e in f.evidence]


def test_base_default_reported_when_no_production_module_overrides_it(tmp_path: Path) -> None:
    files = {"shop/settings/base.py": BASE,
             "shop/settings/production.py": "from .base import *  # noqa\nALLOWED_HOSTS = ['shop.example']\n",
             "shop/settings/dev.py": "from .base import *\nSECRET_KEY = 'dev'\n"}
    assert _refs(tmp_path, files) == ["shop/settings/base.py:1"]


def test_production_override_from_the_environment_hides_the_base_default(tmp_path: Path) -> None:
    files = {"shop/settings/base.py": BASE,
             "shop/settings/production.py": "import os\nfrom .base import *\nSECRET_KEY = os.environ['SECRET_KEY']\n"}
    repo = repo_of(write_tree(tmp_path, {**DJANGO, **files}))
    base = next(s for s in find_settings(repo) if s.file == "shop/settings/base.py" and s.name == "SECRET_KEY")
    assert base.overridden is not None and base.overridden.ref == "shop/settings/production.py:3"
    assert list(run_rules(repo, [secret_default.RULE])[0]) == []


def test_literal_override_in_production_is_reported_there(tmp_path: Path) -> None:
    files = {"shop/settings/base.py": BASE,
             "shop/settings/production.py": "from .base import *\nSECRET_KEY = 'prod-secret-in-git'\n"}
    assert _refs(tmp_path, files) == ["shop/settings/production.py:2"]


def test_transitive_star_import_makes_a_settings_module(tmp_path: Path) -> None:
    """config/django/production.py -> config/django/base.py -> config/settings/cors.py (Styleguide)."""
    files = {
        "config/__init__.py": "", "config/django/__init__.py": "", "config/settings/__init__.py": "",
        "config/settings/cors.py": "CORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOW_CREDENTIALS = True\n",
        "config/django/base.py": "from config.settings.cors import *  # noqa\nINSTALLED_APPS = []\n",
        "config/django/production.py": "from config.django.base import *  # noqa\nCORS_ALLOW_ALL_ORIGINS = False\n",
        "users/views.py": "def login(request, response):\n    response.set_cookie('sessionid', 'x')\n",
    }
    repo = repo_of(write_tree(tmp_path / "a", {**DJANGO, **files}))
    assert "config/django/production.py" in settings_modules(repo)
    assert list(run_rules(repo, [wildcard_cors_credentials.RULE])[0]) == []
    del files["config/django/production.py"]
    assert _refs(tmp_path / "b", files, wildcard_cors_credentials.RULE) == ["config/settings/cors.py:1"]


def test_relative_star_import_of_a_file_copied_into_place(tmp_path: Path) -> None:
    """docker/config.py does `from .common import *` and is copied to settings/ at build time (Taiga)."""
    files = {"settings/__init__.py": "", "settings/common.py": 'SECRET_KEY = "aw3+t2r(8(0kkrhg8)gx6i96v5^kv"\n',
             "app/__init__.py": "", "app/jira/common.py": "X = 1\n",
             "docker/config.py": "import os\nfrom .common import *\nSECRET_KEY = os.getenv('TAIGA_SECRET_KEY')\n"}
    assert _refs(tmp_path, files) == []
