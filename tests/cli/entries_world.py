"""Tenants in three currencies for the time-entries and adjustments commands."""

from datetime import datetime, timezone

from sqlalchemy.orm import Session

from billing_dagster.store import models as m


def seed_tenants(engine) -> None:
    with Session(engine) as session, session.begin():
        session.add(m.TaxRegion(code="NONE", name="No tax", rate=0))
        session.flush()
        session.add_all([m.Tenant(id=tenant, name=tenant.title(), currency=code, tax_region="NONE",
                                  created_at=datetime(2025, 1, 1, tzinfo=timezone.utc))
                         for tenant, code in (("acme", "USD"), ("kaisha", "JPY"), ("souk", "KWD"))])
