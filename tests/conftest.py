"""Shared fixtures. BILLING_TEST_PG_URL (e.g. postgresql://postgres@127.0.0.1:5432/test) runs every
database test against a fresh PostgreSQL database instead of a SQLite file."""

import contextlib
import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from billing_dagster.store.database import make_engine, migrate
from billing_dagster.store.repository import BillingRepository


def _pg_admin_url() -> str | None:
    url = os.environ.get("BILLING_TEST_PG_URL")
    return url.replace("postgresql://", "postgresql+psycopg2://", 1) if url else None


@contextlib.contextmanager
def fresh_database(folder):
    """A new empty billing database: a SQLite file in `folder`, or a new PostgreSQL database."""
    admin = _pg_admin_url()
    if admin is None:
        yield f"sqlite:///{folder / 'billing.db'}"
        return
    name = f"billing_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@contextlib.contextmanager
def migrated_engine(url):
    engine = make_engine(url)
    migrate(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@contextlib.contextmanager
def billing_environment(folder, url):
    """BILLING_HOME and BILLING_DB_URL pointed at `folder` and `url` for the duration."""
    home = folder / "home"
    home.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BILLING_HOME", str(home))
        patch.setenv("BILLING_DB_URL", url)
        yield home


@pytest.fixture
def db_url(tmp_path):
    with fresh_database(tmp_path) as url:
        yield url


@pytest.fixture
def engine(db_url):
    with migrated_engine(db_url) as engine:
        yield engine


@pytest.fixture
def repo(engine):
    return BillingRepository(engine)


@pytest.fixture
def billing_env(tmp_path, db_url):
    with billing_environment(tmp_path, db_url) as home:
        yield home
