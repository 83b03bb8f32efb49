"""The data section: ORM models, Alembic revisions, engines, on fixture repositories."""

from __future__ import annotations

from pathlib import Path

from archaudit.detect.data.migrations import branch_points, file_name_date, heads, migration_chains
from archaudit.detect.data.section import find_engines, find_migrations, find_models, section
from tests.conftest import FIXTURES, repo_of, write_tree

REPOS = FIXTURES / "repos"


def _models(path: Path) -> list[tuple[str, str, str, tuple[str, ...], int | None, str, int]]:
    return [(m.name, m.kind, m.table, m.mixins, m.columns, m.path, m.line)
            for m in find_models(repo_of(path))]


def test_sqlalchemy_models_resolve_bases_across_files() -> None:
    assert _models(REPOS / "data_fastapi") == [
        ("Order", "sqlalchemy", "orders", (), 3, "app/models/order.py", 12),
        ("User", "sqlalchemy", "users", ("TimestampMixin",), 3, "app/models/user.py", 8),
        ("Admin", "sqlalchemy", "(table of User)", (), 1, "app/models/user.py", 16),
    ]


def test_django_models_tables_from_meta_or_app_label() -> None:
    assert _models(REPOS / "data_django") == [
        ("Post", "django", "blog_post", (), 2, "blog/models/post.py", 4),
        ("Product", "django", "catalog_product", (), 2, "shop/models.py", 11),
        ("Order", "django", "shop_order", (), 2, "shop/models.py", 19),
    ]


def test_sqlmodel_tables_and_flask_db_model(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/__init__.py": "",
        "app/extensions.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
        "app/models.py": (
            "from sqlmodel import Field, SQLModel\nfrom app.extensions import db\n\n"
            "class HeroBase(SQLModel):\n    name: str\n\n"
            "class Hero(HeroBase, table=True):\n    id: int | None = Field(default=None, primary_key=True)\n\n"
            "class Team(SQLModel, table=True):\n    __tablename__ = 'teams'\n    name: str\n\n"
            "class Account(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
        ),
        "tests/test_models.py": "from app.extensions import db\nclass Fake(db.Model):\n    __tablename__ = 'x'\n",
    })
    assert _models(tmp_path) == [
        ("Hero", "sqlmodel", "hero", (), 1, "app/models.py", 7),
        ("Team", "sqlmodel", "teams", (), 1, "app/models.py", 10),
        ("Account", "sqlalchemy", "", (), 1, "app/models.py", 14),
    ]


def test_alembic_revisions_dates_and_downgrades() -> None:
    rows = [(m.revision, m.down_revisions, m.date, m.date_source, m.downgrade, m.path, m.line)
            for m in find_migrations(repo_of(REPOS / "data_fastapi"))]
    assert rows == [
        ("0001", (), "2024-01-05", "filename", "code", "alembic/versions/20240105_initial.py", 10),
        ("0002", ("0001",), "2024-02-10", "filename", "pass", "alembic/versions/20240210_add_orders.py", 10),
        ("0003b", ("0002",), "2024-03-02", "filename", "code", "alembic/versions/20240302_add_admin_level.py", 10),
        ("a1b2c3d4e5f6", ("0002",), "2024-03-01", "docstring", "not-implemented",
         "alembic/versions/a1b2c3d4e5f6_backfill_totals.py", 9),
    ]


def test_heads_and_branch_points() -> None:
    repo = repo_of(REPOS / "data_fastapi")
    (chain, items), = repo.derived(migration_chains).items()
    assert chain == "alembic/versions"
    assert [m.revision for m in heads(items)] == ["0003b", "a1b2c3d4e5f6"]
    assert {k: [m.revision for m in v] for k, v in branch_points(items).items()} == {"0002": ["0003b", "a1b2c3d4e5f6"]}


def test_merge_revision_and_separate_chains(tmp_path: Path) -> None:
    mig = "revision = {r!r}\ndown_revision = {d!r}\n\ndef upgrade():\n    pass\n\ndef downgrade():\n    pass\n"
    write_tree(tmp_path, {
        "api/migrations/versions/a.py": mig.format(r="a", d=None),
        "api/migrations/versions/m.py": mig.format(r="m", d=("c", "b")),
        "worker/alembic/versions/x.py": mig.format(r="x", d=None),
    })
    repo = repo_of(tmp_path)
    chains = repo.derived(migration_chains)
    assert sorted(chains) == ["api/migrations/versions", "worker/alembic/versions"]
    assert [m.down_revisions for m in chains["api/migrations/versions"]] == [(), ("b", "c")]


def test_file_name_dates() -> None:
    assert file_name_date("v/20260206_fix.py") == "2026-02-06"
    assert file_name_date("v/2024_01_05_1430-abc123_add.py") == "2024-01-05"
    assert file_name_date("v/0001_initial.py") == ""
    assert file_name_date("v/20241399_bad.py") == ""


def test_engines_pool_settings_and_redacted_urls() -> None:
    engines = find_engines(repo_of(REPOS / "data_fastapi"))
    assert [(e.path, e.line, e.is_async, e.url, e.backend, e.settings, e.pooled) for e in engines] == [
        ("app/db/session.py", 7, False, "settings.DATABASE_URL", "",
         (("max_overflow", "20"), ("pool_pre_ping", "True"), ("pool_size", "10")), True),
        ("app/db/session.py", 15, True, "postgresql+asyncpg://…", "postgresql", (("echo", "False"),), False),
    ]


def test_section_tables_and_headline() -> None:
    s = section(repo_of(REPOS / "data_fastapi"))
    assert s.key == "data"
    assert s.headline == "3 ORM models; 4 Alembic revisions"
    assert [t.key for t in s.tables] == ["models", "migrations"]
    assert s.tables[1].rows[1] == {"revision": "0002", "down_revision": "0001", "date": "2024-02-10",
                                   "downgrade": "pass", "file": "alembic/versions/20240210_add_orders.py", "line": 10}
    texts = [f.text for f in s.facts]
    assert "Alembic chain alembic/versions: 4 revisions, 2 head(s): 0003b, a1b2c3d4e5f6" in texts
    assert "SQLAlchemy is used in both sync and async mode" in texts
    assert all("s3cretpw" not in t for t in texts)
