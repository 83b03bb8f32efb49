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


def test_utility_modules_inside_the_domain_may_raise_value_error(tmp_path: Path) -> None:
    from archaudit.rules.modularity import domain_raises_builtin_errors as rule

    repo = repo_of(write_tree(tmp_path, {
        "app/__init__.py": "", "app/domain/__init__.py": "", "app/domain/utils/__init__.py": "",
        "app/domain/errors.py": ("class DomainError(Exception):\n    pass\n\n\n"
                                 "class OutOfStock(DomainError):\n    pass\n"),
        "app/domain/stock.py": "def reserve(qty: int) -> None:\n    if qty <= 0:\n        raise ValueError('qty')\n",
        "app/domain/utils/iterators.py": ("def chunks(size: int) -> None:\n    if size <= 0:\n"
                                          "        raise ValueError('size')\n"),
    }))
    findings, _ = run_rules(repo, [rule.RULE])
    assert [(f.evidence[0].path, f.evidence[0].line) for f in findings] == [("app/domain/stock.py", 3)]


def test_the_service_layer_is_a_layer_folder_not_a_package_named_like_one(tmp_path: Path) -> None:
    from archaudit.rules.modularity._handlers import layer_modules

    files = {"app/__init__.py": "", "app/mcp_service/__init__.py": "", "app/mcp_service/server.py": "x = 1\n"}
    assert layer_modules(repo_of(write_tree(tmp_path / "a", files))) == []
    files["app/daos/__init__.py"] = ""
    files["app/daos/dashboard.py"] = "class DashboardDAO:\n    pass\n"
    assert layer_modules(repo_of(write_tree(tmp_path / "b", files))) == ["app/daos/dashboard.py",
                                                                          "app/daos/__init__.py"]
