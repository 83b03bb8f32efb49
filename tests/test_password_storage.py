"""SEC001 plain storage: a model whose own create/update method hashes the password is hashed one call away."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import report_of, write_tree

MODELS = '''\
import bcrypt
from app.db import db


class User(db.Model):
    password = db.Column(db.String(64))

    def get_hashed_password(self, plain):
        return bcrypt.hashpw(plain.encode(), bcrypt.gensalt())

    def create_local_user(self):
        self.password = self.get_hashed_password(self.plain_text_password)
        db.session.add(self)
        db.session.commit()


class Account(db.Model):
    password = db.Column(db.String(64))
'''

VIEWS = '''\
from app.db import db
from app.models import Account, User


def create_user(username, password):
    user = User(username=username, password=password, plain_text_password=password)
    db.session.commit()
    return user.create_local_user()


def create_account(name, password):
    account = Account(name=name, password=password)
    db.session.add(account)
    db.session.commit()
'''


def test_plain_storage_needs_a_model_that_never_hashes(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/__init__.py": "", "app/db.py": "db = None\n", "app/models.py": MODELS,
                          "app/views.py": VIEWS})
    found = {(f.evidence[0].path, f.evidence[0].line) for f in report_of(tmp_path).findings if f.rule == "SEC001"}
    assert found == {("app/views.py", 12)}  # Account(password=password) saved as given
