"""A small hand-made world for whole-month scenarios: four tenants, three plans, February 2026."""

import json
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy.orm import Session

from billing_dagster.store.seed import upsert_reference

MONTH = date(2026, 2, 1)
FULL_MONTH = datetime(2025, 12, 1, tzinfo=timezone.utc)


def _graduated(rule_id, metric, description, included, overage):
    return {"rule_id": rule_id, "component": "usage", "description": description, "metric": metric,
            "tier_mode": "graduated",
            "tiers": [{"up_to": included, "unit_price": "0"}, {"up_to": None, "unit_price": overage}]}


PLANS = {
    "basic": ("Basic", {"USD": [
        {"rule_id": "base_fee", "component": "base_fee", "description": "Basic plan", "amount_minor": 2000},
        _graduated("api_calls", "api_calls", "API calls", "1000", "0.01")]}),
    "pro": ("Pro", {"USD": [
        {"rule_id": "base_fee", "component": "base_fee", "description": "Pro plan", "amount_minor": 10000},
        _graduated("api_calls", "api_calls", "API calls", "10000", "0.005"),
        _graduated("llm_tokens", "llm_tokens", "LLM tokens", "100000", "0.00001")]}),
    "yen": ("Yen", {"JPY": [
        {"rule_id": "base_fee", "component": "base_fee", "description": "Yen plan", "amount_minor": 3000},
        _graduated("api_calls", "api_calls", "API calls", "1000", "0.5")]}),
}

TENANTS = [
    {"id": "acme", "name": "Acme", "currency": "USD", "tax_region": "US-TX", "tax_exempt": False,
     "net_terms_days": 30, "subscription": {"plan_id": "basic", "starts_at": FULL_MONTH, "ends_at": None}},
    {"id": "globex", "name": "Globex", "currency": "USD", "tax_region": "US-CA", "tax_exempt": False,
     "net_terms_days": 15, "subscription": {
         "plan_id": "pro", "starts_at": datetime(2026, 2, 15, tzinfo=timezone.utc), "ends_at": None}},
    {"id": "kaisha", "name": "Kaisha", "currency": "JPY", "tax_region": "JP", "tax_exempt": False,
     "net_terms_days": 30, "subscription": {"plan_id": "yen", "starts_at": FULL_MONTH, "ends_at": None}},
    {"id": "exempt", "name": "Exempt Co", "currency": "USD", "tax_region": "US-TX", "tax_exempt": True,
     "net_terms_days": 30, "subscription": {"plan_id": "basic", "starts_at": FULL_MONTH, "ends_at": None}},
]

# (event_id, tenant, metric, quantity, timestamp)
EVENTS = [
    ("a1", "acme", "api_calls", 1000, "2026-02-01T08:00:00Z"),
    ("a2", "acme", "api_calls", 400, "2026-02-10T08:00:00Z"),
    ("a3", "acme", "api_calls", "100", "2026-02-28T23:59:59Z"),
    ("a4", "acme", "llm_tokens", 5000, "2026-02-11T08:00:00Z"),
    ("g1", "globex", "api_calls", 12000, "2026-02-15T01:00:00Z"),
    ("g2", "globex", "api_calls", 345, "2026-02-20T01:00:00+00:00"),
    ("g3", "globex", "llm_tokens", 150000, "2026-02-21T01:00:00Z"),
    ("k1", "kaisha", "api_calls", 2001, "2026-02-03T12:00:00Z"),
    ("e1", "exempt", "api_calls", 10, "2026-02-04T12:00:00Z"),
]


def seed_world(engine) -> None:
    tenants = [dict(t, subscription=dict(t["subscription"])) for t in TENANTS]
    with Session(engine) as session, session.begin():
        upsert_reference(
            session, plans=PLANS, tenants=tenants,
            metrics={"api_calls": ("API calls", "call"), "llm_tokens": ("LLM tokens", "token")},
            tax_regions={"US-TX": ("Texas sales tax", "0.0825"), "US-CA": ("California sales tax", "0.0725"),
                         "JP": ("Japanese consumption tax", "0.1")})


def land_events(home: Path, extra_lines: dict[str, list[str]] | None = None) -> None:
    """One landing file per event day, plus any extra raw lines keyed by day."""
    by_day: dict[str, list[str]] = {}
    for event_id, tenant, metric, quantity, ts in EVENTS:
        line = json.dumps({"event_id": event_id, "tenant_id": tenant, "metric": metric,
                           "quantity": quantity, "timestamp": ts})
        by_day.setdefault(ts[:10], []).append(line)
    for day, lines in (extra_lines or {}).items():
        by_day.setdefault(day, []).extend(lines)
    for day, lines in by_day.items():
        folder = home / "landing" / f"date={day}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "events.jsonl").write_text("\n".join(lines) + "\n")
