"""MOD101: a project that loads modules by name may register the router there: not determined."""

from __future__ import annotations

from pathlib import Path

from archaudit.rules.engine import run_rules
from archaudit.rules.modularity.unregistered_router import RULE
from tests.conftest import repo_of


def test_dynamic_registration_is_not_determined(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/main.py": "import importlib\nfrom fastapi import FastAPI\napp = FastAPI()\n"
                       "for name in ['plugins.extra']:\n"
                       "    app.include_router(importlib.import_module(name).router)\n",
        "app/plugins/__init__.py": "",
        "app/plugins/extra.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    findings, failures = run_rules(repo_of(tmp_path), [RULE])
    assert findings == []
    places = [(u.rule, u.evidence[0].path, u.evidence[0].line) for u in failures]
    assert places == [("MOD101", "app/plugins/extra.py", 2)]
