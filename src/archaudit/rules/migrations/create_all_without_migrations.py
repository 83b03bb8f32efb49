"""MIG007 create-all-without-migrations."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.data.migrations import find_migrations
from archaudit.detect.dependencies.manifests import find_dependencies
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.python_index import first_import
from archaudit.rules.base import Rule
from archaudit.rules.migrations.create_all_with_alembic import startup_create_alls

_TOOLS = frozenset({"alembic", "flask-migrate", "yoyo-migrations", "aerich", "sqlalchemy-migrate", "flyway",
                    "django", "peewee-migrate", "sqlmodel-migrate", "dbmate"})
_TOOL_MODULES = ("alembic", "flask_migrate", "yoyo", "aerich", "migrate", "peewee_migrate")
# a migrations folder, Alembic's files, or files of SQL migration tools (Flyway V1__x.sql, dbmate, Liquibase)
_MIGRATION_FILE = re.compile(r"(^|/)(alembic\.ini|alembic/|migrations?/|db/migrate/|versions/[^/]*\.py$|"
                             r"flyway|liquibase|db\.changelog|V\d+__[^/]*\.sql$|\d+[_-][^/]*\.(up|down)\.sql$)",
                             re.IGNORECASE)


def _migration_tool(repo: Repo) -> bool:
    """Any sign that something other than create_all evolves the schema: Alembic revisions or files,
    a migrations folder, SQL migration files, a migration package declared or imported."""
    if repo.derived(find_migrations):
        return True
    if any(_MIGRATION_FILE.search(f.path) for f in repo.files):
        return True
    if any(d.name in _TOOLS for d in find_dependencies(repo)):
        return True
    return first_import(repo, _TOOL_MODULES) is not None


def check(repo: Repo) -> Iterator[Hit]:
    """Reports `Base.metadata.create_all` / `db.create_all` run at application start-up (see
    `startup_create_alls`: module level, start-up functions and what they call; tests, scripts and
    commands ignored) in a repository with no migration tool at all: no Alembic revision or
    alembic.ini, no migrations folder or SQL migration files, no migration package (Alembic,
    Flask-Migrate, yoyo, aerich...) declared or imported. One finding for the repository."""
    found = startup_create_alls(repo)
    if not found or _migration_tool(repo):
        return
    path, call, qualname, callers = found[0]
    where = Message("at module level") if not qualname else Message("in {function}()", function=qualname)
    also = (*(Evidence(p, c["line"]) for p, c in callers[:3]),
            *(Evidence(p, c["line"]) for p, c, _, _ in found[1:5]))
    yield Hit(path, call["line"], Message("The schema is created with create_all {where} at start-up and the "
                                          "repository has no migration tool: a change to an existing table "
                                          "is never applied.", where=where),
              also=also, key="create_all")


RULE = Rule(
    id="MIG007",
    name="create-all-without-migrations",
    axis=Axis.REPRODUCIBILITY,
    severity=Severity.LOW,
    title="Schema created with create_all at start-up, with no migration tool",
    impact="create_all only creates missing tables: a new column, a changed type or index on an existing "
           "table never reaches a database that already exists, so deployed databases drift from the "
           "models and schema changes need manual SQL with no history.",
    action="Adopt a migration tool (Alembic, Flask-Migrate) with an initial revision, run its upgrade in "
           "the deployment, and keep create_all for tests.",
    aggregate="repository",
    check=check,
    example_bad="Base.metadata.create_all(bind=engine)\napp = FastAPI()",
    example_good="# alembic revision --autogenerate -m 'init'; release step: alembic upgrade head",
)
