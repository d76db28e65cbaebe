"""Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from billing_dagster.store.database import migrate
from billing_dagster.store.models import Base


def test_migrated_schema_matches_models(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_migrate_is_idempotent_and_reversible(engine):
    migrate(engine)
    assert "invoice_lines" in inspect(engine).get_table_names()
    from alembic import command

    from billing_dagster.store.database import alembic_config
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert "invoice_lines" not in inspect(engine).get_table_names()
    migrate(engine)
    assert "invoice_lines" in inspect(engine).get_table_names()
