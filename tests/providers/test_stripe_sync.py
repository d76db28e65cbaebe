"""The invoice mirror against a local server speaking Stripe's wire format: exactly-once, keys, recovery, totals."""

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session
from providers.stripe_fake import API_KEY, StripeFake
from providers.stripe_world import ACME_LINES, KAISHA_LINES, MONTH, save_invoice, seed_tenants

from billing_dagster.providers import (
    StripeInvoiceLocked, StripeNotConfigured, StripeReconciliationError, StripeRequestFailed, StripeSyncError,
    invoice_to_sync,
)
from billing_dagster.resources.stripe import StripeResource
from billing_dagster.store import models as m
from billing_dagster.store.payments_repository import PaymentsRepository

BASE = "billing-dagster:acme:2026-02:standard:r0"


@pytest.fixture
def fake():
    with StripeFake() as server:
        yield server


@pytest.fixture
def store(engine):
    seed_tenants(engine)
    save_invoice(engine, "acme", ACME_LINES)
    return PaymentsRepository(engine)


def _stripe(fake, **overrides) -> StripeResource:
    return StripeResource(**{"api_key": API_KEY, "api_base": fake.url, "max_network_retries": 0, **overrides})


def _push(stripe, store, tenant="acme"):
    return stripe.push_invoice(store, invoice_to_sync(*store.invoice_and_tenant(tenant, MONTH)))


def _items(fake, invoice_id):
    return [i for i in fake.of_type("invoiceitem") if i["invoice"] == invoice_id]


def test_first_push_mirrors_customer_draft_invoice_and_every_line(fake, store):
    outcome = _push(_stripe(fake), store)
    (customer,), (invoice,) = fake.of_type("customer"), fake.of_type("invoice")
    assert (customer["name"], customer["metadata"]) == ("Acme Inc.", {"billing_tenant": "acme"})
    assert (invoice["customer"], invoice["currency"], invoice["status"]) == (customer["id"], "usd", "draft")
    assert (invoice["collection_method"], invoice["days_until_due"], invoice["auto_advance"]) == (
        "send_invoice", 30, False)
    assert invoice["total"] == 2436 == outcome.total
    items = sorted(_items(fake, invoice["id"]), key=lambda i: int(i["metadata"]["billing_position"]))
    assert [(i["amount"], i["currency"], i["description"]) for i in items] == [
        (amount, "usd", text) for _, text, amount in ACME_LINES]
    assert items[0]["period"] == {"start": 1769904000, "end": 1772323200}  # 2026-02-01 .. 2026-03-01 UTC
    assert (outcome.action, outcome.invoice_id, outcome.customer_id, outcome.writes) == (
        "created", invoice["id"], customer["id"], 2 + len(ACME_LINES))
    stored = store.sync("acme", MONTH)
    assert (stored.stripe_invoice_id, stored.state, stored.generation) == (invoice["id"], "synced", 1)
    assert sorted(i.stripe_invoice_item_id for i in stored.items) == sorted(i["id"] for i in items)
    assert store.customer_id("acme") == customer["id"]


def test_rerun_after_success_makes_no_write_call(fake, store):
    stripe = _stripe(fake)
    _push(stripe, store)
    seen = len(fake.requests)
    outcome = _push(stripe, store)
    again = fake.requests[seen:]
    assert [(r.method, r.path) for r in again] == [("GET", f"/v1/invoices/{outcome.invoice_id}")]
    assert (outcome.action, outcome.writes, outcome.total) == ("unchanged", 0, 2436)
    assert (len(fake.of_type("customer")), len(fake.of_type("invoice")), len(fake.of_type("invoiceitem"))) == (
        1, 1, len(ACME_LINES))


def test_idempotency_keys_are_deterministic_and_stored(fake, store):
    _push(_stripe(fake), store)
    assert [r.idempotency_key for r in fake.writes()] == [
        "billing-dagster:acme:customer", f"{BASE}:g1:invoice",
        *[f"{BASE}:g1:item:{position}" for position in range(len(ACME_LINES))]]
    assert [i.idempotency_key for i in store.sync("acme", MONTH).items] == [
        f"{BASE}:g1:item:{position}" for position in range(len(ACME_LINES))]


def test_same_keys_from_a_second_database_replay_the_same_objects(fake, store, tmp_path):
    """Keys depend on the invoice only: another process (here, another empty database) gets Stripe's replays."""
    first = _push(_stripe(fake), store)
    from billing_dagster.store.database import make_engine, migrate
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    migrate(other)
    seed_tenants(other)
    save_invoice(other, "acme", ACME_LINES)
    second = _push(_stripe(fake), PaymentsRepository(other))
    other.dispose()
    assert (second.customer_id, second.invoice_id) == (first.customer_id, first.invoice_id)
    assert len(fake.of_type("invoiceitem")) == len(ACME_LINES)
    assert all(r.replayed for r in fake.writes()[-second.writes:])


