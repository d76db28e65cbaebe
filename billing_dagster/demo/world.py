"""A deterministic SaaS world: Free, Standard and Enterprise plans, tenants in four currencies."""

import random
from dataclasses import dataclass
from datetime import date, datetime, timezone

METRICS = {
    "api_calls": ("API calls", "call"),
    "llm_tokens": ("LLM tokens", "token"),
    "agent_executions": ("Agent executions", "execution"),
    "compute_seconds": ("Compute seconds", "second"),
    "bandwidth_gb": ("Bandwidth egress", "GB"),
}

TAX_REGIONS = {
    "US-TX": ("Texas sales tax", "0.0825"),
    "US-CA": ("California sales tax", "0.0725"),
    "US-OR": ("Oregon (no sales tax)", "0"),
    "DE": ("German VAT", "0.19"),
    "GB": ("UK VAT", "0.2"),
    "JP": ("Japanese consumption tax", "0.1"),
    "KW": ("Kuwait (no VAT)", "0"),
    "US-NY-NYC": ("New York City sales tax", "0.08875"),  # its three components: demo/features.py
}

# plan -> (name, base fee in USD cents, {metric: (included units, overage unit price in USD)})
PLANS = {
    "free": ("Free", 0, {"api_calls": ("10000", "0"), "llm_tokens": ("100000", "0")}),
    "standard": ("Standard", 9900, {
        "api_calls": ("100000", "0.0005"), "llm_tokens": ("1000000", "0.000002"),
        "agent_executions": ("1000", "0.01"), "compute_seconds": ("36000", "0.0001"),
        "bandwidth_gb": ("100", "0.08")}),
    "weekly": ("Weekly", 2500, {"api_calls": ("25000", "0.0005"), "llm_tokens": ("250000", "0.000002")}),
    "annual": ("Annual", 990000, {}),  # a yearly fee only: its close needs no year of usage days
    "consulting": ("Consulting", 0, {}),  # priced by its explicit program (demo/features.py)
    "enterprise": ("Enterprise", 49900, {
        "api_calls": ("1000000", "0.0003"), "llm_tokens": ("10000000", "0.0000015"),
        "agent_executions": ("10000", "0.008"), "compute_seconds": ("360000", "0.00008"),
        "bandwidth_gb": ("1000", "0.05")}),
}

# currency -> (base fee multiplier numerator, denominator, unit price multiplier) relative to USD cents
CURRENCY_FACTORS = {"USD": (1, 1, "1"), "EUR": (92, 100, "0.92"), "GBP": (79, 100, "0.79"), "JPY": (150, 100, "150"),
                    "KWD": (307, 100, "0.307")}  # KWD has 3 decimals: 99.00 USD = 30.393 KWD
CURRENCY_REGIONS = {"EUR": "DE", "GBP": "GB", "JPY": "JP", "KWD": "KW"}


@dataclass(frozen=True, slots=True)
class DemoTenant:
    id: str
    name: str
    plan: str
    currency: str
    tax_region: str
    tax_exempt: bool
    starts_at: datetime
    events_per_day: int
    cycle: tuple[tuple[str, object], ...] = ()  # tenants columns: timezone, billing_interval, billing_anchor_*
    subscriptions: tuple[dict, ...] = ()  # when set, these rows instead of one subscription to `plan`


