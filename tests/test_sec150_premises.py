"""SEC150: a project function the handler passes the id to but the audit cannot read is "not determined"."""

from __future__ import annotations

from pathlib import Path

from archaudit.rules.engine import run_rules
from archaudit.rules.security.mutation_without_ownership import RULE
from tests.conftest import repo_of

_FILES = {
    "app/deps.py": "from fastapi import Depends\nfrom fastapi.security import OAuth2PasswordBearer\n"
                   "oauth2 = OAuth2PasswordBearer(tokenUrl='/t')\n"
                   "def get_db():\n    yield None\n"
                   "def get_current_user(token: str = Depends(oauth2)):\n    return token\n",
    "app/services/__init__.py": "from app.services.archiver import Archiver\narchive = Archiver()\n",
    "app/services/archiver.py": "class Archiver:\n    def run(self, db, item_id):\n        db.get(object, item_id)\n",
    "app/main.py": "from fastapi import FastAPI, APIRouter, Depends\n"
                   "from app.deps import get_current_user, get_db\nfrom app.services import archive\n"
                   "app = FastAPI()\n"
                   "@app.post('/items/{item_id}/archive')\n"
                   "def archive_item(item_id: int, user=Depends(get_current_user), db=Depends(get_db)):\n"
                   "    archive.run(db, item_id)\n",
}


def test_unreadable_callee_is_not_determined(tmp_path: Path) -> None:
    for rel, text in _FILES.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    findings, failures = run_rules(repo_of(tmp_path), [RULE])
    assert findings == []
    assert [(u.rule, u.evidence[0].path, u.evidence[0].line) for u in failures] == [("SEC150", "app/main.py", 5)]
