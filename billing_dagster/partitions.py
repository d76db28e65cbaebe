"""Partitions: UTC days for usage; tenant × month for everything billed."""

import dagster as dg

FIRST_DAY = "2025-01-01"

daily_partitions = dg.DailyPartitionsDefinition(start_date=FIRST_DAY)
month_partitions = dg.MonthlyPartitionsDefinition(start_date=FIRST_DAY)
tenant_partitions = dg.DynamicPartitionsDefinition(name="tenants")
tenant_month_partitions = dg.MultiPartitionsDefinition({"month": month_partitions, "tenant": tenant_partitions})

# A daemon-launched run costs seconds of process start and run bookkeeping, so a month close batches this
# many tenants per run: 10,000 tenants are 20 runs, two at a time (benchmarks/RESULTS.md).
TENANTS_PER_RUN = 500
usage_backfill_policy = dg.BackfillPolicy.multi_run(max_partitions_per_run=31)
tenant_month_backfill_policy = dg.BackfillPolicy.multi_run(max_partitions_per_run=TENANTS_PER_RUN)


def tenant_month_key(tenant: str, month: str) -> dg.MultiPartitionKey:
    return dg.MultiPartitionKey({"tenant": tenant, "month": month})


def split_tenant_month(key: str | dg.MultiPartitionKey) -> tuple[str, str]:
    """(tenant, month) of a tenant-month partition key."""
    dims = key.keys_by_dimension if isinstance(key, dg.MultiPartitionKey) else _parse(key)
    return dims["tenant"], dims["month"]


def _parse(key: str) -> dict[str, str]:
    month, tenant = key.split("|", 1)
    return {"month": month, "tenant": tenant}


def keys_by_month(keys) -> dict[str, list[tuple[str, str]]]:
    """Group a batch of tenant-month keys: {month: [(partition key, tenant), ...]} in key order."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    for key in keys:
        tenant, month = split_tenant_month(key)
        grouped.setdefault(month, []).append((str(key), tenant))
    return grouped
