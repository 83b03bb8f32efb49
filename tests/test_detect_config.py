"""Configuration inventory: settings from pydantic classes, settings modules, Flask config and env
reads, with redacted defaults, env files, .gitignore status and unused flags."""

from __future__ import annotations

from pathlib import Path

from archaudit.detect.config import section as config
from archaudit.detect.config.settings import find_settings, read_elsewhere, startup_guard, unused_flags
from archaudit.findings import Evidence
from tests.conftest import FIXTURES, repo_of, write_tree

FASTAPI = FIXTURES / "repos" / "cfg_fastapi"


def test_pydantic_settings_fields_and_env_reads() -> None:
    repo = repo_of(FASTAPI)
    got = [(s.name, s.kind, s.source, s.file, s.line, s.value, s.has_default) for s in find_settings(repo)]
    assert got == [
        ("APP_NAME", "pydantic", "Settings", "app/core/settings.py", 10, "inventory", True),
        ("DEBUG", "pydantic", "Settings", "app/core/settings.py", 11, True, True),
        ("DATABASE_URL", "pydantic", "Settings", "app/core/settings.py", 12, "sqlite+aiosqlite:///./dev.db", True),
        ("JWT_SECRET_KEY", "pydantic", "Settings", "app/core/settings.py", 13, "CHANGE_ME", True),
        ("ACCESS_TOKEN_EXPIRE_MINUTES", "pydantic", "Settings", "app/core/settings.py", 14, 30, True),
        ("CORS_ORIGINS", "pydantic", "Settings", "app/core/settings.py", 15, ["*"], True),
        ("ENABLE_TRACING", "pydantic", "Settings", "app/core/settings.py", 16, False, True),
        ("REDIS_URL", "pydantic", "Settings", "app/core/settings.py", 17, "redis://localhost:6379/0", True),
        ("SENTRY_DSN", "pydantic", "Settings", "app/core/settings.py", 18, None, True),
        ("LOG_LEVEL", "env", "app.main", "app/main.py", 16, "INFO", True),
    ]
    secret = {s.name for s in find_settings(repo) if s.is_secret_name}
    assert secret == {"ACCESS_TOKEN_EXPIRE_MINUTES", "DATABASE_URL", "JWT_SECRET_KEY", "REDIS_URL", "SENTRY_DSN"}


def test_section_redacts_secret_defaults_and_reports_env_files() -> None:
    section = config.section(repo_of(FASTAPI))
    rows = {r["setting"]: r for r in section.tables[0].rows}
    assert rows["JWT_SECRET_KEY"]["default"] == "<redacted>"
    assert rows["DATABASE_URL"]["default"] == "<redacted>"
    assert rows["DEBUG"]["default"] == "True"
    assert rows["CORS_ORIGINS"]["default"] == "['*']"
    assert rows["ENABLE_TRACING"]["read elsewhere?"] == "no"
    assert rows["JWT_SECRET_KEY"]["read elsewhere?"] == "yes"
    assert (rows["DEBUG"]["file"], rows["DEBUG"]["line"]) == ("app/core/settings.py", 11)
    assert "CHANGE_ME" not in repr(section)
    texts = [f.text for f in section.facts]
    assert ".env is not ignored by any .gitignore" in texts
    assert "flag ENABLE_TRACING (Settings) is declared but no code reads it" in texts
    assert "settings read the env file(s) ['.env', '.env.local']" in texts
    env_rows = [(r["file"], r["kind"], r["variables"]) for r in section.tables[1].rows]
    assert env_rows == [(".env", "environment values", 2), (".env.example", "example/template", 2)]
    assert section.headline == "10 settings (settings classes: Settings)"


