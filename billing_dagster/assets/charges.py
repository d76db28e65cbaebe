"""Stage 3: Charge IR, each tenant-month's pricing program run in the WASM sandbox."""

from datetime import date

import dagster as dg

from billing_dagster.assets.facts import fact_packs
from billing_dagster.domain.context import module_context
from billing_dagster.domain.periods import month_period
from billing_dagster.domain.programs import program_for
from billing_dagster.domain.rounding import RoundingPolicy
from billing_dagster.partitions import keys_by_month, tenant_month_backfill_policy, tenant_month_partitions
from billing_dagster.resources.db import BillingDatabase
from billing_dagster.resources.wasm import WasmResource

EVERY_TENANT_RATED = "every_tenant_rated"


@dg.asset(
    partitions_def=tenant_month_partitions, backfill_policy=tenant_month_backfill_policy, group_name="billing",
    deps=[fact_packs], check_specs=[dg.AssetCheckSpec(EVERY_TENANT_RATED, asset="charge_lines")],
    description="Charge IR per tenant and month: the output of the tenant's pricing program (WASM modules "
                "under fuel and memory caps), with one audit record per module call. A module failure "
                "leaves that tenant-month without Charge IR (and so without an invoice) and fails the check.",
)
def charge_lines(context: dg.AssetExecutionContext, db: BillingDatabase,
                 wasm: WasmResource) -> dg.MaterializeResult:
    repo, failures = db.repo, {}
    for month, batch in keys_by_month(context.partition_keys).items():
        period = month_period(date.fromisoformat(month))
        accounts = repo.accounts([tenant for _, tenant in batch], period)
        for key, tenant in batch:
            account = accounts[tenant]
            facts, facts_sha256 = repo.fact_pack(tenant, period.start.date())
            policy = RoundingPolicy.from_dict(account.rounding_policy or {})
            run = wasm.rate(program_for(account), module_context(tenant, account.currency, period, policy), facts)
            if run.error is not None:
                repo.record_failed_rating(tenant, period.start.date(), context.run_id, run.executions)
                failures[key] = str(run.error)
                context.log.error(f"{key}: pricing module failed: {run.error}")
                context.add_asset_metadata(partition_key=key, metadata={"error": str(run.error)})
                continue
            digest = repo.save_charges(tenant, period.start.date(), run.charges, facts_sha256, context.run_id,
                                       run.executions, run.carry)
            context.add_asset_metadata(partition_key=key, metadata={
                "sha256": digest, "lines": len(run.charges), "facts_sha256": facts_sha256,
                "fuel": sum(e.fuel for e in run.executions),
                "modules": dg.MetadataValue.json({e.module_id: e.module_sha256[:12] for e in run.executions}),
            })
    return dg.MaterializeResult(check_results=[dg.AssetCheckResult(
        check_name=EVERY_TENANT_RATED, passed=not failures, severity=dg.AssetCheckSeverity.ERROR,
        metadata={"rated": len(context.partition_keys) - len(failures),
                  "failures": dg.MetadataValue.json(failures)})])
