"""The fake keeps the Stripe semantics the mirror relies on, seen through the official SDK itself."""

import pytest
import stripe
from providers.stripe_fake import API_KEY, StripeFake


@pytest.fixture
def client():
    with StripeFake() as fake:
        yield fake, stripe.StripeClient(API_KEY, base_addresses={"api": fake.url}, max_network_retries=0)


def test_same_key_and_params_replays_the_first_response(client):
    fake, sdk = client
    first = sdk.v1.customers.create({"name": "A", "metadata": {"k": "v"}}, {"idempotency_key": "k1"})
    again = sdk.v1.customers.create({"name": "A", "metadata": {"k": "v"}}, {"idempotency_key": "k1"})
    assert first.id == again.id and len(fake.of_type("customer")) == 1
    assert fake.requests[-1].replayed and fake.requests[-1].params == {"name": "A", "metadata": {"k": "v"}}


def test_same_key_other_params_is_an_idempotency_error(client):
    _, sdk = client
    sdk.v1.customers.create({"name": "A"}, {"idempotency_key": "k1"})
    with pytest.raises(stripe.IdempotencyError, match="same parameters"):
        sdk.v1.customers.create({"name": "B"}, {"idempotency_key": "k1"})


def test_errors_use_stripe_envelope(client):
    _, sdk = client
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        sdk.v1.customers.create({"nmae": "typo"})
    assert (unknown.value.code, unknown.value.param, unknown.value.http_status) == ("parameter_unknown", "nmae", 400)
    with pytest.raises(stripe.InvalidRequestError) as missing:
        sdk.v1.invoices.retrieve("in_missing")
    assert (missing.value.code, missing.value.http_status) == ("resource_missing", 404)


def test_items_attach_to_drafts_only_and_lists_paginate(client):
    fake, sdk = client
    customer = sdk.v1.customers.create({"name": "A"})
    invoice = sdk.v1.invoices.create({"customer": customer.id, "currency": "eur",
                                      "collection_method": "send_invoice", "days_until_due": 7})
    for amount in range(1, 13):
        sdk.v1.invoice_items.create({"customer": customer.id, "invoice": invoice.id, "amount": amount,
                                     "currency": "eur"})
    listed = list(sdk.v1.invoice_items.list({"invoice": invoice.id, "limit": 5}).auto_paging_iter())
    assert sorted(i.amount for i in listed) == list(range(1, 13))
    assert sdk.v1.invoices.retrieve(invoice.id).total == 78
    sdk.v1.invoices.finalize_invoice(invoice.id)
    with pytest.raises(stripe.InvalidRequestError, match="not a draft"):
        sdk.v1.invoice_items.create({"customer": customer.id, "invoice": invoice.id, "amount": 1, "currency": "eur"})
