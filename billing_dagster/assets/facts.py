"""Stage 2: fact packs, the facts each tenant-month's pricing program may read."""

from datetime import date

import dagster as dg
from dagster_duckdb import DuckDBResource

from billing_dagster.assets.usage import usage_daily
from billing_dagster.domain.programs import program_for
from billing_dagster.domain.periods import days_of, month_period
from billing_dagster.partitions import keys_by_month, tenant_month_backfill_policy, tenant_month_partitions
from billing_dagster.resources.db import BillingDatabase
from billing_dagster.resources.lake import LakeResource
from billing_dagster.resources.wasm import WasmResource
from billing_dagster.runtime.planner import build_planned_fact_pack
from billing_dagster.usage.aggregate import monthly_usage


EVERY_TENANT_SUBSCRIBED = "every_tenant_has_a_subscription"


@dg.asset(
    partitions_def=tenant_month_partitions, backfill_policy=tenant_month_backfill_policy, group_name="billing",
    deps=[usage_daily], check_specs=[dg.AssetCheckSpec(EVERY_TENANT_SUBSCRIBED, asset="fact_packs")],
    description="Per tenant and month: the facts its pricing program declares it reads (subscription, "
                "monthly usage from every day's aggregates, tax, customer) and nothing else, stored canonical "
                "and hashed in the billing database.",
)
def fact_packs(context: dg.AssetExecutionContext, db: BillingDatabase, lake: LakeResource,
               duckdb: DuckDBResource, wasm: WasmResource) -> dg.MaterializeResult:
    repo, the_lake, unsubscribed = db.repo, lake.lake(), []
    for month, batch in keys_by_month(context.partition_keys).items():
        period = month_period(date.fromisoformat(month))
        tenants = [tenant for _, tenant in batch]
        accounts = repo.accounts(tenants, period)
        with duckdb.get_connection() as con:
            usage = monthly_usage(con, the_lake, days_of(period), tenants)
        for key, tenant in batch:
            plan = wasm.plan(program_for(accounts[tenant]))
            if plan.problems:
                raise ValueError(f"{key}: the pricing program declares facts that cannot be built: "
                                 + "; ".join(problem.message for problem in plan.problems))
            carried = repo.carried_into(tenant, period.start.date())
            pack = build_planned_fact_pack(accounts[tenant], period, usage[tenant], plan, carried)
            digest = repo.save_fact_pack(tenant, period.start.date(), pack)
            subscription = accounts[tenant].subscription
            if subscription is None:
                unsubscribed.append(key)
            context.add_asset_metadata(partition_key=key, metadata={
                "sha256": digest, "packs": ", ".join(sorted(pack)),
                "plan": subscription.plan_id if subscription else "none",
                "usage": dg.MetadataValue.json({m: v.get("sum") for m, v in pack.get("usage", {}).items()}),
            })
    return dg.MaterializeResult(check_results=[dg.AssetCheckResult(
        check_name=EVERY_TENANT_SUBSCRIBED, passed=not unsubscribed, severity=dg.AssetCheckSeverity.WARN,
        description="A tenant without a subscription in the month gets a zero invoice.",
        metadata={"unsubscribed": dg.MetadataValue.json(unsubscribed)})])