def test_crash_after_item_created_then_rerun_creates_no_duplicate(fake, store):
    """Stripe created item 2, the process died before storing its id; the re-run finds it and adds the rest."""
    stripe = _stripe(fake)
    fake.drop_response("POST", "/v1/invoiceitems", after=2)
    with pytest.raises(StripeRequestFailed, match="could not reach Stripe"):
        _push(stripe, store)
    assert len(fake.of_type("invoiceitem")) == 3 and len(store.sync("acme", MONTH).items) == 2
    seen = len(fake.requests)
    outcome = _push(stripe, store)
    assert outcome.action == "resumed" and outcome.total == 2436
    assert len(fake.of_type("invoiceitem")) == len(ACME_LINES)
    created = [r.idempotency_key for r in fake.requests[seen:] if r.path == "/v1/invoiceitems" and r.method == "POST"]
    assert created == [f"{BASE}:g1:item:3", f"{BASE}:g1:item:4"]
    assert len(store.sync("acme", MONTH).items) == len(ACME_LINES)


def test_crash_after_invoice_created_before_items_then_rerun(fake, store):
    """Killed between invoice creation and item creation: one invoice, one set of items after the re-run."""
    stripe = _stripe(fake)
    fake.drop_response("POST", "/v1/invoices")
    with pytest.raises(StripeRequestFailed):
        _push(stripe, store)
    assert len(fake.of_type("invoice")) == 1 and fake.of_type("invoiceitem") == []
    _push(stripe, store)
    (invoice,) = fake.of_type("invoice")
    assert len(_items(fake, invoice["id"])) == len(ACME_LINES) and invoice["total"] == 2436


def test_crash_then_keys_expired_adopts_instead_of_duplicating(fake, store):
    """Past Stripe's 24 h key retention a replay is impossible; the draft and items are found by metadata."""
    stripe = _stripe(fake)
    fake.drop_response("POST", "/v1/invoices")
    with pytest.raises(StripeRequestFailed):
        _push(stripe, store)
    fake.expire_idempotency_keys()
    fake.drop_response("POST", "/v1/invoiceitems", after=1)
    with pytest.raises(StripeRequestFailed):
        _push(stripe, store)
    fake.expire_idempotency_keys()
    outcome = _push(stripe, store)
    (invoice,) = fake.of_type("invoice")
    assert outcome.invoice_id == invoice["id"] and len(fake.of_type("invoiceitem")) == len(ACME_LINES)
    assert invoice["total"] == 2436


def test_network_retry_inside_one_call_reuses_the_key(fake, store):
    fake.drop_response("POST", "/v1/invoiceitems", after=1)
    _push(_stripe(fake, max_network_retries=1), store)
    item_writes = [r for r in fake.writes() if r.path == "/v1/invoiceitems"]
    assert [r.idempotency_key for r in item_writes][1:3] == [f"{BASE}:g1:item:1"] * 2
    assert item_writes[2].replayed and len(fake.of_type("invoiceitem")) == len(ACME_LINES)


def test_changed_invoice_reconciles_the_draft_under_new_keys(fake, store, engine):
    stripe = _stripe(fake)
    first = _push(stripe, store)
    old_items = {i["id"] for i in fake.of_type("invoiceitem")}
    new_total = save_invoice(engine, "acme", ACME_LINES[:2] + [("usage", "API calls overage 900 x 0.01", 900)])
    outcome = _push(stripe, store)
    assert (outcome.action, outcome.generation, outcome.invoice_id, outcome.total) == (
        "reconciled", 2, first.invoice_id, new_total)
    items = fake.of_type("invoiceitem")
    assert len(items) == 3 and not old_items & {i["id"] for i in items}
    assert {i["metadata"]["billing_generation"] for i in items} == {"2"}
    deletes = [r.path for r in fake.writes() if r.method == "DELETE"]
    assert sorted(deletes) == sorted(f"/v1/invoiceitems/{i}" for i in old_items)
    assert fake.of_type("invoice")[0]["metadata"]["billing_generation"] == "2"
    assert {i.generation for i in store.sync("acme", MONTH).items} == {2}
    assert _push(stripe, store).action == "unchanged"


def test_crash_during_reconciliation_then_rerun(fake, store, engine):
    stripe = _stripe(fake)
    _push(stripe, store)
    save_invoice(engine, "acme", ACME_LINES + [("adjustment", "Goodwill credit", -100)])
    fake.drop_response("POST", "/v1/invoiceitems", after=3)
    with pytest.raises(StripeRequestFailed):
        _push(stripe, store)
    fake.expire_idempotency_keys()
    outcome = _push(stripe, store)
    assert (outcome.action, outcome.generation, outcome.total) == ("resumed", 2, 2336)
    items = fake.of_type("invoiceitem")
    assert len(items) == len(ACME_LINES) + 1 and {i["metadata"]["billing_generation"] for i in items} == {"2"}


