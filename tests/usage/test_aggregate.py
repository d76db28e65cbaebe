"""Daily aggregates compose into monthly usage; a missing day is an error, never a silent zero."""

import json
from datetime import date
from decimal import Decimal

import duckdb
import pytest

from billing_dagster.usage.aggregate import MissingUsage, aggregate_day, monthly_usage
from billing_dagster.usage.ingest import ingest_day
from billing_dagster.usage.lake import Lake

DAYS = [date(2026, 10, 1), date(2026, 10, 2)]


def _land_and_ingest(lake, con, day, quantities):
    folder = lake.landing_dir(day)
    folder.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"event_id": f"{day}-{i}", "tenant_id": "t1", "metric": "api_calls", "quantity": q,
                         "timestamp": f"{day.isoformat()}T10:00:00Z"}) for i, q in enumerate(quantities)]
    (folder / "e.jsonl").write_text("\n".join(lines))
    ingest_day(con, lake, day, ["t1", "t2"], ["api_calls"])


def test_monthly_usage_composes_daily_aggregates(tmp_path):
    lake, con = Lake(tmp_path), duckdb.connect()
    _land_and_ingest(lake, con, DAYS[0], [5, "1.5"])
    _land_and_ingest(lake, con, DAYS[1], [10])
    assert [aggregate_day(con, lake, day) for day in DAYS] == [1, 1]
    usage = monthly_usage(con, lake, DAYS, ["t1", "t2"])
    assert usage["t2"] == {}
    assert usage["t1"]["api_calls"] == {"count": 3, "sum": Decimal("16.5"), "min": Decimal("1.5"),
                                        "max": Decimal("10")}


def test_missing_day_is_reported(tmp_path):
    lake, con = Lake(tmp_path), duckdb.connect()
    _land_and_ingest(lake, con, DAYS[0], [5])
    aggregate_day(con, lake, DAYS[0])
    with pytest.raises(MissingUsage, match="2026-10-02"):
        monthly_usage(con, lake, DAYS, ["t1"])
    with pytest.raises(MissingUsage, match="usage_events for 2026-10-02"):
        aggregate_day(con, lake, DAYS[1])
