"""Stage 1: raw usage events (validated, deduplicated) and their daily aggregates."""

from datetime import date

import dagster as dg
from dagster_duckdb import DuckDBResource

from billing_dagster.partitions import daily_partitions, usage_backfill_policy
from billing_dagster.resources.db import BillingDatabase
from billing_dagster.resources.lake import LakeResource
from billing_dagster.usage.aggregate import aggregate_day, aggregated_and_accepted
from billing_dagster.usage.inbox import drain_inbox_to_landing
from billing_dagster.usage.ingest import ingest_day

EVENTS_BALANCE = "events_in_equals_accepted_duplicate_quarantined"
AGGREGATES_COVER_EVENTS = "aggregates_count_every_accepted_event"


@dg.asset(
    partitions_def=daily_partitions, backfill_policy=usage_backfill_policy, group_name="usage",
    check_specs=[dg.AssetCheckSpec(
        EVENTS_BALANCE, asset="usage_events",
        description="Every landed record is accepted, a duplicate, a conflict or quarantined, and every landing "
                    "file was read: fails (ERROR) for a day whose counts do not add up or with a rejected file.")],
    description="Validated, deduplicated usage events of one UTC day in the Parquet lake; refused records and "
                "conflicts go to the quarantine with their reason, unreadable files are listed as rejected.",
)
def usage_events(context: dg.AssetExecutionContext, db: BillingDatabase, lake: LakeResource,
                 duckdb: DuckDBResource) -> dg.MaterializeResult:
    repo, the_lake = db.repo, lake.lake()
    tenants, metrics, maxima = repo.tenant_ids(), repo.metric_codes(), repo.metric_maxima()
    unbalanced, rejected = [], {}
    with duckdb.get_connection() as con:
        for key in context.partition_keys:
            # Events the HTTP API acknowledged for the day become a landing file first (usage/inbox.py).
            drain_inbox_to_landing(repo.engine, the_lake.landing_dir, date.fromisoformat(key))
            counts = ingest_day(con, the_lake, date.fromisoformat(key), tenants, metrics, maxima)
            # The database has no conflict column: there conflicts count as quarantined (they are in the
            # quarantine file), so its events_in = accepted + duplicate + quarantined still holds.
            repo.record_ingest_counts(date.fromisoformat(key), counts.events_in, counts.accepted,
                                      counts.duplicate, counts.quarantined + counts.conflict)
            if not counts.balanced():
                unbalanced.append(key)
            if counts.rejected_files:
                rejected[key] = counts.rejected_files
            context.add_asset_metadata(partition_key=key, metadata={
                "events_in": counts.events_in, "accepted": counts.accepted, "duplicate": counts.duplicate,
                "conflict": counts.conflict, "quarantined": counts.quarantined,
                "landing_files": counts.landing_files,
                "rejected_files": dg.MetadataValue.json(counts.rejected_files),
                "quarantine_by_field": dg.MetadataValue.json(counts.quarantine_reasons),
                "path": dg.MetadataValue.path(str(the_lake.events_file(date.fromisoformat(key)))),
            })
    return dg.MaterializeResult(check_results=[dg.AssetCheckResult(
        check_name=EVENTS_BALANCE, passed=not unbalanced and not rejected,
        metadata={"days_checked": len(context.partition_keys), "unbalanced_days": dg.MetadataValue.json(unbalanced),
                  "rejected_files": dg.MetadataValue.json(rejected)})])


@dg.asset(
    partitions_def=daily_partitions, backfill_policy=usage_backfill_policy, group_name="usage",
    deps=[usage_events], check_specs=[dg.AssetCheckSpec(AGGREGATES_COVER_EVENTS, asset="usage_daily")],
    description="DuckDB aggregates per tenant and metric for one day: count, sum, min, max.",
)
def usage_daily(context: dg.AssetExecutionContext, lake: LakeResource,
                duckdb: DuckDBResource) -> dg.MaterializeResult:
    the_lake, lost = lake.lake(), {}
    with duckdb.get_connection() as con:
        for key in context.partition_keys:
            day = date.fromisoformat(key)
            rows = aggregate_day(con, the_lake, day)
            aggregated, accepted = aggregated_and_accepted(con, the_lake, day)
            if aggregated != accepted:
                lost[key] = {"aggregated": aggregated, "accepted": accepted}
            context.add_asset_metadata(partition_key=key, metadata={
                "tenant_metric_rows": rows, "events_aggregated": aggregated,
                "path": dg.MetadataValue.path(str(the_lake.daily_file(day))),
            })
    return dg.MaterializeResult(check_results=[dg.AssetCheckResult(
        check_name=AGGREGATES_COVER_EVENTS, passed=not lost, metadata={"mismatched_days": dg.MetadataValue.json(lost)})])
