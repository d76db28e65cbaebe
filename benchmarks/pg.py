"""Throwaway PostgreSQL databases for the benchmarks, on the server named by BILLING_TEST_PG_URL."""

import contextlib
import uuid

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from billing_dagster.store.database import make_engine


def create_database(url: str, prefix: str = "bench") -> str:
    """A new empty database beside `url`'s; returns its name."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    _admin(url, f'CREATE DATABASE "{name}"')  # identifiers cannot be bound parameters
    return name


def drop_database(url: str, name: str) -> None:
    _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def fresh_database(url: str, prefix: str = "bench"):
    """The SQLAlchemy URL of a new database, dropped afterwards."""
    name = create_database(url, prefix)
    try:
        yield url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        drop_database(url, name)


def dagster_environment(url: str, database: str) -> dict[str, str]:
    """The DAGSTER_PG_* variables deploy/dagster.postgres.yaml reads, for `database` on `url`'s server."""
    parsed = make_url(url)
    return {"DAGSTER_PG_USERNAME": parsed.username or "postgres", "DAGSTER_PG_PASSWORD": parsed.password or "",
            "DAGSTER_PG_HOST": parsed.host or "127.0.0.1", "DAGSTER_PG_DB": database}


def _admin(url: str, statement: str) -> None:
    engine = make_engine(url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as con:
        con.execute(sa.text(statement))
    engine.dispose()
