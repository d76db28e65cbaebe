"""A pricing module that fails takes down its own tenant-month only, with the error on record."""

from datetime import datetime, timezone

import dagster as dg
from month_world import MONTH, PLANS, TENANTS, land_events
from sqlalchemy import select
from sqlalchemy.orm import Session

from billing_dagster.demo.close import close_month, register_tenants
from billing_dagster.store import models as m
from billing_dagster.store.seed import upsert_reference

BROKEN_PLAN = ("Broken", {"USD": [{
    "rule_id": "api_calls", "component": "usage", "description": "API calls", "metric": "api_calls",
    "tier_mode": "graduated",
    "tiers": [{"up_to": "100", "unit_price": "0"}, {"up_to": "50", "unit_price": "1"},
              {"up_to": None, "unit_price": "2"}]}]})


def test_failing_module_fails_only_its_tenant(billing_env, engine, repo):
    broken = {"id": "broken", "name": "Broken", "currency": "USD", "tax_region": "US-TX", "tax_exempt": False,
              "net_terms_days": 30, "subscription": {"plan_id": "broken", "ends_at": None,
                                                     "starts_at": datetime(2026, 1, 1, tzinfo=timezone.utc)}}
    tenants = [dict(t, subscription=dict(t["subscription"])) for t in TENANTS] + [broken]
    with Session(engine) as session, session.begin():
        upsert_reference(session, plans={**PLANS, "broken": BROKEN_PLAN}, tenants=tenants,
                         metrics={"api_calls": ("API calls", "call"), "llm_tokens": ("LLM tokens", "token")},
                         tax_regions={"US-TX": ("Texas", "0.0825"), "US-CA": ("California", "0.0725"),
                                      "JP": ("Japan", "0.1")})
    land_events(billing_env)
    with dg.instance_for_test() as instance:
        register_tenants(instance, repo.tenant_ids())
        results = close_month(instance, MONTH)
    evaluations = {e.check_name: e for e in results[-1].get_asset_check_evaluations()}
    rated = evaluations["every_tenant_rated"]
    assert not rated.passed
    assert list(rated.metadata["failures"].value) == ["2026-02-01|broken"]
    assert "tiers" in rated.metadata["failures"].value["2026-02-01|broken"]
    invoiced = {invoice.tenant_id for invoice in repo.invoices(MONTH)}
    assert invoiced == {"acme", "globex", "kaisha", "exempt"}
    with Session(engine) as session:
        errors = session.scalars(select(m.Execution.error).where(m.Execution.tenant_id == "broken")).all()
    assert len(errors) == 1 and errors[0].startswith("module_error")