def demo_tenants(month: date, seed: int = 7, count: int = 50, features: bool = True) -> list[DemoTenant]:
    """`features`: a few tenants show billing cycles, seats, trials (see _featured); off, every tenant bills
    calendar months in UTC (the benchmarks' homogeneous world)."""
    rng = random.Random(seed)
    month_start = datetime(month.year, month.month, 1, tzinfo=timezone.utc)
    tenants = []
    for index in range(1, count + 1):
        plan = "free" if index % 10 in (1, 4, 7) else ("enterprise" if index % 5 == 0 else "standard")
        code = {3: "EUR", 6: "EUR", 8: "GBP", 9: "JPY"}.get(index % 10, "USD") if index > 10 else "USD"
        region = CURRENCY_REGIONS.get(code) or rng.choice(["US-TX", "US-CA", "US-OR"])
        starts = month_start if index % 9 else month_start.replace(day=rng.randint(5, 25))
        if index % 9 and rng.random() < 0.7:
            starts = month_start.replace(year=month.year - 1)
        volume = {"free": 120, "standard": 650, "enterprise": 1800}[plan]
        tenant = DemoTenant(f"t{index:03d}", f"Tenant {index:03d}", plan, code, region, index == 13, starts, volume)
        tenants.append(_featured(tenant, month) if features else tenant)
    return tenants


def _featured(tenant: DemoTenant, month: date) -> DemoTenant:
    """A few tenants show the billing features (docs/billing-periods.md); the rest bill calendar months in UTC."""
    first = datetime(month.year, month.month, 1, tzinfo=timezone.utc)
    year_before = first.replace(year=month.year - 1)
    features = {
        # Standard until the 17th at 14:00, Enterprise from then on: each plan's fee for its part of the month
        "t002": dict(subscriptions=(_sub("standard", year_before, first.replace(day=17, hour=14)),
                                    _sub("enterprise", first.replace(day=17, hour=14)))),
        "t003": dict(subscriptions=(_sub("standard", first, trial_ends_at=first.replace(day=11)),)),  # 10-day trial
        "t004": dict(cycle=(("billing_anchor_day", 15),)),  # anniversary: the 15th to the 14th
        "t005": dict(plan="weekly", cycle=(("billing_interval", "week"), ("billing_anchor_day", 1)),
                     subscriptions=(_sub("weekly", year_before),)),  # weekly, from Mondays
        "t006": dict(plan="annual", cycle=(("billing_interval", "year"), ("billing_anchor_day", 20),
                                           ("billing_anchor_month", month.month)),
                     subscriptions=(_sub("annual", year_before.replace(day=20)),)),  # one invoice a year
        "t007": dict(cycle=(("timezone", "America/New_York"),)),
        "t008": dict(subscriptions=(_sub("standard", year_before, quantity=5),)),  # five seats
        "t009": dict(plan="consulting", subscriptions=(_sub("consulting", year_before),)),  # hours: time entries
        "t015": dict(tax_region="US-NY-NYC"),  # state, city and district taxes
        "t012": dict(currency="KWD", tax_region="KW"),
    }
    from dataclasses import replace
    return replace(tenant, **features.get(tenant.id, {}))


def _sub(plan: str, starts_at: datetime, ends_at: datetime | None = None, **extra) -> dict:
    return {"plan_id": plan, "starts_at": starts_at, "ends_at": ends_at, **extra}


def plan_prices(plan: str, code: str) -> list[dict]:
    """A plan's prices in one currency: a base fee (if any) then one graduated price per metric."""
    name, base_usd, usage = PLANS[plan]
    numerator, denominator, unit_factor = CURRENCY_FACTORS[code]
    prices = []
    if base_usd:
        amount = base_usd * numerator // denominator
        prices.append({"rule_id": "base_fee", "component": "base_fee", "description": f"{name} plan",
                       "amount_minor": amount})
    for metric, (included, unit_usd) in usage.items():
        overage = _decimal_product(unit_usd, unit_factor)
        prices.append({"rule_id": metric, "component": "usage", "description": METRICS[metric][0],
                       "metric": metric, "tier_mode": "graduated",
                       "tiers": [{"up_to": included, "unit_price": "0"}, {"up_to": None, "unit_price": overage}]})
    return prices


def _decimal_product(a: str, b: str) -> str:
    from decimal import Decimal

    from billing_dagster.domain.decimals import decimal_text
    return decimal_text(Decimal(a) * Decimal(b))
