"""fixed-fee: recurring fees, proration, plan filter (plan changes), fair-market-value service allocation.

Each case runs the built module and its Python reference (same bytes). Amounts worked by hand in comments.
"""

import pytest
from producer_harness import CATALOG, FEB, HOST, lines, run, traps

from billing_dagster.domain.programs import ProgramStep
from billing_dagster.runtime.program import run_program

DAY = 86_400


def fee(amount=9900, proration="day", **extra) -> dict:
    return {"rule_id": "base_fee", "description": "Standard plan", "amount": amount, "proration": proration, **extra}


def sub(active_days=28, period_days=28, plan="standard", active_seconds=None, sub_id=None) -> dict:
    entry = {"plan": plan, "start": "2026-02-15T00:00:00Z", "end": None, "active_days": active_days,
             "period_days": period_days, "period_seconds": period_days * DAY,
             "active_seconds": active_days * DAY if active_seconds is None else active_seconds}
    if sub_id is not None:
        entry["id"] = sub_id
    return entry


SERVICES = [{"description": "CRM", "weight": 10000}, {"description": "Support", "weight": 5000},
            {"description": "Onboarding", "weight": 3000}]


@pytest.mark.parametrize(("config", "subscription", "expected"), [
    # full period: the whole fee
    (fee(), sub(), [("base_fee", "fee", "Standard plan", "1", "99.00", 9900)]),
    # 9900 x 14/28 = 4950
    (fee(), sub(14), [("base_fee", "fee", "Standard plan (prorated 14/28 days)", "1", "99.00", 4950)]),
    # 9900 x 1209601/2419200 = 4950.004 -> 4950
    (fee(proration="second"), sub(14, active_seconds=1_209_601),
     [("base_fee", "fee", "Standard plan (prorated 1209601/2419200 seconds)", "1", "99.00", 4950)]),
    # "none": the full fee whenever the subscription was active
    (fee(proration="none"), sub(3), [("base_fee", "fee", "Standard plan", "1", "99.00", 9900)]),
    # started mid-period, ends before the period does: 9 of 28 days, 9900 x 9/28 = 3182.14 -> 3182
    (fee(), sub(9), [("base_fee", "fee", "Standard plan (prorated 9/28 days)", "1", "99.00", 3182)]),
    # not active at all in the period: no line
    (fee(), sub(0), []),
    # plan filter: the pro step charges the pro subscription only
    (fee(plan="pro"), sub(plan="pro"), [("base_fee", "fee", "Standard plan", "1", "99.00", 9900)]),
    (fee(plan="pro"), sub(plan="basic"), []),
    # bundle of 120.00 split by FMV 100 : 50 : 30 (weights 10000, 5000, 3000 of 18000):
    # 6666.67 -> 6666 (rest 12000), 3333.33 -> 3333 (rest 6000), 2000 (rest 0); one cent left -> CRM
    (fee(12000, services=SERVICES), sub(),
     [("base_fee", "fee", "CRM", "1", "66.67", 6667), ("base_fee", "fee", "Support", "1", "33.33", 3333),
      ("base_fee", "fee", "Onboarding", "1", "20.00", 2000)]),
    # prorated first, 12000 x 14/28 = 6000, then split: 3333.33, 1666.67, 1000 -> 3333 + 1667 + 1000
    (fee(12000, services=SERVICES), sub(14),
     [("base_fee", "fee", "CRM (prorated 14/28 days)", "1", "66.67", 3333),
      ("base_fee", "fee", "Support (prorated 14/28 days)", "1", "33.33", 1667),
      ("base_fee", "fee", "Onboarding (prorated 14/28 days)", "1", "20.00", 1000)]),
    # equal weights of 100.00: 3333.33 each, the earlier service takes the odd cent
    (fee(10000, services=[{"description": d, "weight": 1} for d in "ABC"]), sub(),
     [("base_fee", "fee", "A", "1", "33.34", 3334), ("base_fee", "fee", "B", "1", "33.33", 3333),
      ("base_fee", "fee", "C", "1", "33.33", 3333)]),
])
def test_fee_lines(config, subscription, expected):
    assert lines(run("fixed-fee", config, {"subscription": subscription})) == expected


