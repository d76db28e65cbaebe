"""Stages 2-4, the month close: fact packs, Charge IR and draft invoices per tenant and month.

A tenant-month holds the tenant's billing periods that close in that month (one for a calendar-monthly tenant,
4-5 for a weekly one, none for an annual tenant outside its anniversary month: docs/billing-periods.md).
One multi-asset step runs the batch close service for the run's tenant-months, so a batch of tenants costs one
step, one read of the batch and one write per stage. Each stage stays its own partitioned asset: a
tenant-month is reported materialized only when that stage succeeded for it (see close_metadata.py for
per-tenant against per-batch metadata), and a tenant that failed is named by its stage's check. Any subset of the three can be materialized alone; a stage
not selected is read from the billing database.
"""

from datetime import date

import dagster as dg
from dagster_duckdb import DuckDBResource

from billing_dagster.assets.close_checks import CHECK_SPECS, check_results
from billing_dagster.assets.close_metadata import CloseConfig, materializations
from billing_dagster.assets.usage import usage_daily
from billing_dagster.close import CloseService, Stage
from billing_dagster.partitions import keys_by_month, tenant_month_backfill_policy, tenant_month_partitions
from billing_dagster.resources.db import BillingDatabase
from billing_dagster.resources.lake import LakeResource
from billing_dagster.resources.wasm import WasmResource
from billing_dagster.store.close_store import CloseStore
from billing_dagster.usage.aggregate import period_usage

CLOSE_SPECS = [
    dg.AssetSpec("fact_packs", deps=[usage_daily], skippable=True, group_name="billing",
                 description="Per tenant and month: the facts its pricing program declares it reads (subscription, "
                             "monthly usage from every day's aggregates, tax, customer) and nothing else, stored "
                             "canonical and hashed in the billing database."),
    dg.AssetSpec("charge_lines", deps=["fact_packs"], skippable=True, group_name="billing",
                 description="Charge IR per tenant and month: the output of the tenant's pricing program (WASM "
                             "modules under fuel and memory caps), with one audit record per module call. A module "
                             "failure leaves that tenant-month without Charge IR (and so without an invoice)."),
    dg.AssetSpec("invoices", deps=["charge_lines"], skippable=True, group_name="billing",
                 description="Draft invoice per tenant and month: lines, subtotal, discount, tax, total and due "
                             "date."),
]


@dg.multi_asset(
    name="month_close", specs=CLOSE_SPECS, check_specs=CHECK_SPECS, partitions_def=tenant_month_partitions,
    backfill_policy=tenant_month_backfill_policy, can_subset=True,
)
def month_close(context: dg.AssetExecutionContext, config: CloseConfig, db: BillingDatabase, lake: LakeResource,
                duckdb: DuckDBResource, wasm: WasmResource):
    stages = [Stage(key.path[-1]) for key in context.selected_asset_keys]
    batches, keys = [], {}
    with duckdb.get_connection() as con:
        the_lake = lake.lake()
        service = CloseService(CloseStore(db.repo), wasm.pricer,
                               lambda tenants, period: period_usage(con, the_lake, period, tenants))
        for month, keyed in keys_by_month(context.partition_keys).items():
            batch = service.close([tenant for _, tenant in keyed], date.fromisoformat(month), stages, context.run_id)
            for tenant, failure in batch.failures().items():
                context.log.error(f"{month}|{tenant}: {failure}")
            batches.append(batch)
            keys.update({(batch.month, tenant): key for key, tenant in keyed})
            if batch.idle:
                context.log.info(f"{month}: no billing period closes for {len(batch.idle)} tenant(s), e.g. "
                                 f"{', '.join(batch.idle[:5])}")
    yield from materializations(batches, keys, config.per_tenant(len(context.partition_keys)))
    yield from check_results(context, batches)
