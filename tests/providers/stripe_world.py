"""Tenants and draft invoices written straight into the billing database, for the Stripe mirror's tests."""

from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy.orm import Session

from billing_dagster.domain.canonical import document_hash
from billing_dagster.domain.invoicing import build_invoice
from billing_dagster.domain.periods import month_period
from billing_dagster.store import models as m
from billing_dagster.store.repository import BillingRepository

MONTH = date(2026, 2, 1)
TENANTS = {"acme": ("Acme Inc.", "USD", 30), "kaisha": ("Kaisha KK", "JPY", 45), "sultan": ("Sultan Co", "KWD", 0)}
# (kind, description, amount): acme's fee, free usage, overage, a discount and tax; kaisha in yen.
ACME_LINES = [("fee", "Basic plan", 2000), ("usage", "API calls (1,000 included)", 0),
              ("usage", "API calls overage 500 x 0.01", 500), ("discount", "Launch coupon", -250),
              ("tax", "Texas sales tax 8.25%", 186)]
KAISHA_LINES = [("fee", "Yen plan", 3000), ("usage", "API calls 1,001 x 0.5", 500), ("tax", "Consumption tax", 350)]


def seed_tenants(engine, tenant_ids=("acme", "kaisha")) -> None:
    with Session(engine) as s, s.begin():
        s.merge(m.TaxRegion(code="XX", name="Test region", rate=Decimal("0")))
        s.flush()
        for tenant_id in tenant_ids:
            name, code, net_terms = TENANTS[tenant_id]
            s.merge(m.Tenant(id=tenant_id, name=name, currency=code, tax_region="XX", tax_exempt=False,
                             net_terms_days=net_terms, created_at=datetime.now(timezone.utc)))


def save_invoice(engine, tenant_id: str, lines: list[tuple[str, str, int]], month: date = MONTH,
                 net_terms: int | None = None) -> int:
    """Write (or replace) the tenant-month's draft invoice; returns its total."""
    _, code, default_terms = TENANTS[tenant_id]
    charges = [{"rule_id": f"rule_{i}", "kind": kind, "description": text, "metric": None, "quantity": "1",
                "unit_price": str(amount), "amount": amount, "taxable": kind != "tax", "module_id": "test",
                "module_sha256": "a" * 64, "input_sha256": "b" * 64} for i, (kind, text, amount) in enumerate(lines)]
    terms = default_terms if net_terms is None else net_terms
    draft = build_invoice(charges, code, month_period(month), terms)
    BillingRepository(engine).save_draft_invoice(tenant_id, month, "test", draft, document_hash(charges))
    return draft.total
