"""Upserts of reference data (metrics, tax regions, plans, prices, tenants, subscriptions)."""

from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import delete
from sqlalchemy.orm import Session

from billing_dagster.store import models as m


def upsert_reference(session: Session, *, metrics: dict, tax_regions: dict, plans: dict[str, tuple[str, dict]],
                     tenants: list[dict]) -> None:
    """Replace the demo's reference data in one transaction; identical input leaves identical rows."""
    for code, (name, unit, *maximum) in metrics.items():  # (name, unit) or (name, unit, max_event_quantity)
        session.merge(m.Metric(code=code, name=name, unit=unit,
                               max_event_quantity=Decimal(maximum[0]) if maximum else None))
    for code, (name, rate) in tax_regions.items():
        session.merge(m.TaxRegion(code=code, name=name, rate=Decimal(rate)))
    session.flush()
    session.execute(delete(m.Price))
    for plan_id, (name, prices_by_currency) in plans.items():
        session.merge(m.Plan(id=plan_id, name=name))
        session.flush()
        for code, prices in prices_by_currency.items():
            for position, price in enumerate(prices):
                session.add(m.Price(plan_id=plan_id, currency=code, position=position, **price))
    tenant_ids = [t["id"] for t in tenants]
    session.execute(delete(m.Subscription).where(m.Subscription.tenant_id.in_(tenant_ids)))
    for tenant in tenants:
        # "subscription": one, or "subscriptions": several (a plan change is one ending where the next starts)
        single = tenant.pop("subscription", None)
        subscriptions = tenant.pop("subscriptions", None) or ([single] if single else [])
        session.merge(m.Tenant(created_at=datetime.now(timezone.utc), **tenant))
        session.flush()
        session.add_all(m.Subscription(tenant_id=tenant["id"], **subscription) for subscription in subscriptions)
