"""Unused allowance rolls over month to month through the pipeline: Charge IR carry -> next fact pack."""

import json
from datetime import date, datetime, timezone

import dagster as dg
from sqlalchemy.orm import Session

from billing_dagster.demo.close import close_month, register_tenants
from billing_dagster.store import models as m

PROGRAM = [{"module": "bucket-overage", "kind": "producer", "config": {
    "rule_id": "api_bucket", "description": "API calls", "bucket": "api", "unit_price": "0.01",
    "rollover": {"cap": "5000", "expires_after_months": 2}}}]
MONTHLY_CALLS = {"2026-01": 600, "2026-02": 1300, "2026-03": 1250}


def _seed(engine, home):
    long_ago = datetime(2025, 1, 1, tzinfo=timezone.utc)
    with Session(engine) as session, session.begin():
        session.add_all([m.Metric(code="api_calls", name="API calls", unit="call"),
                         m.TaxRegion(code="NONE", name="No tax", rate=0),
                         m.Plan(id="pool", name="Pooled allowance", program=PROGRAM)])
        session.flush()
        session.add_all([m.PlanBucket(plan_id="pool", bucket_id="api", metric="api_calls", included=1000),
                         m.Tenant(id="roll", name="Roll Co", currency="USD", tax_region="NONE", tax_exempt=False,
                                  net_terms_days=30, created_at=long_ago)])
        session.flush()
        session.add(m.Subscription(tenant_id="roll", plan_id="pool", starts_at=long_ago, ends_at=None))
    for month, calls in MONTHLY_CALLS.items():
        folder = home / "landing" / f"date={month}-10"
        folder.mkdir(parents=True)
        (folder / "e.jsonl").write_text(json.dumps({"event_id": f"e-{month}", "tenant_id": "roll",
                                                    "metric": "api_calls", "quantity": calls,
                                                    "timestamp": f"{month}-10T12:00:00Z"}) + "\n")


def test_unused_allowance_carries_into_later_months(billing_env, engine, repo):
    _seed(engine, billing_env)
    with dg.instance_for_test() as instance:
        register_tenants(instance, ["roll"])
        for month in MONTHLY_CALLS:
            close_month(instance, date.fromisoformat(f"{month}-01"))
    # January: 600 of 1,000 used, 400 roll over (expiring 2 months after January ends).
    february, _ = repo.fact_pack("roll", date(2026, 2, 1))
    assert february["buckets"]["api"]["carried_in"] == [{"expires": "2026-04-01T00:00:00Z", "quantity": "400"}]
    # February: 1,300 = 400 carried + 900 included, no overage; 100 included unused roll over.
    march, _ = repo.fact_pack("roll", date(2026, 3, 1))
    assert march["buckets"]["api"]["carried_in"] == [{"expires": "2026-05-01T00:00:00Z", "quantity": "100"}]
    # March: 1,250 - 100 carried - 1,000 included = 150 over at 0.01 = 1.50.
    totals = {i.period.isoformat(): i.total for i in
              [repo.stored_invoice("roll", date.fromisoformat(f"{mo}-01")) for mo in MONTHLY_CALLS]}
    assert totals == {"2026-01-01": 0, "2026-02-01": 0, "2026-03-01": 150}
