"""A folder without `__init__.py` above a package (an implicit namespace package, PEP 420) still
lets `from app.core.security import X` resolve to `app/core/security.py`."""

from __future__ import annotations

from pathlib import Path

from archaudit.detect.api.routers import resolve_symbol
from tests.conftest import repo_of, write_tree


def test_imports_through_a_namespace_folder_resolve(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {
        "app/core/__init__.py": "",
        "app/core/security.py": "TOKEN = 1\n",
        "app/api/users.py": "from app.core.security import TOKEN\n",
    }))
    assert repo.internal_path("app.core.security") == "app/core/security.py"
    assert resolve_symbol(repo, "app/api/users.py", "TOKEN") == ("app/core/security.py", "TOKEN")


def test_a_src_layout_root_is_not_part_of_any_name(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {"src/shop/__init__.py": "", "src/shop/models.py": "X = 1\n"}))
    assert repo.internal_path("shop.models") == "src/shop/models.py"
    assert repo.internal_path("src.shop.models") is None
