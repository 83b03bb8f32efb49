"""CFG002 premises: a placeholder standing for another service's credential, a settings class nothing
uses, a value SEC008 already reports and a block only an opt-in switch runs are not hard-coded
secret defaults; the application's own signing secret or admin password with a literal default is."""

from __future__ import annotations

from pathlib import Path

from archaudit.rules.config_security import secret_default
from archaudit.rules.config_security._helpers import is_outbound_credential, is_placeholder
from tests.conftest import repo_of, write_tree


def _hits(root: Path, files: dict[str, str]) -> list[tuple[str, int]]:
    return [(h.path, h.line) for h in secret_default.check(repo_of(write_tree(root, files)))]


def test_outbound_placeholder_is_not_a_secret_but_own_secret_is(tmp_path: Path) -> None:
    """A real-looking outbound key is still reported (line 5); a token-shaped one is SEC008's (line 6)."""
    settings = ("import os\n"
                "EMAIL_HOST_PASSWORD = os.getenv('EMAIL_HOST_PASSWORD', 'password')\n"
                "FDC_API_KEY = os.getenv('FDC_API_KEY', 'DEMO_KEY')\n"
                "SECRET_KEY = os.getenv('SECRET_KEY', 'changeme')\n"
                "AKISMET_API_KEY = 'c892e4962244'\n"
                "STRIPE_API_KEY = os.getenv('STRIPE_API_KEY', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc')\n")
    assert _hits(tmp_path, {"app/__init__.py": "", "app/settings.py": settings}) == [
        ("app/settings.py", 4), ("app/settings.py", 5)]


def test_name_and_value_helpers() -> None:
    assert is_outbound_credential("POSTGRES_PASSWORD") and is_outbound_credential("FDC_API_KEY")
    assert not is_outbound_credential("SECRET_KEY") and not is_outbound_credential("ADMIN_PASSWORD")
    assert not is_outbound_credential("API_KEY") and not is_outbound_credential("JWT_SECRET_KEY")
    assert is_placeholder("DEMO_KEY") and is_placeholder("<your-api-key>") and is_placeholder("postgres")
    assert not is_placeholder("!Ch4ng3Th1sP4ssW0rd!") and not is_placeholder("c892e4962244")


def test_fields_of_a_settings_class_nothing_uses(tmp_path: Path) -> None:
    config = ("from pydantic_settings import BaseSettings\n\n"
              "class MySQLSettings(BaseSettings):\n    MYSQL_ROOT_SECRET: str = 'hunter2-mysql'\n\n"
              "class FirstUser(BaseSettings):\n    ADMIN_PASSWORD: str = '!Ch4ng3Th1sP4ssW0rd!'\n\n"
              "class Settings(FirstUser):\n    pass\n\nsettings = Settings()\n")
    assert _hits(tmp_path, {"app/__init__.py": "", "app/config.py": config}) == [("app/config.py", 7)]


def test_opt_in_block_is_not_a_default_deployment(tmp_path: Path) -> None:
    settings = ("import os\n"
                "if os.environ.get('BASIC_AUTH_ENABLED', 'false').lower() == 'true':\n"
                "    BASIC_AUTH_PASSWORD = os.environ.get('BASIC_AUTH_PASSWORD', 'wagtail')\n"
                "if not os.environ.get('SECRET_KEY'):\n"
                "    SECRET_KEY = 'insecure-fallback'\n")
    assert _hits(tmp_path, {"app/__init__.py": "", "app/settings.py": settings}) == [("app/settings.py", 5)]
