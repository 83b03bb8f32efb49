"""Python dependency rules (DEP001 never imported, DEP002 not declared, DEP005 unpinned): manifests
are read for what they mean, not by name only. Each mechanism: the false finding gone, the true
variant still reported."""

from __future__ import annotations

from pathlib import Path

from archaudit.rules.engine import run_rules
from archaudit.rules.reproducibility import (
    manager_without_lock,
    undeclared_import,
    unpinned_without_lock,
    unused_dependency,
)
from tests.conftest import repo_of, write_tree


def _unused(root: Path) -> list[tuple[str, int, str]]:
    findings, failures = run_rules(repo_of(root), [unused_dependency.RULE])
    assert failures == []
    return sorted((e.path, e.line, f.message.split("`")[1]) for f in findings for e in f.evidence)


def _undeclared(root: Path) -> list[tuple[str, int]]:
    findings, failures = run_rules(repo_of(root), [undeclared_import.RULE])
    assert failures == []
    return sorted((e.path, e.line) for f in findings for e in f.evidence[:1])


def test_a_decorated_distribution_name_is_imported_under_its_module_name(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "requirements.txt": "py-ip2region==2.0\nmarkdown-it-py==3.0\nnewspaper3k==0.2\npyjks==20.0\nstripe==8.0\n",
        "app/__init__.py": "",
        "app/main.py": "import ip2region\nimport markdown_it\nimport newspaper\nimport jks\n",
    })
    assert _unused(tmp_path) == [("requirements.txt", 5, "stripe")]


def test_a_django_app_named_in_settings_is_used(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "requirements.txt": "Django==5.0\nwagtail-font-awesome-svg==1.0\ndjango-bootstrap-breadcrumbs2==1.0\n"
                            "django-basic-auth-ip-whitelist==0.5\ndjango-unused-thing==1.0\n",
        "site/__init__.py": "",
        "site/settings.py": ("INSTALLED_APPS = ['wagtailfontawesomesvg', 'django_bootstrap_breadcrumbs']\n"
                             "MIDDLEWARE = ['baipw.middleware.BasicAuthIPWhitelistMiddleware']\n"
                             "import django\n"),
    })
    assert _unused(tmp_path) == [("requirements.txt", 5, "django-unused-thing")]


def test_a_pip_freeze_file_is_a_lock_its_transitive_entries_are_not_unused(tmp_path: Path) -> None:
    freeze = ["aiosmtpd==1.4", "atpublic==4.0", "attrs==23.1", "blinker==1.7", "certifi==2023.11",
              "charset-normalizer==3.3", "click==8.1", "Flask==3.0", "idna==3.6", "itsdangerous==2.1",
              "Jinja2==3.1", "MarkupSafe==2.1", "requests==2.31", "urllib3==2.1", "Werkzeug==3.0"]
    write_tree(tmp_path, {
        "requirements.txt": "\n".join(freeze) + "\n",
        "app/__init__.py": "from flask import Flask\nimport requests\n",
    })
    # aiosmtpd is required by nothing else in the file: still reported; what it pulls in is not
    assert _unused(tmp_path) == [("requirements.txt", 1, "aiosmtpd")]


def test_a_hand_written_pin_of_a_transitive_package_of_a_used_one_is_not_unused(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "requirements.txt": "flask>=3\nblinker>=1.7\ncelery>=5\nclick-repl>=0.3\nhttpx>=0.27\nh11>=0.14\n",
        "app/__init__.py": "from flask import Flask\n",
    })
    # blinker comes with the imported Flask; celery and httpx are unused, and so are their
    # requirements declared next to them (nothing used installs them)
    assert _unused(tmp_path) == [("requirements.txt", 3, "celery"), ("requirements.txt", 4, "click-repl"),
                                 ("requirements.txt", 5, "httpx"), ("requirements.txt", 6, "h11")]


