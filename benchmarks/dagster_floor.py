"""Dagster's own cost per tenant-month partition: a batched run of do-nothing assets, one knob at a time.

    python -m benchmarks.dagster_floor [--tenants 200 400] [--postgres URL] [--output FILE]

Each variant runs in a fresh process on a fresh instance (SQLite under a temporary DAGSTER_HOME, or a
fresh PostgreSQL database), registers N tenants and materializes one month for all of them in ONE run.
The assets do no work, so the time is Dagster's bookkeeping: run creation (planned events), one
materialization event per partition and asset, and per-partition metadata. Variants:

    shape     three: fact_packs → charge_lines → invoices as three assets (three steps)
              multi: one multi-asset step that materializes the three
    metadata  batch:   one MaterializeResult per asset, batch figures only
              per_key: context.add_asset_metadata(partition_key=...) for every partition (Dagster re-lists
                       the run's partition range on each call)
              yield:   one AssetMaterialization yielded per partition (never batched by Dagster)
    env       DAGSTER_EVENT_BATCH_SIZE and DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.pg import create_database, dagster_environment, drop_database

POSTGRES_YAML = Path(__file__).resolve().parents[1] / "deploy" / "dagster.postgres.yaml"

VARIANTS = [
    # (name, shape, metadata, batch events, subset planned events)
    ("three assets, per-key metadata (main before issue 8)", "three", "per_key", False, False),
    ("three assets, batch metadata", "three", "batch", False, False),
    ("one multi-asset step, batch metadata", "multi", "batch", False, False),
    ("multi-asset, yielded per-partition materializations", "multi", "yield", False, False),
    ("multi-asset, yielded + subset planned events", "multi", "yield", False, True),
    ("multi-asset + DAGSTER_EVENT_BATCH_SIZE=1000", "multi", "batch", True, False),
    ("multi-asset + batch size + subset planned events", "multi", "batch", True, True),
]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, nargs="+", default=[200, 400])
    parser.add_argument("--postgres", default=os.environ.get("BILLING_TEST_PG_URL",
                                                             "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--storages", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--output", type=Path, default=Path(__file__).with_name("dagster_floor.json"))
    args = parser.parse_args(argv)
    rows = []
    for storage in args.storages:
        for name, shape, metadata, batch, subset in VARIANTS:
            for tenants in args.tenants:
                seconds = _run_variant(storage, args.postgres, shape, metadata, batch, subset, tenants)
                rows.append({"storage": storage, "variant": name, "tenants": tenants, "seconds": seconds,
                             "ms_per_tenant": round(1000 * seconds / tenants, 1)})
                print(f"{storage:<9} {name:<58} {tenants:>6} tenants {seconds:7.2f} s "
                      f"{rows[-1]['ms_per_tenant']:7.1f} ms/tenant", flush=True)
    args.output.write_text(json.dumps(rows, indent=2) + "\n")
    return {"rows": rows}


def _run_variant(storage, pg_url, shape, metadata, batch, subset, tenants) -> float:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DAGSTER_EVENT_BATCH_SIZE", "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS")}
    if batch:
        env["DAGSTER_EVENT_BATCH_SIZE"] = "1000"
    if subset:
        env["DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS"] = "true"
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as home:
        database = None
        if storage == "postgres":
            database = create_database(pg_url)
            Path(home, "dagster.yaml").write_text(POSTGRES_YAML.read_text())
            env.update(dagster_environment(pg_url, database))
        env["DAGSTER_HOME"] = home
        try:
            out = subprocess.run([sys.executable, "-m", "benchmarks.dagster_floor_child", shape, metadata,
                                  str(tenants)], env=env, check=True, capture_output=True, text=True,
                                 cwd=Path(__file__).resolve().parents[1])
        finally:
            if database:
                drop_database(pg_url, database)
    return float(out.stdout.strip().splitlines()[-1])
