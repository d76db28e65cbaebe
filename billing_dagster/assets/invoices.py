"""Stage 4: draft invoices, rounded and totalled from the Charge IR, with the checks that guard them."""

from datetime import date

import dagster as dg

from billing_dagster.assets.charges import charge_lines
from billing_dagster.domain.invoicing import build_invoice
from billing_dagster.domain.money import Money
from billing_dagster.domain.periods import month_period
from billing_dagster.partitions import keys_by_month, tenant_month_backfill_policy, tenant_month_partitions
from billing_dagster.resources.db import BillingDatabase

TOTALS_MATCH = "total_equals_lines_and_charge_ir"
LINES_TRACED = "every_line_has_module_and_input_hash"


@dg.asset(
    partitions_def=tenant_month_partitions, backfill_policy=tenant_month_backfill_policy, group_name="billing",
    deps=[charge_lines],
    check_specs=[dg.AssetCheckSpec(TOTALS_MATCH, asset="invoices"), dg.AssetCheckSpec(LINES_TRACED, asset="invoices")],
    description="Draft invoice per tenant and month: lines, subtotal, discount, tax, total and due date.",
)
def invoices(context: dg.AssetExecutionContext, db: BillingDatabase) -> dg.MaterializeResult:
    repo, mismatched, untraced, unrated = db.repo, [], [], []
    for month, batch in keys_by_month(context.partition_keys).items():
        period = month_period(date.fromisoformat(month))
        accounts = repo.accounts([tenant for _, tenant in batch], period)
        for key, tenant in batch:
            rated = repo.charges(tenant, period.start.date())
            if rated is None:
                repo.discard_draft_invoice(tenant, period.start.date())
                unrated.append(key)
                context.add_asset_metadata(partition_key=key, metadata={"skipped": "no Charge IR (rating failed)"})
                continue
            charges, charges_sha256 = rated
            account = accounts[tenant]
            draft = build_invoice(charges, account.currency, period, account.net_terms_days)
            plan = account.subscription.plan_id if account.subscription else None
            repo.save_draft_invoice(tenant, period.start.date(), plan, draft, charges_sha256)
            stored = repo.stored_invoice(tenant, period.start.date())
            if not _totals_agree(stored, charges):
                mismatched.append(key)
            if any(not (line.module_sha256 and line.input_sha256) for line in stored.lines):
                untraced.append(key)
            context.add_asset_metadata(partition_key=key, metadata={
                "total": str(Money.of(draft.total, draft.currency)), "total_minor": draft.total,
                "tax_minor": draft.tax, "lines": len(draft.lines), "plan": plan or "none",
                "due_date": draft.due_date.isoformat(), "charges_sha256": charges_sha256,
                "preview": dg.MetadataValue.md(_preview(draft)),
            })
    return dg.MaterializeResult(
        metadata={"invoiced": len(context.partition_keys) - len(unrated), "unrated": dg.MetadataValue.json(unrated)},
        check_results=[
            dg.AssetCheckResult(check_name=TOTALS_MATCH, passed=not mismatched,
                                metadata={"mismatched": dg.MetadataValue.json(mismatched)}),
            dg.AssetCheckResult(check_name=LINES_TRACED, passed=not untraced,
                                metadata={"untraced": dg.MetadataValue.json(untraced)}),
        ])


def _totals_agree(stored, charges: list[dict]) -> bool:
    """Stored total == sum of stored lines == Charge IR total == subtotal - discount + tax."""
    line_sum = sum(line.amount for line in stored.lines)
    ir_sum = sum(line["amount"] for line in charges)
    return stored.total == line_sum == ir_sum == stored.subtotal - stored.discount + stored.tax


def _preview(draft) -> str:
    rows = ["| line | quantity | unit price | amount |", "|---|---:|---:|---:|"]
    rows += [f"| {l['description']} | {l['quantity']} | {l['unit_price']} | "
             f"{Money.of(l['amount'], draft.currency)} |" for l in draft.lines]
    rows.append(f"| **total** | | | **{Money.of(draft.total, draft.currency)}** |")
    return "\n".join(rows)
