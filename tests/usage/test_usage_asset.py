"""The usage_events asset reports conflicts and rejected files, and its balance check fails on a rejected file."""

import json
from datetime import date

import dagster as dg
from dagster_duckdb import DuckDBResource
from month_world import seed_world

from billing_dagster.assets.usage import EVENTS_BALANCE, usage_events
from billing_dagster.resources.db import BillingDatabase
from billing_dagster.resources.lake import LakeResource
from billing_dagster.store.repository import BillingRepository
from billing_dagster.usage.lake import Lake

DAY = date(2026, 2, 10)


def _line(**overrides) -> str:
    return json.dumps({"event_id": "a1", "tenant_id": "acme", "metric": "api_calls", "quantity": 5,
                       "timestamp": "2026-02-10T08:00:00Z", **overrides})


def _materialize(db_url, root):
    return dg.materialize([usage_events], partition_key=DAY.isoformat(), raise_on_error=True, resources={
        "db": BillingDatabase(url=db_url), "lake": LakeResource(root=str(root)),
        "duckdb": DuckDBResource(database=":memory:")})


def test_conflicts_and_rejected_files_are_reported_and_fail_the_balance_check(tmp_path, db_url, engine):
    seed_world(engine)
    folder = Lake(tmp_path).landing_dir(DAY)
    folder.mkdir(parents=True)
    (folder / "a.jsonl").write_text("\n".join([_line(), _line(quantity=6), _line(), "oops"]) + "\n")
    (folder / "notes.txt").write_text("not usage")
    result = _materialize(db_url, tmp_path)
    [materialization] = result.asset_materializations_for_node("usage_events")
    metadata = {key: value.value for key, value in materialization.metadata.items()}
    assert (metadata["events_in"], metadata["accepted"], metadata["duplicate"], metadata["conflict"],
            metadata["quarantined"]) == (4, 1, 1, 1, 1)
    assert metadata["rejected_files"] == {"landing/date=2026-02-10/notes.txt": (
        "unsupported file type '.txt': landing files are .jsonl, .jsonl.gz, .csv or .parquet")}
    [check] = result.get_asset_check_evaluations()
    assert check.check_name == EVENTS_BALANCE and not check.passed
    assert check.metadata["rejected_files"].value == {"2026-02-10": metadata["rejected_files"]}
    # The database has no conflict column: conflicts count as quarantined there, and the sum holds.
    totals = BillingRepository(engine).ingest_totals([DAY])
    assert (totals["events_in"], totals["accepted"], totals["duplicate"], totals["quarantined"]) == (4, 1, 1, 2)


def test_a_day_read_in_full_passes_the_balance_check(tmp_path, db_url, engine):
    seed_world(engine)
    folder = Lake(tmp_path).landing_dir(DAY)
    folder.mkdir(parents=True)
    (folder / "a.jsonl").write_text(_line() + "\n")
    [check] = _materialize(db_url, tmp_path).get_asset_check_evaluations()
    assert check.passed


def test_a_metric_maximum_set_in_the_billing_database_quarantines_larger_events(tmp_path, db_url, engine):
    from sqlalchemy import update

    from billing_dagster.store import models as m
    seed_world(engine)
    with engine.begin() as connection:
        connection.execute(update(m.Metric).where(m.Metric.code == "api_calls").values(max_event_quantity="1000"))
    folder = Lake(tmp_path).landing_dir(DAY)
    folder.mkdir(parents=True)
    (folder / "a.jsonl").write_text("\n".join([_line(event_id="ok", quantity="1000"),
                                               _line(event_id="big", quantity="1000.5")]) + "\n")
    result = _materialize(db_url, tmp_path)
    [materialization] = result.asset_materializations_for_node("usage_events")
    metadata = {key: value.value for key, value in materialization.metadata.items()}
    assert (metadata["accepted"], metadata["quarantined"]) == (1, 1)
    [reason] = metadata["quarantine_by_field"]
    assert reason.startswith("quantity")
    rows = Lake(tmp_path).quarantine_file(DAY)
    import duckdb
    [(text,)] = duckdb.sql(f"SELECT reason FROM read_parquet('{rows}')").fetchall()
    assert text == 'quantity: 1000.5 is above the maximum 1000 of metric "api_calls"'
