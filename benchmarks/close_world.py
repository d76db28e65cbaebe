"""One size and storage of benchmarks/close_at_scale.py, in its own process (DAGSTER_HOME, BILLING_HOME and
BILLING_DB_URL come from the parent). Prints one JSON line of figures."""

import dataclasses
import json
import os
import resource
import sys
import time
from datetime import date
from pathlib import Path

import dagster as dg

from benchmarks.dagster_services import DagsterServices, TreeMemory
from billing_dagster.close import CloseService
from billing_dagster.demo.close import register_tenants
from billing_dagster.demo.events import write_month
from billing_dagster.demo.seed import seed_world
from billing_dagster.demo.world import demo_tenants
from billing_dagster.domain.periods import days_of, month_period
from billing_dagster.partitions import TENANTS_PER_RUN, tenant_month_key
from billing_dagster.resources.wasm import WasmResource
from billing_dagster.schedules import day_range_tags, partition_range_tags
from billing_dagster.settings import billing_db_url, billing_home
from billing_dagster.store.close_store import CloseStore
from billing_dagster.store.database import make_engine, migrate
from billing_dagster.store.repository import BillingRepository
from billing_dagster.usage.aggregate import period_usage

MONTH = date(2026, 10, 1)


def main(tenant_count: int, events_per_day: int, launcher: str, sample: int) -> dict:
    figures: dict = {"tenants": tenant_count, "launcher": launcher}
    engine = make_engine(billing_db_url())
    migrate(engine)
    tenants = [dataclasses.replace(t, events_per_day=events_per_day)
               for t in demo_tenants(MONTH, count=tenant_count, features=False)]
    with _stage(figures, "seed"):
        seed_world(engine, tenants)
    with _stage(figures, "generate"):
        landed = write_month(billing_home() / "landing", MONTH, tenants)
    figures["events"] = landed["lines"]
    figures["generate"]["events_per_second"] = round(landed["lines"] / figures["generate"]["seconds"])
    instance = dg.DagsterInstance.get()
    repo = BillingRepository(engine)
    register_tenants(instance, repo.tenant_ids())
    from billing_dagster.definitions import defs
    days = days_of(month_period(MONTH))
    tenant_ids = instance.get_dynamic_partitions("tenants")
    if launcher == "daemon":
        figures.update(_close_through_the_daemon(days, tenant_ids))
    else:
        with _stage(figures, "usage"):
            _execute(defs, instance, "usage_job", day_range_tags(days[0].isoformat(), days[-1].isoformat()))
        with _stage(figures, "close"):
            for batch in _batches(tenant_ids):
                _execute(defs, instance, "close_job", partition_range_tags(MONTH.isoformat(), batch))
        figures["close"]["runs"] = len(_batches(tenant_ids))
        figures["landed_to_invoices_seconds"] = round(figures["usage"]["seconds"] + figures["close"]["seconds"], 1)
    figures["runs"] = instance.get_runs_count()
    invoices = len(repo.invoices(MONTH))
    figures["invoices"] = invoices
    with _stage(figures, "service_alone"):
        _close_with_the_service_alone(repo, _batches(tenant_ids))
    figures["sample_one_run_per_partition"] = _one_run_per_partition(defs, instance, tenant_ids[:sample])
    close, alone = figures["close"]["seconds"], figures["service_alone"]["seconds"]
    figures["close"]["invoices_per_second"] = round(invoices / close, 1)
    figures["service_alone"]["invoices_per_second"] = round(invoices / alone, 1)
    figures["close"]["over_service_alone"] = round(close / alone, 2)
    # the close runs use `parallel` processes at once, the service alone one
    parallel = figures["close"].get("parallel_runs", 1)
    figures["close"]["dagster_share"] = round(max(0.0, 1 - alone / (close * parallel)), 3)
    return figures


class _stage:
    """Wall time and the process's peak RSS (itself and finished children) at the end of a stage."""

    def __init__(self, figures: dict, name: str):
        self.figures, self.name = figures, name

    def __enter__(self):
        self.started = time.perf_counter()

    def __exit__(self, *exc):
        peak_kib = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                       resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        self.figures[self.name] = {"seconds": round(time.perf_counter() - self.started, 2),
                                   "peak_rss_mib": round(peak_kib / 1024)}


def _batches(tenants: list[str]) -> list[list[str]]:
    return [tenants[start:start + TENANTS_PER_RUN] for start in range(0, len(tenants), TENANTS_PER_RUN)]


def _execute(defs, instance, job: str, tags: dict, **kwargs) -> None:
    result = defs.resolve_job_def(job).execute_in_process(instance=instance, tags=tags, raise_on_error=False,
                                                          **kwargs)
    if not result.success:
        raise SystemExit(f"{job} {tags} failed (run {result.run_id})")


def _close_through_the_daemon(days: list[date], tenants: list[str]) -> dict:
    """The runs the schedules request (one for the month's usage, then one per batch of tenants), launched
    through GraphQL as the UI does: queued by the QueuedRunCoordinator (max_concurrent_runs at a time) and
    started by the DefaultRunLauncher, each in its own process. Memory is sampled over the whole tree."""
    log_dir = Path(os.environ["DAGSTER_HOME"]) / "logs"
    log_dir.mkdir(exist_ok=True)
    with TreeMemory() as memory, DagsterServices(dict(os.environ), log_dir) as services:
        submitted = time.time()
        usage = services.wait_for_runs([services.launch_run(
            "usage_job", day_range_tags(days[0].isoformat(), days[-1].isoformat()))])
        usage_done = time.time()
        close = services.wait_for_runs([services.launch_run("close_job", partition_range_tags(MONTH.isoformat(), b))
                                        for b in _batches(tenants)])
        finished = time.time()
    failed = [run["runId"] for run in usage + close if run["status"] != "SUCCESS"]
    if failed:
        raise SystemExit(f"runs failed: {failed}; logs in {log_dir}")
    peak = {"peak_rss_mib": round(memory.peak_total_kib / 1024),
            "largest_process_mib": round(memory.peak_process_kib / 1024)}
    return {"usage": {"seconds": round(usage_done - submitted, 2), "runs": 1, **peak},
            "close": {"seconds": round(finished - usage_done, 2), "runs": len(close),
                      "parallel_runs": dg.DagsterInstance.get().get_concurrency_config()
                      .run_queue_config.max_concurrent_runs,
                      "run_seconds": sorted(round(r["endTime"] - r["startTime"], 1) for r in close), **peak},
            "landed_to_invoices_seconds": round(finished - submitted, 1)}


def _close_with_the_service_alone(repo: BillingRepository, batches: list[list[str]]) -> None:
    import duckdb

    from billing_dagster.usage.lake import Lake
    lake, wasm = Lake(billing_home()), WasmResource()
    con = duckdb.connect()
    service = CloseService(CloseStore(repo), wasm.pricer,
                           lambda tenants, period: period_usage(con, lake, period, tenants))
    for batch in batches:
        closed = service.close(batch, MONTH)
        if closed.failures():
            raise SystemExit(f"service alone: {closed.failures()}")


def _one_run_per_partition(defs, instance, tenants: list[str]) -> dict:
    started = time.perf_counter()
    for tenant in tenants:
        _execute(defs, instance, "close_job", {}, partition_key=str(tenant_month_key(tenant, MONTH.isoformat())))
    seconds = time.perf_counter() - started
    return {"tenants": len(tenants), "seconds": round(seconds, 2),
            "seconds_per_tenant": round(seconds / max(1, len(tenants)), 3)}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))))
