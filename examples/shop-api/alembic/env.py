from alembic import context

from app.infrastructure.db import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    context.configure(target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
