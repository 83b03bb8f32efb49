"""MIG001 (empty downgrade) and MIG006 (create_all beside Alembic): the healthy look-alikes seen on
real projects stay silent, the true problem is still reported at the right line."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import report_of, write_tree

_HEAD = 'from alembic import op\nimport sqlalchemy as sa\n\nrevision = "{rev}"\ndown_revision = "{down}"\n\n'


def _revision(rev: str, down: str, body: str) -> str:
    return _HEAD.format(rev=rev, down=down) + body


def _hits(path: Path, rule: str) -> list[tuple[str, int]]:
    return [(f.evidence[0].path, f.evidence[0].line) for f in report_of(path).findings if f.rule == rule]


def test_mig001_data_migrations_through_a_helper_a_session_or_a_core_statement_are_not_flagged(tmp_path: Path) -> None:
    versions = "migrations/versions/"
    write_tree(tmp_path, {
        "requirements.txt": "alembic==1.13.0\nsqlalchemy==2.0.0\n",
        # op.get_bind() inside a helper that upgrade() calls (CTFd's default e-mail templates)
        versions + "a1_helper.py": _revision("a1", "", (
            'config = sa.table("config", sa.column("key"))\n\n\ndef set_config(key):\n'
            '    op.get_bind().execute(config.insert().values(key=key))\n\n\n'
            'def upgrade():\n    set_config("x")\n\n\ndef downgrade():\n    pass\n')),
        # rows deleted through a SQLAlchemy session (lemur's de-duplication)
        versions + "a2_session.py": _revision("a2", "a1", (
            "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\nsession = db.session()\n\n\n"
            "def upgrade():\n    session.query(Thing).filter(Thing.id == 1).delete()\n    db.session.commit()\n\n\n"
            "def downgrade():\n    pass\n")),
        # op.execute of a Core UPDATE statement (PowerDNS-Admin's quote fix)
        versions + "a3_core.py": _revision("a3", "a2", (
            'def upgrade():\n    t = sa.sql.table("history", sa.Column("detail", sa.Text))\n'
            '    op.execute(t.update().where(t.c.detail.like("%x%")).values({"detail": "y"}))\n\n\n'
            "def downgrade():\n    pass\n")),
        # the true problem: a schema change whose downgrade does nothing
        versions + "a4_schema.py": _revision("a4", "a3", (
            'def set_config(key):\n    op.get_bind()\n\n\n'
            'def upgrade():\n    op.add_column("users", sa.Column("level", sa.Integer))\n    set_config("x")\n\n\n'
            "def downgrade():\n    pass\n")),
    })
    assert _hits(tmp_path, "MIG001") == [(versions + "a4_schema.py", 16)]


_APP = ("from flask import Flask\nfrom flask_sqlalchemy import SQLAlchemy\nfrom flask_migrate import stamp, upgrade\n"
        "db = SQLAlchemy()\n\n\n")


def test_mig006_create_all_then_stamp_and_create_all_reached_only_from_a_script_are_not_flagged(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "requirements.txt": "flask==3.0.0\nflask-sqlalchemy==3.1.0\nflask-migrate==4.0.0\n",
        "migrations/versions/a1_init.py": _revision("a1", "", "def upgrade():\n    pass\n\n\ndef downgrade():\n"
                                                              "    pass\n"),
        # create_all then stamp: Alembic's documented fresh-database set-up (CTFd's sqlite branch)
        "app/__init__.py": _APP + ("def create_app():\n    app = Flask(__name__)\n    if sqlite:\n"
                                   "        db.create_all()\n        stamp()\n    else:\n        upgrade()\n"
                                   "    return app\n"),
        # a backup import only a command-line script calls (CTFd's import.py -> import_ctf)
        "app/exports.py": "from app import db\n\n\ndef import_backup(path):\n    db.create_all()\n",
        "import.py": "import sys\nfrom app import create_app\nfrom app.exports import import_backup\n\n"
                     "app = create_app()\nimport_backup(sys.argv[1])\n",
    })
    assert _hits(tmp_path, "MIG006") == []


def test_mig006_create_all_at_start_up_is_still_reported(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "requirements.txt": "flask==3.0.0\nflask-sqlalchemy==3.1.0\n",
        "migrations/versions/a1_init.py": _revision("a1", "", "def upgrade():\n    pass\n\n\ndef downgrade():\n"
                                                              "    pass\n"),
        "app/__init__.py": _APP + ("def create_app():\n    app = Flask(__name__)\n    db.create_all()\n"
                                   "    return app\n"),
        "app/exports.py": "from app import db\n\n\ndef build_tables():\n    db.create_all()\n",
        "app/wsgi.py": "from app.exports import build_tables\n\nbuild_tables()\n",
    })
    assert _hits(tmp_path, "MIG006") == [("app/__init__.py", 9), ("app/exports.py", 5)]