def test_a_dependency_enabling_a_feature_extra_of_a_used_package_is_not_unused(tmp_path: Path) -> None:
    """python3-saml declared beside django-allauth enables allauth's SAML provider, as the
    django-allauth[saml] extra would; drf-spectacular installs uritemplate anyway."""
    write_tree(tmp_path, {
        "requirements.txt": "django-allauth==65.0\npython3-saml==1.16\ndrf-spectacular==0.29\nuritemplate==4.1\n"
                            "python-dateutil==2.9\n",
        "site/__init__.py": "",
        "site/settings.py": "INSTALLED_APPS = ['allauth', 'drf_spectacular']\n",
    })
    assert _unused(tmp_path) == [("requirements.txt", 5, "python-dateutil")]


def test_import_names_that_differ_from_the_distribution_and_modules_run_with_python_m(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "pyproject.toml": '[project]\nname = "site"\ndependencies = [\n  "sorl-thumbnail==12",\n'
                          '  "django-registration-redux==2.13",\n  "libsass==0.23",\n  "docutils==0.21",\n]\n',
        "Makefile": "css:\n\tpython -m pysassc $(SCSS)/output.scss static/output.css\n",
        "site/__init__.py": "",
        "site/admin.py": "from sorl.thumbnail import get_thumbnail\n",
        "site/settings.py": "INSTALLED_APPS = ['registration']\n",
    })
    assert _unused(tmp_path) == [("pyproject.toml", 7, "docutils")]


def test_drivers_named_by_orm_driver_tables_and_tortoise_urls_are_used(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "pyproject.toml": ('[project]\nname = "svc"\ndependencies = ["sqlalchemy>=2", "aiomysql>=0.2", '
                           '"aiosqlite>=0.20", "psycopg2>=2.9", "asyncmy>=0.2"]\n'),
        "svc/__init__.py": "",
        "svc/db.py": ("import sqlalchemy\n\nDRIVERS: dict[str, str] = {\n    'mysql': 'mysql+aiomysql',\n"
                      "    'sqlite': 'sqlite+aiosqlite',\n}\nSYNC: dict[str, str] = {'pg': 'postgresql'}\n"),
    })
    assert _unused(tmp_path) == [("pyproject.toml", 3, "asyncmy")]


def test_tortoise_loads_asyncpg_and_aerich_is_named_deep_in_its_config(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "requirements.txt": "tortoise-orm==0.20\naerich==0.7\nasyncpg==0.29\nstripe==8.0\n",
        "docker-compose.yml": "services:\n  web:\n    environment:\n      - DATABASE_URL=postgres://u:p@db:5432/x\n",
        "app/__init__.py": "",
        "app/db.py": ("from tortoise import Tortoise\n\nTORTOISE_ORM = {'apps': {'models': {'models': "
                      "['app.models', 'aerich.models'], 'default_connection': 'default'}}}\n"),
    })
    assert _unused(tmp_path) == [("requirements.txt", 4, "stripe")]


def test_plugins_of_the_project_loaded_by_entry_point_are_used(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": ('[project]\nname = "forum"\ndependencies = ["pluggy>=1", "forum-plugin-portal>=2", '
                           '"other-lib>=1"]\n'),
        "forum/__init__.py": "import pluggy\n",
        "forum/app.py": "def load(pm):\n    pm.load_setuptools_entrypoints('forum_plugins')\n",
    }
    write_tree(tmp_path, files)
    assert _unused(tmp_path) == [("pyproject.toml", 3, "other-lib")]
    (tmp_path / "forum/app.py").write_text("def load(pm):\n    return pm\n", encoding="utf-8")
    assert [n for _p, _l, n in _unused(tmp_path)] == ["forum-plugin-portal", "other-lib"]


