"""Alembic environment: runs the billing-database migrations on the connection the caller provides."""

from alembic import context

from billing_dagster.store.models import Base


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("billing migrations run through billing_dagster.store.database.migrate()")
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