def test_django_flask_and_field_defaults(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {
        "mysite/settings.py": 'import os\nfrom django.conf import global_settings\n'
                              'DEBUG = os.getenv("DJANGO_DEBUG", "True") == "True"\nSECRET_KEY = os.environ["SK"]\n'
                              'lower = 1\n',
        "web/app.py": 'from flask import Flask\napp = Flask(__name__)\napp.config["SECRET_KEY"] = "dev"\n'
                      'app.config.update(TESTING=False)\napp.config.from_object("web.config.ProductionConfig")\n',
        "web/config.py": "class Config:\n    SQLALCHEMY_ECHO = False\n\n\nclass ProductionConfig(Config):\n"
                         "    PREFERRED_URL_SCHEME = 'https'\n",
        "api/settings.py": "from pydantic import Field\nfrom pydantic_settings import BaseSettings\n\n\n"
                           "class Base(BaseSettings):\n    timeout: int = Field(10, ge=1)\n\n\n"
                           "class Settings(Base):\n    token: str = Field(...)\n",
        "tests/test_x.py": 'import os\nKEY = os.getenv("TEST_ONLY", "x")\n',
    }))
    got = {(s.name, s.kind, s.source, s.line): (s.value, s.has_default, s.env) for s in find_settings(repo)}
    assert got == {
        ("DEBUG", "django", "mysite.settings", 3): ("True", True, "DJANGO_DEBUG"),
        ("SECRET_KEY", "django", "mysite.settings", 4): (None, False, "SK"),
        ("SECRET_KEY", "flask", "app.config", 3): ("dev", True, ""),
        ("TESTING", "flask", "app.config", 4): (False, True, ""),
        ("SQLALCHEMY_ECHO", "config-class", "Config", 2): (False, True, ""),
        ("PREFERRED_URL_SCHEME", "config-class", "ProductionConfig", 6): ("https", True, ""),
        ("timeout", "pydantic", "Base", 6): (10, True, ""),
        ("token", "pydantic", "Settings", 10): (None, False, ""),
    }
    section = config.section(repo)
    assert any(f.text == "configuration loaded with app.config.from_object('web.config.ProductionConfig')"
               and f.evidence == (Evidence("web/app.py", 5),) for f in section.facts)
    assert "there is no .gitignore, so a local .env would be committed" in [f.text for f in section.facts]


def test_env_ignored_by_gitignore_and_guard(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {
        ".gitignore": "# local\n*.pyc\n.env\n",
        "app/settings.py": "from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n"
                           "    SECRET_KEY: str = 'dev'\n    USE_CACHE: bool = True\n\n"
                           "    def check(self):\n        if self.SECRET_KEY == 'dev':\n"
                           "            raise RuntimeError('set SECRET_KEY')\n",
    }))
    assert config.env_ignore_rule(repo) == Evidence(".gitignore", 3)
    secret = next(s for s in find_settings(repo) if s.name == "SECRET_KEY")
    assert startup_guard(repo, secret) == Evidence("app/settings.py", 10)
    flag = next(s for s in find_settings(repo) if s.name == "USE_CACHE")
    assert read_elsewhere(repo, flag) == "no"
    assert [s.name for s in unused_flags(repo)] == ["USE_CACHE"]
    assert ".env is ignored by .gitignore" in [f.text for f in config.section(repo).facts]


def test_no_settings_is_not_determined(tmp_path: Path) -> None:
    section = config.section(repo_of(write_tree(tmp_path, {"main.py": "print('hi')\n"})))
    assert section.tables[0].rows == ()
    assert section.undetermined == ("no settings class, settings module or environment read was found",)


def test_or_fallback_is_the_effective_default(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {
        "config.py": "import os\n\n\nclass Config:\n"
                     "    SECRET_KEY = os.environ.get('SECRET_KEY') or 'hard to guess string'\n"
                     "    MAIL_SERVER = os.environ.get('MAIL_SERVER')\n",
    }))
    got = {s.name: (s.value, s.has_default, s.env) for s in find_settings(repo)}
    assert got == {"SECRET_KEY": ("hard to guess string", True, "SECRET_KEY"),
                   "MAIL_SERVER": (None, True, "MAIL_SERVER")}
