"""Schedules: ingest each finished UTC day; close each month in batches of tenants."""

from datetime import timedelta

import dagster as dg

from billing_dagster.jobs import close_job, usage_job
from billing_dagster.partitions import TENANTS_PER_RUN, daily_partitions, tenant_month_key

usage_schedule = dg.build_schedule_from_partitioned_job(usage_job, hour_of_day=0, minute_of_hour=30)


@dg.schedule(job=close_job, cron_schedule="0 6 1 * *", execution_timezone="UTC")
def monthly_close_schedule(context: dg.ScheduleEvaluationContext):
    """On the 1st, close last month: one run per batch of tenants, never one run per tenant."""
    month = (context.scheduled_execution_time.replace(day=1) - timedelta(days=1)).replace(day=1)
    month_key = month.strftime("%Y-%m-%d")
    tenants = context.instance.get_dynamic_partitions("tenants")
    for start in range(0, len(tenants), TENANTS_PER_RUN):
        batch = tenants[start:start + TENANTS_PER_RUN]
        yield dg.RunRequest(run_key=f"close-{month_key}-{start}", tags=partition_range_tags(month_key, batch))


def partition_range_tags(month: str, tenants: list[str]) -> dict[str, str]:
    """Tags that make one run cover a contiguous range of tenants (dynamic keys keep insertion order)."""
    return {"dagster/asset_partition_range_start": str(tenant_month_key(tenants[0], month)),
            "dagster/asset_partition_range_end": str(tenant_month_key(tenants[-1], month)),
            "billing/month": month}


def day_range_tags(first_day: str, last_day: str) -> dict[str, str]:
    return {"dagster/asset_partition_range_start": first_day, "dagster/asset_partition_range_end": last_day}


__all__ = ["daily_partitions", "monthly_close_schedule", "usage_schedule"]
