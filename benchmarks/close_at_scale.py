"""The month close end to end through Dagster, at several sizes, on the embedded defaults and on PostgreSQL.

    python -m benchmarks.close_at_scale [--tenants 100 1000 10000] [--storages sqlite postgres]
                                        [--events-per-day 161] [--launcher daemon] [--sample 20]

For each storage and size, a fresh child process gets a fresh world (BILLING_HOME, billing DB, Dagster
instance) and reports per stage: wall time, runs launched, peak RSS, and for the close invoices per second
and Dagster's share of the time. Baselines measured in the same child: the close service alone outside
Dagster on the same batches (the floor Dagster adds to), and one run per tenant-month on a sample.
Results go to benchmarks/close_results.json and benchmarks/RESULTS.md.
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.pg import create_database, dagster_environment, drop_database

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "close_results.json"


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--storages", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"])
    parser.add_argument("--events-per-day", type=int, default=161,
                        help="events per tenant and day (161 gives 50 M events a month at 10,000 tenants)")
    parser.add_argument("--launcher", choices=["daemon", "in-process"], default="daemon",
                        help="daemon: one backfill through dagster-daemon and the run queue (max_concurrent_runs "
                             "runs at a time, each its own process); in-process: the runs one after another")
    parser.add_argument("--sample", type=int, default=20, help="tenants closed one run each, as a baseline")
    parser.add_argument("--postgres", default=os.environ.get("BILLING_TEST_PG_URL",
                                                             "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--results-md", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args(argv)
    rows = []
    for storage in args.storages:
        for tenants in args.tenants:
            row = _run_child(storage, tenants, args)
            rows.append(row)
            print(json.dumps(row), flush=True)
    results = {"machine": _machine(), "events_per_tenant_day": args.events_per_day,
               "launcher": args.launcher, "rows": rows}
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    from benchmarks.results_md import write_results_md
    write_results_md(results, args.results_md)
    return results


def _machine() -> dict:
    import dagster
    import duckdb
    return {"cpus": os.cpu_count(), "memory_gib": round(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
                                                          / 2 ** 30, 1),
            "python": platform.python_version(), "dagster": dagster.__version__, "duckdb": duckdb.__version__,
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()], "platform": platform.platform()}


def _run_child(storage: str, tenants: int, args) -> dict:
    from billing_dagster.settings import DAGSTER_SCALE_SETTINGS
    folder = tempfile.mkdtemp(prefix="bench-close-")
    env = dict(os.environ, **DAGSTER_SCALE_SETTINGS)
    env.update(DAGSTER_HOME=f"{folder}/dagster", BILLING_HOME=f"{folder}/billing")
    os.makedirs(env["DAGSTER_HOME"])
    deploy = HERE.parent / "deploy" / f"dagster.{storage}.yaml"  # the shipped instance configs
    Path(env["DAGSTER_HOME"], "dagster.yaml").write_text(deploy.read_text())
    env.pop("BILLING_DB_URL", None)
    databases = []
    if storage == "postgres":
        databases = [create_database(args.postgres), create_database(args.postgres)]
        env.update(dagster_environment(args.postgres, databases[0]))
        env["BILLING_DB_URL"] = args.postgres.rsplit("/", 1)[0] + f"/{databases[1]}"
    try:
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.close_world", str(tenants), str(args.events_per_day),
             args.launcher, str(args.sample)],
            env=env, cwd=HERE.parent, check=True, capture_output=True, text=True)
    except subprocess.CalledProcessError as error:
        sys.stderr.write(error.stdout[-4000:] + error.stderr[-4000:] + f"\nkept for inspection: {folder}\n")
        raise
    for database in databases:
        drop_database(args.postgres, database)
    shutil.rmtree(folder, ignore_errors=True)
    return {"storage": storage, **json.loads(out.stdout.strip().splitlines()[-1])}


if __name__ == "__main__":
    started = time.time()
    main()
    print(f"done in {time.time() - started:.0f} s")
