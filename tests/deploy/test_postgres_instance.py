"""The production instance config (deploy/dagster.postgres.yaml) runs a month close on dagster-postgres."""

import os
import shutil
import uuid
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import create_engine, text

from billing_dagster.demo.close import close_month, register_tenants

pytestmark = pytest.mark.postgres
DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


@pytest.fixture
def postgres_dagster_home(tmp_path, monkeypatch):
    url = os.environ.get("BILLING_TEST_PG_URL")
    if not url:
        pytest.fail("this test needs BILLING_TEST_PG_URL (make test-postgres sets it)")
    admin = url.replace("postgresql://", "postgresql+psycopg2://", 1)
    name = f"dagster_test_{uuid.uuid4().hex[:10]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    parsed = engine.url
    for key, value in {"DAGSTER_PG_USERNAME": parsed.username or "postgres", "DAGSTER_PG_PASSWORD": parsed.password or "",
                       "DAGSTER_PG_HOST": parsed.host or "127.0.0.1", "DAGSTER_PG_DB": name}.items():
        monkeypatch.setenv(key, value)
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(DEPLOY / "dagster.postgres.yaml", home / "dagster.yaml")
    yield home
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def test_month_close_on_dagster_postgres(postgres_dagster_home, billing_env, engine, repo):
    from month_world import MONTH, land_events, seed_world

    seed_world(engine)
    land_events(billing_env)
    with dg.DagsterInstance.from_config(str(postgres_dagster_home)) as instance:
        assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
        register_tenants(instance, repo.tenant_ids())
        close_month(instance, MONTH)
        status = instance.get_status_by_partition(
            dg.AssetKey("invoices"), [str(dg.MultiPartitionKey({"tenant": "acme", "month": "2026-02-01"}))],
            __import__("billing_dagster.partitions", fromlist=["x"]).tenant_month_partitions)
    assert list(status.values())[0].value == "MATERIALIZED"
    assert {i.tenant_id: i.total for i in repo.invoices(MONTH)}["acme"] == 2706
