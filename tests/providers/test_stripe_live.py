"""The mirror against Stripe's real test mode. Deselected by default; run it where Stripe is reachable with
`STRIPE_API_KEY=sk_test_... .venv/bin/python -m pytest -m stripe_live tests/providers -p no:cacheprovider`.
Each run uses its own idempotency-key prefix and deletes the drafts and customers it created."""

import os
import uuid

import pytest
import stripe
from providers.stripe_world import ACME_LINES, KAISHA_LINES, MONTH, save_invoice, seed_tenants

from billing_dagster.providers import invoice_to_sync
from billing_dagster.resources.stripe import StripeResource
from billing_dagster.store.payments_repository import PaymentsRepository

pytestmark = pytest.mark.stripe_live


@pytest.fixture
def live():
    key = os.environ.get("STRIPE_API_KEY", "")
    if not key.startswith("sk_test_"):
        pytest.skip("stripe_live was selected but STRIPE_API_KEY is not a Stripe test-mode secret key (sk_test_...); "
                    "these tests never run against live mode or without a key")
    resource = StripeResource(api_key=key, api_base="https://api.stripe.com",
                              key_prefix=f"bd-live-{uuid.uuid4().hex[:12]}")
    sdk = stripe.StripeClient(key)
    created: list[tuple[str, str]] = []
    yield resource, sdk, created
    for kind, object_id in reversed(created):
        try:
            (sdk.v1.invoices if kind == "invoice" else sdk.v1.customers).delete(object_id)
        except stripe.StripeError:  # best-effort cleanup of test-mode objects; the assertions already ran
            pass


def test_mirror_rerun_and_reconcile_in_test_mode(live, engine):
    resource, sdk, created = live
    seed_tenants(engine)
    store = PaymentsRepository(engine)

    def push(tenant):
        outcome = resource.push_invoice(store, invoice_to_sync(*store.invoice_and_tenant(tenant, MONTH)))
        for kind, object_id in (("customer", outcome.customer_id), ("invoice", outcome.invoice_id)):
            if (kind, object_id) not in created:
                created.append((kind, object_id))
        return outcome

    total = save_invoice(engine, "acme", ACME_LINES)
    first = push("acme")
    assert (first.action, first.status, first.total) == ("created", "draft", total)
    remote = sdk.v1.invoices.retrieve(first.invoice_id)
    assert (remote.total, remote.currency, remote.collection_method, remote.auto_advance) == (
        total, "usd", "send_invoice", False)
    assert len(list(sdk.v1.invoice_items.list({"invoice": first.invoice_id}).auto_paging_iter())) == len(ACME_LINES)

    again = push("acme")
    assert (again.action, again.writes) == ("unchanged", 0)

    changed = save_invoice(engine, "acme", ACME_LINES[:3])
    reconciled = push("acme")
    assert (reconciled.action, reconciled.invoice_id, reconciled.total) == ("reconciled", first.invoice_id, changed)
    assert sdk.v1.invoices.retrieve(first.invoice_id).total == changed

    yen_total = save_invoice(engine, "kaisha", KAISHA_LINES)
    yen = push("kaisha")
    assert yen.total == yen_total and sdk.v1.invoices.retrieve(yen.invoice_id).currency == "jpy"
