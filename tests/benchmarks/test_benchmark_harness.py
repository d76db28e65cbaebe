"""The benchmark harnesses still run end to end on a tiny world (a harness nobody runs rots); figures are
not asserted, only that every stage reports and the close billed every tenant."""

import json

import pytest

from benchmarks import close_at_scale, dagster_floor


@pytest.mark.parametrize("launcher", ["in-process", "daemon"])
def test_the_close_benchmark_runs_a_tiny_world_through_dagster(tmp_path, launcher):
    output, markdown = tmp_path / "close.json", tmp_path / "RESULTS.md"
    close_at_scale.main(["--tenants", "6", "--storages", "sqlite", "--events-per-day", "20", "--sample", "2",
                         "--launcher", launcher, "--output", str(output), "--results-md", str(markdown)])
    row = json.loads(output.read_text())["rows"][0]
    assert row["tenants"] == row["invoices"] == 6
    assert row["events"] > 6 * 20 * 28
    assert row["close"]["runs"] == 1 and row["runs"] == 2  # the month's usage run and one close batch
    for stage in ("generate", "usage", "close", "service_alone"):
        assert row[stage]["seconds"] > 0 and row[stage]["peak_rss_mib"] > 0
    assert "| sqlite | 6 |" in markdown.read_text()


def test_the_dagster_floor_benchmark_measures_every_variant(tmp_path):
    output = tmp_path / "floor.json"
    dagster_floor.main(["--tenants", "4", "--storages", "sqlite", "--output", str(output)])
    rows = json.loads(output.read_text())
    assert {row["variant"] for row in rows} == {name for name, *_ in dagster_floor.VARIANTS}
    assert all(row["seconds"] > 0 for row in rows)
