"""Mirror one of our invoices to Stripe exactly once: customer, draft invoice, one invoice item per line.

Order and recovery (docs/stripe.md):
1. The customer is created once per tenant (key `<prefix>:<tenant>:customer`) and its id stored.
2. A draft invoice is created first (`pending_invoice_items_behavior=exclude`), then each line becomes an item
   attached to that draft, so no item ever waits as a "pending" item that another invoice could sweep up.
3. Each Stripe id is stored in the billing database right after the call that returned it, before the next
   call. A retry of a crashed run repeats the same deterministic keys, so Stripe replays instead of creating;
   when the stored id is missing after Stripe's 24 h key expiry, the draft and its items are found again by
   their metadata (`billing_key`, `billing_generation`, `billing_position`) and adopted.
4. When our invoice changed (charges_sha256) and Stripe's is still a draft, the generation grows: the items of
   older generations are deleted and the lines are pushed again under new keys, on the same Stripe invoice.
5. Stripe's invoice is fetched back and its total must equal ours to the minor unit, or the sync fails.
"""

from dataclasses import dataclass

from billing_dagster.domain.money import Money
from billing_dagster.providers.stripe_api import (
    RemoteInvoice, StripeApi, StripeInvoiceLocked, StripeReconciliationError, StripeSyncError,
)
from billing_dagster.providers.stripe_params import (
    InvoiceToSync, Keys, customer_key, invoice_params, item_params, stripe_amount,
)
from billing_dagster.store.payments_repository import PaymentsRepository


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    action: str  # created | resumed | reconciled | unchanged
    customer_id: str
    invoice_id: str
    status: str
    total: int
    items: int
    generation: int
    writes: int


def ensure_customer(api: StripeApi, store: PaymentsRepository, tenant_id: str, name: str, key_prefix: str) -> str:
    """The tenant's Stripe customer id: the stored one, else a customer created once under a fixed key."""
    stored = store.customer_id(tenant_id)
    if stored is not None:
        return stored
    created = api.create_customer({"name": name, "metadata": {"billing_tenant": tenant_id}},
                                  customer_key(key_prefix, tenant_id))
    return store.save_customer(tenant_id, created)


def sync_invoice(api: StripeApi, store: PaymentsRepository, invoice: InvoiceToSync, key_prefix: str) -> SyncOutcome:
    keys, writes_before = Keys(key_prefix, invoice), api.writes
    for line in invoice.lines:
        stripe_amount(line.amount, invoice.currency, f"{invoice.label} line {line.position}")
    customer = ensure_customer(api, store, invoice.tenant_id, invoice.tenant_name, key_prefix)
    record, existed = store.open_sync(invoice.tenant_id, invoice.period, invoice.kind, invoice.revision,
                                      invoice.charges_sha256, invoice.currency, invoice.total)
    action = "resumed" if existed else "created"
    if record.charges_sha256 != invoice.charges_sha256:
        if record.stripe_invoice_id is not None:
            _require_draft(api.invoice(record.stripe_invoice_id), invoice, record.charges_sha256)
        record = store.new_generation(record.id, invoice.charges_sha256, invoice.currency, invoice.total)
        action = "reconciled"
    elif record.state == "synced":
        remote = api.invoice(record.stripe_invoice_id)
        _require_same_total(remote, invoice)
        store.save_status(record.id, remote.status)
        return SyncOutcome("unchanged", customer, remote.id, remote.status, remote.total,
                           len(invoice.lines), record.generation, api.writes - writes_before)

    generation, fresh = record.generation, False
    invoice_id = record.stripe_invoice_id
    if invoice_id is None and existed:
        invoice_id = _adopt_draft(api, customer, keys)
    if invoice_id is None:
        invoice_id = api.create_invoice(invoice_params(invoice, customer, keys, generation),
                                        keys.invoice(generation)).id
        fresh = True
    if record.stripe_invoice_id is None:
        store.save_invoice_id(record.id, invoice_id)
    if not fresh:
        _update_header(api, invoice_id, invoice, keys, generation)
        _sweep_items(api, store, record.id, invoice_id, keys, generation)
    stored = {(item.generation, item.position) for item in store.items(record.id)}
    for line in invoice.lines:
        if (generation, line.position) in stored:
            continue
        key = keys.item(generation, line.position)
        item_id = api.create_invoice_item(item_params(invoice, line, customer, invoice_id, keys, generation), key)
        store.save_item(record.id, generation, line.position, item_id, line.amount, key)
    remote = api.invoice(invoice_id)
    _require_same_total(remote, invoice)
    store.mark_synced(record.id, remote.status, remote.total)
    return SyncOutcome(action, customer, invoice_id, remote.status, remote.total, len(invoice.lines),
                       generation, api.writes - writes_before)


