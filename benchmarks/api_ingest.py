"""Events per second through the HTTP ingestion API, against a direct bulk insert of the same rows.

    python -m benchmarks.api_ingest [--batches 200] [--clients 4] [--workers 1 2] [--databases sqlite postgresql]

For each database (a SQLite file; PostgreSQL when BILLING_TEST_PG_URL is set, in a fresh database dropped
afterwards): batches of 1,000 distinct events are sent by `--clients` client processes to `billing-dagster
serve` (uvicorn on 127.0.0.1, for each `--workers` count), each batch one POST /v1/events, and the wall time
from the first request to the last 202 gives events/s; request latencies give p50/p99. The baseline, in the
same run and on the same table, inserts the same validated rows directly: once with the API's own statement
(append_events: INSERT ... ON CONFLICT DO NOTHING RETURNING, one transaction per 1,000 rows) and once with a
plain executemany INSERT; `in_process_ingest` is the API's whole work without HTTP (ingest(): parse, the Event
contract, append), one batch at a time. The table is emptied between phases. Nothing asserts a time; results are printed and
written to benchmarks/api_ingest.json.
"""

import argparse
import json
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

if __package__ in (None, ""):  # `python benchmarks/api_ingest.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402
from sqlalchemy import delete, func, select, text  # noqa: E402

from benchmarks.pg import fresh_database  # noqa: E402
from billing_dagster.api.body import parse_records  # noqa: E402
from billing_dagster.api.ingestion import ingest  # noqa: E402
from billing_dagster.api.records import check_record  # noqa: E402
from billing_dagster.store import models as m  # noqa: E402
from billing_dagster.store.api_keys import create_key  # noqa: E402
from billing_dagster.store.database import make_engine, migrate  # noqa: E402
from billing_dagster.usage.inbox import append_events  # noqa: E402

RESULTS = Path(__file__).with_name("api_ingest.json")
REPO = Path(__file__).resolve().parents[1]
BATCH = 1_000
TENANT = "bench"


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=200, help="batches of 1,000 events per phase")
    parser.add_argument("--clients", type=int, default=4, help="client processes sending at once")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="uvicorn worker counts to try")
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    results = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "load_average_before": os.getloadavg()},
               "batch": BATCH, "batches": args.batches, "clients": args.clients, "databases": {}}
    batches = _batches(args.batches)
    for database in args.databases:
        if database == "postgresql" and not os.environ.get("BILLING_TEST_PG_URL"):
            print("postgresql: skipped (set BILLING_TEST_PG_URL)")
            continue
        with _database(database) as url:
            results["databases"][database] = _run_database(url, batches, args)
    results["machine"]["load_average_after"] = os.getloadavg()
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    _print(results)
    return results


def _batches(count: int) -> list[bytes]:
    run = uuid.uuid4().hex[:8]
    return [json.dumps({"events": [
        {"event_id": f"{run}-{b:05d}-{i:04d}", "metric": "api_calls", "quantity": f"{(i % 97) + 1}.25",
         "timestamp": f"2026-10-{1 + b % 28:02d}T{i % 24:02d}:{i % 60:02d}:00Z",
         "dimensions": {"region": ("eu", "us", "ap")[i % 3]}}
        for i in range(BATCH)]}).encode() for b in range(count)]


@contextmanager
def _database(kind: str):
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="bench-api-") as folder:
            yield f"sqlite:///{folder}/billing.db"
        return
    with fresh_database(os.environ["BILLING_TEST_PG_URL"], "bench_api") as url:
        yield url


def _run_database(url: str, batches: list[bytes], args) -> dict:
    engine = make_engine(url)
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(m.TaxRegion.__table__.insert().values(code="XX", name="bench", rate="0"))
        conn.execute(m.Tenant.__table__.insert().values(
            id=TENANT, name=TENANT, currency="USD", tax_region="XX", tax_exempt=False, net_terms_days=30,
            created_at=_now()))
    _, key = create_key(engine, TENANT, "bench")
    rows = [[check_record(record, TENANT) for record in parse_records(body)] for body in batches]
    out = {"direct_append_events": _direct(engine, rows, "append_events"),
           "direct_plain_insert": _direct(engine, rows, "plain"),
           "in_process_ingest": _in_process(engine, batches)}
    for workers in args.workers:
        out[f"api_workers_{workers}"] = _through_api(url, engine, key, batches, args.clients, workers)
    engine.dispose()
    return out


def _now():
    from datetime import datetime, timezone
    return datetime.now(timezone.utc)


def _empty(engine) -> None:
    with engine.begin() as conn:
        conn.execute(delete(m.UsageInbox))
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE usage_inbox"))


def _count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(m.UsageInbox)).scalar_one()


