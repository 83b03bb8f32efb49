"""CFG002 severity follows the exposure of the value: a hard-coded default that only one-shot scripts use
is rated one step lower; one the serving code uses, or that the framework reads itself, stays high."""

from __future__ import annotations

from pathlib import Path

from archaudit.findings import Severity
from tests.conftest import report_of, write_tree

SETTINGS = 'import os\n\nSECRET_KEY = os.environ.get("SECRET_KEY", "dev-signing-key-0001")\n' \
           'ADMIN_PASSWORD = os.environ.get("ADMIN_PASSWORD", "changeme-admin-0002")\n'
COMMAND = ("from django.conf import settings\nfrom django.core.management.base import BaseCommand\n\n\n"
           "class Command(BaseCommand):\n    def handle(self, *args, **options):\n"
           "        print(settings.ADMIN_PASSWORD, settings.SECRET_KEY)\n")
VIEW = "from django.conf import settings\n\n\ndef login(request):\n    return settings.ADMIN_PASSWORD\n"


def _cfg002(tmp_path: Path, files: dict[str, str]) -> dict[str, Severity]:
    root = write_tree(tmp_path, {"requirements.txt": "django==5.0\n", "shop/__init__.py": "",
                                 "shop/settings.py": SETTINGS, "shop/management/commands/reset_admin.py": COMMAND,
                                 **files})
    return {f.message.split(" ", 1)[0]: f.severity for f in report_of(root).findings if f.rule == "CFG002"}


def test_a_default_only_a_script_uses_is_one_step_lower(tmp_path: Path) -> None:
    found = _cfg002(tmp_path, {})
    assert found["ADMIN_PASSWORD"] is Severity.MEDIUM
    assert found["SECRET_KEY"] is Severity.HIGH  # Django signs sessions with it whoever else reads it


def test_a_default_the_serving_code_uses_stays_high(tmp_path: Path) -> None:
    found = _cfg002(tmp_path, {"shop/views.py": VIEW})
    assert found["ADMIN_PASSWORD"] is Severity.HIGH