def _adopt_draft(api: StripeApi, customer: str, keys: Keys) -> str | None:
    """A draft an earlier attempt created but never stored (its key may have expired): find it by metadata."""
    mine = [i for i in api.draft_invoices(customer) if i.metadata.get("billing_key") == keys.identity]
    if len(mine) > 1:
        raise StripeSyncError(f"{keys.identity}: Stripe has {len(mine)} draft invoices for it "
                              f"({', '.join(i.id for i in mine)}); delete the extra drafts in Stripe, then re-run")
    return mine[0].id if mine else None


def _update_header(api: StripeApi, invoice_id: str, invoice: InvoiceToSync, keys: Keys, generation: int) -> None:
    api.update_invoice(invoice_id, {"days_until_due": invoice.days_until_due, "metadata": {
        "billing_generation": str(generation), "billing_charges_sha256": invoice.charges_sha256}},
        keys.update(generation))


def _sweep_items(api: StripeApi, store: PaymentsRepository, sync_id: int, invoice_id: str, keys: Keys,
                 generation: int) -> None:
    """Adopt this generation's items Stripe has but we did not store; delete older generations and duplicates."""
    stored = {item.stripe_invoice_item_id: item for item in store.items(sync_id)}
    current = {(i.generation, i.position): i.stripe_invoice_item_id for i in stored.values()}
    stale = []
    for item in api.invoice_items(invoice_id):
        if item.metadata.get("billing_key") != keys.identity:
            continue  # not ours: left alone, and the total check reports it
        slot = (int(item.metadata.get("billing_generation", -1)), int(item.metadata.get("billing_position", -1)))
        if slot[0] == generation and slot not in current:
            store.save_item(sync_id, generation, slot[1], item.id, item.amount, keys.item(*slot))
            current[slot] = item.id
        elif slot[0] != generation or current[slot] != item.id:
            stale.append(item.id)
    stale += [item_id for item_id, item in stored.items() if item.generation != generation]
    for item_id in dict.fromkeys(stale):
        api.delete_invoice_item(item_id)
    store.drop_items(sync_id, list(dict.fromkeys(stale)))


def _require_draft(remote: RemoteInvoice, invoice: InvoiceToSync, synced_sha256: str) -> None:
    if remote.status != "draft":
        raise StripeInvoiceLocked(
            f"{invoice.label}: our invoice changed since it was mirrored (charges {synced_sha256[:12]} -> "
            f"{invoice.charges_sha256[:12]}), but Stripe invoice {remote.id} is {remote.status}, no longer a draft. "
            "Nothing was changed in Stripe; a finalized invoice is corrected with a credit note, not edited.")


def _require_same_total(remote: RemoteInvoice, invoice: InvoiceToSync) -> None:
    if remote.currency.upper() != invoice.currency.upper() or remote.total != invoice.total:
        ours = Money.of(invoice.total, invoice.currency)
        raise StripeReconciliationError(
            f"{invoice.label}: Stripe invoice {remote.id} totals {remote.total} {remote.currency.upper()} minor "
            f"units but our invoice totals {ours} ({invoice.total} minor units). Look for items added, changed or "
            "removed in Stripe's dashboard; the partition stays failed until both agree.")
