"""`billing-dagster demo`: seed the world, then close the month through Dagster on the local instance."""

from datetime import date, timedelta

import dagster as dg

from billing_dagster.demo.seed import seed_demo
from billing_dagster.demo.summary import close_summary
from billing_dagster.domain.periods import Interval, days_of, month_period
from billing_dagster.partitions import TENANTS_PER_RUN, tenant_partitions
from billing_dagster.schedules import day_range_tags, partition_range_tags
from billing_dagster.settings import billing_db_url, billing_home
from billing_dagster.store.database import make_engine, migrate
from billing_dagster.store.repository import BillingRepository


def run_demo(month: date, tenant_count: int = 50, instance: dg.DagsterInstance | None = None) -> str:
    engine = make_engine(billing_db_url())
    migrate(engine)
    seeded = seed_demo(engine, billing_home() / "landing", month, tenant_count)
    print(f"Seeded {seeded['tenants']} tenants and {seeded['lines']:,} landing lines "
          f"({seeded['duplicates']:,} duplicates, {seeded['malformed']:,} malformed) for {month:%Y-%m}")
    instance = instance or dg.DagsterInstance.get()
    repo = BillingRepository(engine)
    register_tenants(instance, repo.tenant_ids())
    days = usage_days(repo, month)
    close_month(instance, month, days=days)
    return close_summary(repo.invoices(month), repo.ingest_totals(days))


def usage_days(repo: BillingRepository, month: date) -> list[date]:
    """The UTC days whose usage the month's weekly and monthly periods cover: the month's own, plus the start
    of an anniversary or weekly period begun the month before and the UTC day a zone west of UTC ends on.
    (The demo's quarterly and annual plans price no usage.)"""
    days = set(days_of(month_period(month)))
    for cycle in repo.billing_cycles(repo.tenant_ids()).values():
        if cycle.interval in (Interval.WEEK, Interval.MONTH):
            for period in cycle.closing_in(month):
                first, last = period.start.date(), (period.end - timedelta(microseconds=1)).date()
                days.update(first + timedelta(days=n) for n in range((last - first).days + 1))
    return sorted(days)


def register_tenants(instance: dg.DagsterInstance, tenant_ids: list[str]) -> None:
    known = set(instance.get_dynamic_partitions(tenant_partitions.name))
    new = [tenant for tenant in tenant_ids if tenant not in known]
    if new:
        instance.add_dynamic_partitions(tenant_partitions.name, new)


def close_month(instance: dg.DagsterInstance, month: date, run_config: dg.RunConfig | None = None,
                tenants_per_run: int = TENANTS_PER_RUN, days: list[date] | None = None) -> list[dg.ExecuteInProcessResult]:
    """Two kinds of run, as the UI would launch them: every day of usage (the month's, or `days`), then tenant
    batches."""
    from billing_dagster.definitions import defs

    days = days or days_of(month_period(month))
    results = [_execute(defs, "usage_job", instance, day_range_tags(days[0].isoformat(), days[-1].isoformat()))]
    tenants = instance.get_dynamic_partitions(tenant_partitions.name)
    for start in range(0, len(tenants), tenants_per_run):
        batch = tenants[start:start + tenants_per_run]
        results.append(_execute(defs, "close_job", instance, partition_range_tags(month.isoformat(), batch),
                                run_config))
    return results


def _execute(defs: dg.Definitions, job_name: str, instance: dg.DagsterInstance, tags: dict,
             run_config: dg.RunConfig | None = None) -> dg.ExecuteInProcessResult:
    result = defs.resolve_job_def(job_name).execute_in_process(
        instance=instance, tags=tags, run_config=run_config, raise_on_error=False)
    print(f"  {job_name} {tags['dagster/asset_partition_range_start']} .. "
          f"{tags['dagster/asset_partition_range_end']}: {'ok' if result.success else 'FAILED'} (run {result.run_id[:8]})")
    if not result.success:
        raise SystemExit(f"{job_name} failed; open the run {result.run_id} in the UI (make ui) for details")
    return result