def test_companions_and_extras_count_as_declared(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "requirements.txt": ("wagtail==6.0\ndjangorestframework-simplejwt[crypto]==5.3\ndrf-jwt==1.19\n"
                             "django-oauth-toolkit==2.0\n"),
        "site/__init__.py": "",
        "site/models.py": ("import wagtail\nfrom modelcluster.fields import ParentalKey\n"
                           "from taggit.models import TaggedItemBase\nfrom cryptography.fernet import Fernet\n"
                           "import jwt\nfrom rest_framework_jwt.settings import api_settings\n"
                           "from oauth2_provider.models import AccessToken\nimport rest_framework_simplejwt\n"
                           "import isodate\n"),
    })
    assert _undeclared(tmp_path) == [("site/models.py", 9)]


def test_setup_py_install_requires_through_a_variable_declares(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "requirements.txt": "flask==3.0\n",
        "app/__init__.py": "import flask\n",
        "plugins/statsd/setup.py": ("from setuptools import setup\n\ninstall_requires = ['datadog']\n\n"
                                    "setup(name='statsd', install_requires=install_requires)\n"),
        "plugins/statsd/statsd_plugin/__init__.py": "from datadog import statsd\nimport yaml\n",
    })
    assert _undeclared(tmp_path) == [("plugins/statsd/statsd_plugin/__init__.py", 2)]


def test_an_import_marked_import_error_is_optional(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "requirements.txt": "flask==3.0\n",
        "app/__init__.py": ("import flask\n\n\ndef register():\n"
                            "    from kombu.serialization import register  # pylint: disable=import-error\n"
                            "    from billiard import Pool\n"),
    })
    assert _undeclared(tmp_path) == [("app/__init__.py", 6)]


def test_a_pinned_manifest_with_a_few_upper_bounded_ranges_is_not_unpinned(tmp_path: Path) -> None:
    pins = [f"pkg{i}==1.{i}" for i in range(12)]
    write_tree(tmp_path, {"requirements.txt": "\n".join(["fastapi==0.110", *pins, "phonenumbers>=8.12,<8.14"]) + "\n",
                          "app/__init__.py": "import fastapi\n"})
    findings, _ = run_rules(repo_of(tmp_path), [unpinned_without_lock.RULE])
    assert findings == []
    (tmp_path / "requirements.txt").write_text("fastapi>=0.110\nphonenumbers>=8.12,<8.14\n", encoding="utf-8")
    findings, _ = run_rules(repo_of(tmp_path), [unpinned_without_lock.RULE])
    assert [(e.path, e.line) for f in findings for e in f.evidence[:1]] == [("requirements.txt", 1)]


def _ts(root: Path, rule_module: object) -> list[tuple[str, int]]:
    findings, failures = run_rules(repo_of(root), [rule_module.RULE])  # type: ignore[attr-defined]
    assert failures == []
    return sorted((e.path, e.line) for f in findings for e in f.evidence[:1])


def test_ts_unused_dependency_sees_peers_paths_styles_sfc_strings_and_commands(tmp_path: Path) -> None:
    from archaudit.rules.reproducibility.typescript import unused_dependency as ts005

    deps = ["@chakra-ui/react", "@emotion/react", "bootstrap", "@popperjs/core", "jquery",
            "@fortawesome/fontawesome-free", "lodash", "pug", "sequelize-cli", "left-pad"]
    manifest = '{\n  "name": "web",\n  "scripts": {"migrate": "sequelize db:migrate"},\n  "dependencies": {\n' + \
        ",\n".join(f'    "{d}": "^1.0.0"' for d in deps) + "\n  }\n}\n"
    write_tree(tmp_path, {
        "package.json": manifest,
        "src/main.ts": "import { ChakraProvider } from '@chakra-ui/react'\nimport 'bootstrap'\n"
                       "const app = express()\napp.set('view engine', 'pug')\n",
        "src/App.vue": "<script setup lang=\"ts\">\nimport debounce from 'lodash/debounce'\n</script>\n",
        "src/styles.scss": "@import '@fortawesome/fontawesome-free/scss/fontawesome';\n",
        "app/assets.py": "JS = ['node_modules/jquery/dist/jquery.js']\n",
    })
    # everything is used by something but left-pad (package.json line 14)
    assert _ts(tmp_path, ts005) == [("package.json", 14)]


