"""Handler rules need a real service layer to compare against: migrations never count as one."""

from __future__ import annotations

from pathlib import Path

from archaudit.rules.engine import run_rules
from archaudit.rules.modularity import handler_transaction
from tests.conftest import repo_of, write_tree


def test_a_migration_named_like_a_crud_module_is_not_a_service_layer(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {
        "app/__init__.py": "",
        "app/views.py": (
            "from flask import Flask\n\napp = Flask(__name__)\n\n\n"
            "@app.post('/tabs')\ndef create_tab():\n    db.session.add(Tab())\n    db.session.commit()\n"
            "    return {}\n"),
        "migrations/versions/2025_07_15_theme_crud.py": "revision = 'a'\ndown_revision = None\n",
    }))
    findings, failures = run_rules(repo, [handler_transaction.RULE])
    assert (findings, failures) == ([], [])
