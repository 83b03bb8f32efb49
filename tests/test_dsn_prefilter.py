"""The config-file DSN scan skips a file with no database name in it: every token `dsn_tokens` finds
comes from a line naming a database (a URL scheme, a scheme alone, a quoted `scheme+driver`, a Django
engine), so the skip loses nothing."""

from __future__ import annotations

from pathlib import Path

from archaudit.detect.dependencies.module_names import dsn_tokens
from archaudit.detect.dependencies.usage import _names_a_database, usage_index
from tests.conftest import repo_of, write_tree

LINES = [
    "DATABASE_URL=postgresql+asyncpg://u:p@db/app", "url: mysql://root@localhost/x", "SQLALCHEMY_URL=sqlite:///a.db",
    "ENGINE: django.db.backends.postgresql", "engine = 'django.contrib.gis.db.backends.postgis'", "PostgreSQL",
    "mysql+aiomysql", 'driver = "mariadb+mariadbconnector" if x else "oracle+oracledb"', "DB=mssql+pyodbc://h/d",
    "DB_URL=POSTGRES://h/d", "postgis://h/d", "ENGINE=django.db.backends.sqlite3", "x = 'MSSQL+pymssql:'",
]


def test_every_line_with_a_token_names_a_database() -> None:
    assert all(dsn_tokens(line) for line in LINES)
    assert all(_names_a_database(line) for line in LINES)
    assert not dsn_tokens("REDIS_URL=redis://cache:6379/0") and not _names_a_database("REDIS_URL=redis://cache:6379/0")


def test_config_files_without_a_database_name_are_skipped_and_the_others_scanned(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "r", {
        ".env": "REDIS_URL=redis://cache/0\nDATABASE_URL=postgresql+psycopg://u@db/app\n",
        "config.yml": "cache: redis://cache/0\n",
        "app/main.py": "x = 1\n",
    })
    tokens = usage_index(repo_of(root)).dsn_tokens
    assert tokens == {"psycopg": [(".env", 2)]}