@pytest.mark.parametrize(("rounding", "amount"), [("half_even", 12), ("half_up", 13), ("up", 13), ("down", 12)])
def test_proration_follows_the_rounding_policy(rounding, amount):
    out = run("fixed-fee", fee(100), {"subscription": sub(1, 8)}, rounding=rounding)  # 100 / 8 = 12.5
    assert [c["amount"] for c in out["charges"]] == [amount]


@pytest.mark.parametrize(("currency", "amount", "unit_price", "charged"), [
    ("JPY", 15000, "15000", 5357),   # 15000 x 10/28 = 5357.14 yen
    ("KWD", 12345, "12.345", 4409),  # 12.345 KWD x 10/28 = 4.40893 -> 4409 fils
])
def test_currency_exponents(currency, amount, unit_price, charged):
    out = run("fixed-fee", fee(amount), {"subscription": sub(10)}, currency=currency)
    assert [(c["unit_price"], c["amount"]) for c in out["charges"]] == [(unit_price, charged)]


def test_categories_from_the_step_and_the_service():
    services = [dict(SERVICES[0]), dict(SERVICES[1], category="support"), dict(SERVICES[2])]
    out = run("fixed-fee", fee(12000, services=services, category="platform"), {"subscription": sub()})
    assert [c["category"] for c in out["charges"]] == ["platform", "support", "platform"]
    assert sum(c["amount"] for c in out["charges"]) == 12000


def test_absent_subscription_warns_and_charges_nothing():
    assert run("fixed-fee", fee(), {}) == {"charges": [], "warnings": ["facts.subscription is absent: no fee charged"]}


@pytest.mark.parametrize(("config", "subscription", "error"), [
    (fee(services=[]), sub(), "config.services: must not be empty"),
    (fee(services=[{"description": "A", "weight": -1}]), sub(), "config.services[0].weight: must not be negative"),
    (fee(services=[{"description": "A", "weight": 0}, {"description": "B", "weight": 0}]), sub(),
     "config.services: weights must not all be zero"),
    (fee(services=[{"weight": 1}]), sub(), "config.services[0].description: missing"),
    (fee(category=""), sub(), "config.category: must not be empty"),
    (fee(plan=7), sub(), "config.plan: must be a string"),
    (fee(plan="pro"), {k: v for k, v in sub().items() if k != "plan"}, "facts.subscription.plan: missing"),
    (fee(amount=-1), sub(), "config.amount: must not be negative"),
    (fee(proration="week"), sub(), "config.proration: must be one of day, second, none"),
])
def test_invalid_input_is_an_error(config, subscription, error):
    assert run("fixed-fee", config, {"subscription": subscription}) == {"error": error}


def test_overflow_traps():
    traps("fixed-fee", fee(2**53 - 1, "second"), {"subscription": sub(27, active_seconds=27 * DAY + 1)})


def test_plan_change_mid_period_bills_each_subscription_once():
    """Basic until 11 Feb (10 of 28 days), Pro from then (18 days): the runner fans each step out over both
    subscriptions; the plan filter lets each step charge only its own plan."""
    pack = {"subscriptions": [sub(10, plan="basic", sub_id="s1"), sub(18, plan="pro", sub_id="s2")]}
    steps = [ProgramStep("fixed-fee", "producer", fee(5000, plan="basic", rule_id="basic_fee")),
             ProgramStep("fixed-fee", "producer", fee(10000, plan="pro", rule_id="pro_fee"))]
    context = {"currency": {"code": "USD", "exponent": 2}, "period": {"start": FEB[0], "end": FEB[1]},
               "policy": {"rounding": "half_even"}, "tenant": "t0001"}
    result = run_program(HOST, CATALOG, steps, context, pack)
    assert result.error is None
    # 5000 x 10/28 = 1785.71 -> 1786; 10000 x 18/28 = 6428.57 -> 6429
    assert [(c["rule_id"], c["amount"]) for c in result.charges] == [("basic_fee", 1786), ("pro_fee", 6429)]
    assert [e.scope for e in result.executions] == ["subscription:s1", "subscription:s2"] * 2
