"""Stage 5: each tenant-month's invoice mirrored to Stripe exactly once (docs/stripe.md)."""

from datetime import date

import dagster as dg

from billing_dagster.domain.money import Money
from billing_dagster.partitions import split_tenant_month, tenant_month_backfill_policy, tenant_month_partitions
from billing_dagster.providers.stripe_api import StripeNotConfigured, StripeSyncError
from billing_dagster.providers.stripe_params import invoice_to_sync
from billing_dagster.resources.db import BillingDatabase
from billing_dagster.resources.stripe import StripeResource
from billing_dagster.store.payments_repository import PaymentsRepository


@dg.asset(
    partitions_def=tenant_month_partitions, backfill_policy=tenant_month_backfill_policy, group_name="payments",
    deps=["invoices"], output_required=False,
    description="The tenant-month's invoice mirrored to Stripe: customer, draft invoice (send_invoice, not "
                "auto-advanced), one invoice item per line, under deterministic idempotency keys. Re-runs write "
                "nothing unless our invoice changed; Stripe's total must equal ours to the minor unit. A tenant "
                "that fails does not stop the others; the run then fails listing each failed tenant-month. Each "
                "tenant-month is reported with its own materialization, so one that failed is not shown as mirrored.",
)
def stripe_invoices(context: dg.AssetExecutionContext, db: BillingDatabase,
                    stripe: StripeResource):
    try:
        stripe.api()
    except StripeNotConfigured as error:
        raise dg.Failure(description=str(error)) from error
    store, failures, skipped, writes = PaymentsRepository(db.repo.engine), {}, [], 0
    for key in context.partition_keys:
        tenant, month = split_tenant_month(key)
        period = date.fromisoformat(month)
        found = store.invoice_and_tenant(tenant, period)
        if found is None:
            skipped.append(key)
            yield dg.AssetMaterialization(asset_key=context.asset_key, partition=str(key),
                                          metadata={"skipped": _nothing(store, tenant, period)})
            continue
        try:
            outcome = stripe.push_invoice(store, invoice_to_sync(*found))
        except StripeSyncError as error:
            failures[key] = str(error)
            context.log.error(f"{key}: {error}")
            continue
        writes += outcome.writes
        url = stripe.dashboard_url(outcome.invoice_id)
        yield dg.AssetMaterialization(asset_key=context.asset_key, partition=str(key), metadata={
            "action": outcome.action, "stripe_customer": outcome.customer_id,
            "stripe_invoice": dg.MetadataValue.url(url) if url else outcome.invoice_id,
            "stripe_status": outcome.status, "total": str(Money.of(outcome.total, found[0].currency)),
            "total_minor": outcome.total, "items": outcome.items, "generation": outcome.generation,
            "stripe_writes": outcome.writes,
        })
    if failures:
        raise dg.Failure(
            description=f"{len(failures)} of {len(context.partition_keys)} tenant-months were not mirrored to "
                        "Stripe (the others were, and a re-run leaves them untouched):\n"
                        + "\n".join(f"- {key}: {reason}" for key, reason in failures.items()),
            metadata={"failures": dg.MetadataValue.json(failures)})
    context.log.info(f"mirrored {len(context.partition_keys) - len(skipped)} tenant-months, skipped "
                     f"{len(skipped)}, {writes} Stripe writes")


def _nothing(store: PaymentsRepository, tenant: str, period: date) -> str:
    earlier = store.sync(tenant, period)
    if earlier is None or earlier.stripe_invoice_id is None:
        return "no invoice to mirror"
    return (f"no invoice to mirror; Stripe still has {earlier.stripe_invoice_id} ({earlier.stripe_status}) "
            "from an earlier sync, left untouched")
