"""Tenants for the store tests of time entries and adjustments."""

from datetime import datetime, timezone

from sqlalchemy.orm import Session

from billing_dagster.store import models as m

CURRENCIES = {"acme": "USD", "kaisha": "JPY", "souk": "KWD"}


def seed_tenants(engine, extra: int = 0) -> list[str]:
    """acme (USD), kaisha (JPY), souk (KWD) and `extra` USD tenants t000..; returns every tenant id."""
    tenants = dict(CURRENCIES) | {f"t{i:03d}": "USD" for i in range(extra)}
    with Session(engine) as session, session.begin():
        session.add(m.TaxRegion(code="NONE", name="No tax", rate=0))
        session.flush()
        session.add_all([m.Tenant(id=tenant, name=tenant.title(), currency=code, tax_region="NONE",
                                  created_at=datetime(2025, 1, 1, tzinfo=timezone.utc))
                         for tenant, code in tenants.items()])
    return list(tenants)