def test_ts_undeclared_dependency_ignores_imports_used_only_as_types(tmp_path: Path) -> None:
    from archaudit.rules.reproducibility.typescript import undeclared_dependency as ts004

    write_tree(tmp_path, {
        "package.json": '{"name": "api", "dependencies": {"@nestjs/common": "^10"}}\n',
        "src/auth.middleware.ts": ("import { NextFunction, Request } from 'express';\n"
                                   "export class A {\n  use(req: Request, next: NextFunction) {}\n}\n"),
        "src/ctx.ts": ("import { Context } from 'apollo-server-core';\n"
                       "export interface Gql extends Partial<Context> {}\n"),
        "src/date.ts": "import moment from 'moment';\nexport const now = (): string => moment().format();\n",
        "src/card.tsx": ("import { CSS } from '@dnd-kit/utilities';\n"
                         "export const style = { transform: CSS.Transform.toString(t) };\n"),
        "src/plugin.ts": ("import { Plugin } from 'apollo-server-plugin-base';\n"
                          "export class P extends Plugin {}\n"),
    })
    assert _ts(tmp_path, ts004) == [("src/card.tsx", 1), ("src/date.ts", 1), ("src/plugin.ts", 1)]


_POETRY = "[tool.poetry]\nname = 'svc'\n\n[tool.poetry.dependencies]\npython = '^3.11'\nfastapi = '{spec}'\n"


def test_a_missing_poetry_lock_is_one_finding_not_two(tmp_path: Path) -> None:
    """DEP005 (unpinned, no lockfile) and DEP006 (poetry used, no poetry.lock) state one fact; the
    manifest line is the precise statement, the README command a restatement."""
    rules = [unpinned_without_lock.RULE, manager_without_lock.RULE]
    write_tree(tmp_path / "loose", {"pyproject.toml": _POETRY.format(spec="^0.110"),
                                    "README.md": "# svc\n\n    poetry install\n"})
    findings, _ = run_rules(repo_of(tmp_path / "loose"), rules)
    assert [(f.rule, f.evidence[0].ref) for f in findings] == [("DEP005", "pyproject.toml:6")]
    # exact pins: nothing for DEP005 to say, so DEP006 still reports the lockfile poetry expects
    write_tree(tmp_path / "pinned", {"pyproject.toml": _POETRY.format(spec="0.110.0"),
                                     "README.md": "# svc\n\n    poetry install\n"})
    findings, _ = run_rules(repo_of(tmp_path / "pinned"), rules)
    assert [(f.rule, f.evidence[0].ref) for f in findings] == [("DEP006", "README.md:3")]


def test_an_import_pinned_only_transitively_by_a_lock_is_reported_as_such(tmp_path: Path) -> None:
    """taiga-back imports `six`, which only its pip-compile output pins (via bleach): the package is
    installed today, the claim says exactly that, and where the pin is."""
    write_tree(tmp_path, {
        "requirements.in": "django\nbleach\n",
        "requirements.txt": "#\n# This file is autogenerated by pip-compile with Python 3.11\n#\n"
                            "bleach==6.0.0\n    # via -r requirements.in\ndjango==5.0\n    # via -r requirements.in\n"
                            "six==1.17.0\n    # via bleach\n",
        "app/__init__.py": "", "app/fields.py": "import six\nimport isodate\n",
    })
    findings, _ = run_rules(repo_of(tmp_path), [undeclared_import.RULE])
    by_key = {f.message.split("`")[1]: f.message for f in findings}
    assert sorted(by_key) == ["isodate", "six"]
    assert "only the lockfile requirements.txt:8 pins it (six)" in by_key["six"]
    assert "lockfile" not in by_key["isodate"]
