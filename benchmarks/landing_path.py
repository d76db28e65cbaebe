"""Events per second through the landing path (validate + dedup against the whole lake + Parquet), against a
single plain DuckDB query over the same files in the same run (read_json -> Parquet, no checks, no dedup).

    python benchmarks/landing_path.py [--tenants 10000] [--events-per-day 161] [--days 3] [--work DIR] [--keep]

Generates the last `--days` days of October 2026 for `--tenants` demo tenants (billing_dagster.demo.events,
0.5 % duplicates, 0.1 % malformed), ingests them day by day in date order (so day k probes the id index
of the k - 1 days before it) and prints JSON: totals and events/s for both, and per day the ingest's phases,
including the id index probe. Not a test: nothing here asserts a time. 31 days x 10,000 tenants x 161 events
is the 50 M-event month (about 8.5 GB of JSONL under --work).
"""

import argparse
import dataclasses
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from billing_dagster.demo.events import write_month  # noqa: E402
from billing_dagster.demo.world import METRICS, demo_tenants  # noqa: E402
from billing_dagster.usage.ingest import ingest_day  # noqa: E402
from billing_dagster.usage.lake import Lake  # noqa: E402

MONTH_END = date(2026, 10, 31)


def _baseline(con: duckdb.DuckDBPyConnection, lake: Lake, day: date, out: Path) -> float:
    """The plain query: every line of the day's files through DuckDB's JSON reader into one Parquet file."""
    paths = sorted(str(path) for path in lake.landing_dir(day).glob("*.jsonl"))
    started = time.perf_counter()
    con.read_json(paths, format="newline_delimited", ignore_errors=True).write_parquet(str(out))
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenants", type=int, default=10_000)
    parser.add_argument("--events-per-day", type=int, default=161)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None, help="folder for the lake (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the generated lake")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="landing-path-", dir=args.work))
    lake = Lake(work)
    first = MONTH_END - timedelta(days=args.days - 1)
    tenants = [dataclasses.replace(t, events_per_day=args.events_per_day)
               for t in demo_tenants(date(2026, 10, 1), count=args.tenants)]
    started = time.perf_counter()
    written = write_month(work / "landing", first, tenants)
    generated = time.perf_counter() - started
    days = [first + timedelta(days=n) for n in range(args.days)]
    tenant_ids, metrics = [t.id for t in tenants], list(METRICS)

    baseline_con = duckdb.connect()
    baseline = [_baseline(baseline_con, lake, day, work / f"baseline-{day}.parquet") for day in days]

    con = duckdb.connect()
    per_day, total = [], 0.0
    for day in days:
        started = time.perf_counter()
        counts = ingest_day(con, lake, day, tenant_ids, metrics)
        elapsed = time.perf_counter() - started
        total += elapsed
        per_day.append({"day": day.isoformat(), "events_in": counts.events_in, "seconds": round(elapsed, 3),
                        "events_per_s": round(counts.events_in / elapsed), "phases": counts.seconds,
                        "other_days_indexed": (day - first).days, "balanced": counts.balanced(),
                        "accepted": counts.accepted, "duplicate": counts.duplicate,
                        "quarantined": counts.quarantined, "conflict": counts.conflict})
    index_bytes = sum(path.stat().st_size for path in lake.event_ids_dir().rglob("*.parquet"))
    events = written["lines"]
    result = {
        "tenants": args.tenants, "events_per_day": args.events_per_day, "days": args.days, "events": events,
        "generate_seconds": round(generated, 2), "cpus": os.cpu_count(), "load_average": os.getloadavg(),
        "landing_path": {"seconds": round(total, 2), "events_per_s": round(events / total)},
        "baseline_read_json_to_parquet": {"seconds": round(sum(baseline), 2),
                                          "events_per_s": round(events / sum(baseline))},
        "ratio": round(total / sum(baseline), 2),
        "index": {"bytes": index_bytes, "bytes_per_event": round(index_bytes / max(1, events), 2)},
        "per_day": per_day,
    }
    print(json.dumps(result, indent=2))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return result


if __name__ == "__main__":
    main()
