"""A world of billing cycles for whole-month scenarios through the assets: a mid-day plan change, seats, a
trial, weekly, annual, anniversary, month-end-anchored and New York (DST) tenants, October-November 2026."""

import json
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy.orm import Session

from billing_dagster.store.seed import upsert_reference

OCTOBER, NOVEMBER = date(2026, 10, 1), date(2026, 11, 1)
# Usage days the two closes read: weekly and anniversary periods start in September, New York's November
# ends on December 1st at 05:00 UTC.
FIRST_DAY, LAST_DAY = date(2026, 9, 15), date(2026, 12, 1)


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def _graduated(rule_id, metric, description, included, overage):
    return {"rule_id": rule_id, "component": "usage", "description": description, "metric": metric,
            "tier_mode": "graduated",
            "tiers": [{"up_to": included, "unit_price": "0"}, {"up_to": None, "unit_price": overage}]}


def _fee(description, amount):
    return {"rule_id": "base_fee", "component": "base_fee", "description": description, "amount_minor": amount}


PLANS = {
    "basic": ("Basic", {"USD": [_fee("Basic plan", 2000), _graduated("api_calls", "api_calls", "API calls", "1000",
                                                                     "0.01")]}),
    "pro": ("Pro", {"USD": [_fee("Pro plan", 10000), _graduated("api_calls", "api_calls", "API calls", "10000",
                                                                 "0.005")]}),
    "weekly": ("Weekly", {"USD": [_fee("Weekly plan", 500)]}),
    "annual": ("Annual", {"USD": [_fee("Annual plan", 120000)]}),
}

EARLY = utc(2026, 1, 1)


def _tenant(tenant_id, subscriptions, **cycle):
    return {"id": tenant_id, "name": tenant_id.title(), "currency": "USD", "tax_region": "US-TX", "tax_exempt": False,
            "net_terms_days": 30, "subscriptions": subscriptions, **cycle}


def _sub(plan, starts_at, ends_at=None, **extra):
    return {"plan_id": plan, "starts_at": starts_at, "ends_at": ends_at, **extra}


TENANTS = [
    # Basic until October 21st 14:00 UTC, Pro from then on: the change day is Pro's.
    _tenant("upgrader", [_sub("basic", EARLY, utc(2026, 10, 21, 14)), _sub("pro", utc(2026, 10, 21, 14))]),
    _tenant("seats", [_sub("basic", EARLY, quantity=3)]),
    _tenant("trial", [_sub("basic", utc(2026, 10, 1), trial_ends_at=utc(2026, 10, 15))]),
    _tenant("weekly", [_sub("weekly", EARLY)], billing_interval="week", billing_anchor_day=1),
    _tenant("annual", [_sub("annual", utc(2025, 10, 10))], billing_interval="year", billing_anchor_day=10,
            billing_anchor_month=10),
    _tenant("anniversary", [_sub("basic", utc(2026, 9, 15))], billing_anchor_day=15),
    _tenant("monthend", [_sub("basic", utc(2026, 9, 30))], billing_anchor_day=31),
    _tenant("newyork", [_sub("basic", EARLY)], timezone="America/New_York"),
]

# (event_id, tenant, quantity, timestamp), all api_calls
EVENTS = [
    ("u1", "upgrader", 500, "2026-10-05T10:00:00Z"),
    ("v1", "anniversary", 1500, "2026-09-20T10:00:00Z"),  # in [Sep 15, Oct 15): October's invoice
    ("v2", "anniversary", 1200, "2026-10-20T10:00:00Z"),  # in [Oct 15, Nov 15): November's
    ("n0", "newyork", 700, "2026-11-01T03:30:00Z"),  # Oct 31st 23:30 in New York: October
    ("n1", "newyork", 1500, "2026-11-15T12:00:00Z"),
    ("n2", "newyork", 300, "2026-12-01T04:30:00Z"),  # Nov 30th 23:30 EST: November
]


def seed_periods(engine) -> None:
    tenants = [dict(t, subscriptions=[dict(s) for s in t["subscriptions"]]) for t in TENANTS]
    with Session(engine) as session, session.begin():
        upsert_reference(session, plans=PLANS, tenants=tenants, metrics={"api_calls": ("API calls", "call")},
                         tax_regions={"US-TX": ("Texas sales tax", "0.0825")})


def land_period_events(home: Path) -> None:
    by_day: dict[str, list[str]] = {}
    for event_id, tenant, quantity, ts in EVENTS:
        by_day.setdefault(ts[:10], []).append(json.dumps({
            "event_id": event_id, "tenant_id": tenant, "metric": "api_calls", "quantity": quantity, "timestamp": ts}))
    for day, lines in by_day.items():
        folder = home / "landing" / f"date={day}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "events.jsonl").write_text("\n".join(lines) + "\n")
