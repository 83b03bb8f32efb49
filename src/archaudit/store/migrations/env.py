"""Alembic environment: always run on the connection the store hands over (never an alembic.ini URL).

Alembic executes this file when it migrates; importing it otherwise (tools that walk the package)
does nothing."""

from __future__ import annotations

from alembic import context

from archaudit.store.schema import metadata


def _migrate() -> None:
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if hasattr(context, "config"):  # only while Alembic runs this environment
    _migrate()
