"""Put the demo world into the billing database and its month of events into the landing area."""

from datetime import date
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from billing_dagster.demo.events import write_month
from billing_dagster.demo.features import seed_features
from billing_dagster.demo.world import (CURRENCY_FACTORS, METRICS, PLANS, TAX_REGIONS, DemoTenant, demo_tenants,
                                       plan_prices)
from billing_dagster.store.seed import upsert_reference


def seed_demo(engine: Engine, landing_root: Path, month: date, tenant_count: int = 50) -> dict:
    tenants = demo_tenants(month, count=tenant_count)
    seed_world(engine, tenants)
    seed_features(engine, month, {t.id for t in tenants})
    counts = write_month(landing_root, month, tenants)
    return {"tenants": len(tenants), **counts}


def seed_world(engine: Engine, tenants: list[DemoTenant]) -> None:
    """The demo's metrics, tax regions and plans, and these tenants with their subscriptions."""
    plans = {plan: (PLANS[plan][0], {code: plan_prices(plan, code) for code in CURRENCY_FACTORS}) for plan in PLANS}
    rows = [{"id": t.id, "name": t.name, "currency": t.currency, "tax_region": t.tax_region,
             "tax_exempt": t.tax_exempt, "net_terms_days": 30, **dict(t.cycle),
             "subscriptions": [dict(s) for s in t.subscriptions] or [
                 {"plan_id": t.plan, "starts_at": t.starts_at, "ends_at": None}]} for t in tenants]
    with Session(engine) as session, session.begin():
        upsert_reference(session, metrics=METRICS, tax_regions=TAX_REGIONS, plans=plans, tenants=rows)
