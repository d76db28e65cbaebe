"""Shared fixtures. BILLING_TEST_PG_URL (e.g. postgresql://postgres@127.0.0.1:5432/test) runs every
database test against a fresh PostgreSQL database instead of a SQLite file."""

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from billing_dagster.store.database import make_engine, migrate
from billing_dagster.store.repository import BillingRepository


def _pg_admin_url() -> str | None:
    url = os.environ.get("BILLING_TEST_PG_URL")
    return url.replace("postgresql://", "postgresql+psycopg2://", 1) if url else None


@pytest.fixture
def db_url(tmp_path):
    admin = _pg_admin_url()
    if admin is None:
        yield f"sqlite:///{tmp_path / 'billing.db'}"
        return
    name = f"billing_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield admin.rsplit("/", 1)[0] + f"/{name}"
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def repo(engine):
    return BillingRepository(engine)


@pytest.fixture
def billing_env(tmp_path, db_url, monkeypatch):
    """BILLING_HOME and BILLING_DB_URL pointed at this test's folder and database."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("BILLING_HOME", str(home))
    monkeypatch.setenv("BILLING_DB_URL", db_url)
    return home