def _direct(engine, rows, how: str) -> dict:
    """The same validated rows inserted from this process, one transaction per batch, no HTTP, no parsing."""
    _empty(engine)
    table = m.UsageInbox.__table__
    latencies = []
    started = time.perf_counter()
    for batch in rows:
        begun = time.perf_counter()
        if how == "append_events":
            append_events(engine, TENANT, batch)
        else:
            now = _now()
            with engine.begin() as conn:
                conn.execute(table.insert(), [{"tenant_id": TENANT, "event_id": e.event_id, "body": e.body,
                                               "day": e.day, "received_at": now} for e in batch])
        latencies.append(time.perf_counter() - begun)
    elapsed = time.perf_counter() - started
    return _summary(sum(map(len, rows)), elapsed, latencies, _count(engine))


def _in_process(engine, batches: list[bytes]) -> dict:
    """The API's work without HTTP: ingest() (parse, the contract, append) on each body, one at a time."""
    _empty(engine)
    latencies = []
    started = time.perf_counter()
    for body in batches:
        begun = time.perf_counter()
        ingest(engine, TENANT, body)
        latencies.append(time.perf_counter() - begun)
    elapsed = time.perf_counter() - started
    return _summary(len(batches) * BATCH, elapsed, latencies, _count(engine))


def _through_api(url: str, engine, key: str, batches: list[bytes], clients: int, workers: int) -> dict:
    import subprocess

    _empty(engine)
    port = _free_port()
    env = {**os.environ, "BILLING_DB_URL": url, "PYTHONPATH": str(REPO)}
    server = subprocess.Popen([sys.executable, "-m", "billing_dagster.cli", "serve", "--host", "127.0.0.1",
                               "--port", str(port), "--workers", str(workers), "--log-level", "warning"],
                              env=env, cwd=REPO)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, server)
        warm = json.dumps({"events": [{"event_id": f"warm-{uuid.uuid4().hex}-{i}", "metric": "m", "quantity": "1",
                                       "timestamp": "2026-10-01T00:00:00Z"} for i in range(100)]}).encode()
        for _ in range(4 * workers):
            httpx.post(f"{base}/v1/events", content=warm, headers=_headers(key), timeout=60).raise_for_status()
        _empty(engine)
        context = multiprocessing.get_context("spawn")
        ready, results = context.Barrier(clients + 1), context.Queue()
        processes = [context.Process(target=_client, args=(base, key, batches[i::clients], ready, results))
                     for i in range(clients)]
        for process in processes:
            process.start()
        ready.wait()  # every client imported and connected: start the clock
        started = time.perf_counter()
        parts = [results.get() for _ in processes]
        elapsed = time.perf_counter() - started
        for process in processes:
            process.join()
    finally:
        server.terminate()
        server.wait(timeout=60)
    latencies = [latency for part in parts for latency in part["latencies"]]
    accepted = sum(part["accepted"] for part in parts)
    summary = _summary(len(batches) * BATCH, elapsed, latencies, _count(engine))
    summary.update({"workers": workers, "accepted": accepted})
    return summary


def _client(base: str, key: str, bodies: list[bytes], ready, results) -> None:
    latencies, accepted = [], 0
    with httpx.Client(base_url=base, headers=_headers(key), timeout=120) as http:
        http.get("/healthz").raise_for_status()
        ready.wait()
        for body in bodies:
            begun = time.perf_counter()
            response = http.post("/v1/events", content=body)
            latencies.append(time.perf_counter() - begun)
            response.raise_for_status()
            accepted += response.json()["accepted"]
    results.put({"latencies": latencies, "accepted": accepted})


def _headers(key: str) -> dict:
    return {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}


def _free_port() -> int:
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_healthy(base: str, server) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the service exited at start")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass  # not listening yet: poll again until the deadline
        time.sleep(0.1)
    raise RuntimeError("the service did not become healthy")


def _summary(events: int, elapsed: float, latencies: list[float], stored: int) -> dict:
    ordered = sorted(latencies)
    return {"events": events, "stored": stored, "seconds": round(elapsed, 3),
            "events_per_second": round(events / elapsed),
            "p50_ms": round(1000 * statistics.median(ordered), 1),
            "p99_ms": round(1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 1)}


def _print(results: dict) -> None:
    load = results["machine"]
    print(f"\n{results['batches']} batches of {results['batch']:,} events, {results['clients']} clients; "
          f"load {load['load_average_before'][0]:.2f} -> {load['load_average_after'][0]:.2f}")
    print(f"{'database':<11} {'phase':<22} {'events/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'stored':>9}")
    for database, phases in results["databases"].items():
        for phase, row in phases.items():
            print(f"{database:<11} {phase:<22} {row['events_per_second']:>10,} {row['p50_ms']:>8} "
                  f"{row['p99_ms']:>8} {row['stored']:>9,}")


if __name__ == "__main__":
    main()