def test_changed_invoice_after_stripe_finalized_fails_without_writing(fake, store, engine):
    stripe = _stripe(fake)
    first = _push(stripe, store)
    fake.objects[first.invoice_id]["status"] = "open"  # someone finalized it in the dashboard
    save_invoice(engine, "acme", ACME_LINES[:1])
    writes = len(fake.writes())
    with pytest.raises(StripeInvoiceLocked, match=f"Stripe invoice {first.invoice_id} is open"):
        _push(stripe, store)
    assert len(fake.writes()) == writes and store.sync("acme", MONTH).generation == 1


def test_total_drift_in_stripe_fails_with_both_totals(fake, store):
    stripe = _stripe(fake)
    first = _push(stripe, store)
    fake.objects[_items(fake, first.invoice_id)[0]["id"]]["amount"] += 1  # edited in the dashboard
    with pytest.raises(StripeReconciliationError, match=r"totals 2437 USD minor units but our invoice totals "
                                                        r"24\.36 USD \(2436 minor units\)"):
        _push(stripe, store)


def test_foreign_item_on_the_draft_is_left_alone_and_reported(fake, store, engine):
    stripe = _stripe(fake)
    first = _push(stripe, store)
    fake.objects["ii_manual"] = {"id": "ii_manual", "object": "invoiceitem", "customer": first.customer_id,
                                 "invoice": first.invoice_id, "amount": 999, "currency": "usd", "created": 1,
                                 "description": "added by hand", "metadata": {}}
    save_invoice(engine, "acme", ACME_LINES[:3])
    with pytest.raises(StripeReconciliationError, match="totals 3499 USD"):
        _push(stripe, store)
    assert "ii_manual" in fake.objects


def test_zero_and_three_decimal_currencies(fake, store, engine):
    save_invoice(engine, "kaisha", KAISHA_LINES)
    outcome = _push(_stripe(fake), store, "kaisha")
    assert outcome.total == 3850 and fake.objects[outcome.invoice_id]["currency"] == "jpy"
    assert sorted(i["amount"] for i in _items(fake, outcome.invoice_id)) == [350, 500, 3000]
    seed_tenants(engine, ["sultan"])
    save_invoice(engine, "sultan", [("fee", "Plan", 12345)])
    writes = len(fake.writes())
    with pytest.raises(StripeSyncError, match="multiples of 10"):
        _push(_stripe(fake), store, "sultan")
    assert len(fake.writes()) == writes


def test_stripe_errors_are_mapped_to_clear_messages(fake, store):
    with pytest.raises(StripeRequestFailed, match=r"rejected the API key \(HTTP 401\)"):
        _push(_stripe(fake, api_key="sk_test_wrong"), store)
    fake.fail("POST", "/v1/invoices", 400, {"type": "invalid_request_error", "code": "parameter_invalid",
                                             "message": "Invalid currency: usd", "param": "currency"})
    with pytest.raises(StripeRequestFailed, match=r"create invoice: Stripe answered HTTP 400 parameter_invalid: "
                                                  r"Invalid currency: usd, request req_\d+"):
        _push(_stripe(fake), store)
    fake.fail("POST", "/v1/invoiceitems", 500, {"type": "api_error", "message": "Something went wrong"})
    with pytest.raises(StripeRequestFailed, match="HTTP 500"):
        _push(_stripe(fake), store)
    assert _push(_stripe(fake), store).total == 2436


def test_changed_params_under_a_used_key_is_an_idempotency_error(fake, store, engine):
    """The tenant was renamed between a crashed customer creation and its retry: same key, other parameters."""
    fake.drop_response("POST", "/v1/customers")
    with pytest.raises(StripeRequestFailed):
        _push(_stripe(fake), store)
    with Session(engine) as s, s.begin():
        s.execute(update(m.Tenant).where(m.Tenant.id == "acme").values(name="Acme Corporation"))
    with pytest.raises(StripeRequestFailed, match="refused idempotency key 'billing-dagster:acme:customer'"):
        _push(_stripe(fake), store)
    assert len(fake.of_type("customer")) == 1 and fake.of_type("invoice") == []


def test_unreachable_stripe(store):
    stripe = StripeResource(api_key=API_KEY, api_base="http://127.0.0.1:9", max_network_retries=0)
    with pytest.raises(StripeRequestFailed, match="could not reach Stripe at http://127.0.0.1:9"):
        _push(stripe, store)


def test_missing_key_says_how_to_configure(store, monkeypatch):
    monkeypatch.delenv("STRIPE_API_KEY", raising=False)
    with pytest.raises(StripeNotConfigured, match="set STRIPE_API_KEY"):
        _push(StripeResource(), store)


def test_key_and_host_come_from_the_environment(fake, store, monkeypatch):
    monkeypatch.setenv("STRIPE_API_KEY", API_KEY)
    monkeypatch.setenv("STRIPE_API_BASE", fake.url)
    stripe = StripeResource(max_network_retries=0)
    assert _push(stripe, store).action == "created" and stripe.dashboard_url("in_1") is None
