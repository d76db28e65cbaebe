"""first-n-free: the first N units of a metric free, or the subscription's first N billing periods free."""

import pytest
from transformer_harness import added, error, line, run

GRADUATED = [line("api", "usage", 1000, metric="api_calls", quantity="1000", unit_price="0.01"),
             line("api", "usage", 3200, metric="api_calls", quantity="4000", unit_price="0.008"),
             line("storage", "usage", 700, metric="storage_gb", quantity="7", unit_price="1.00")]
FEE = line("base_fee", "fee", 9900, category="plan")


def units(amount, metric="api_calls", **more):
    return {"rule_id": "intro", "description": "First API calls free", "units": amount, "metric": metric, **more}


def periods(count, **more):
    return {"rule_id": "intro", "description": "Introductory offer", "periods": count, **more}


@pytest.mark.parametrize(("free", "discount"), [
    ("500", -500),      # 500 x 0.01
    ("1000", -1000),    # the whole first tier
    ("1500", -1400),    # 1000 of tier 1 + 500 x 0.008 = 4.00
    ("5000", -4200),    # both tiers whole
    ("99999", -4200),   # more than was used
])
def test_first_units_come_off_the_lowest_tiers_first(free, discount):
    assert added("first-n-free", units(free), {}, GRADUATED) == [("intro", "discount", discount)]


def test_free_tier_units_use_up_the_allowance():
    lines = [line("api", "usage", 0, metric="api_calls", quantity="10000", unit_price="0"),
             line("api", "usage", 1172, metric="api_calls", quantity="2345", unit_price="0.005")]
    # 10000 free units were free anyway; the other 2000 x 0.005 = 10.00
    assert added("first-n-free", units("12000"), {}, lines) == [("intro", "discount", -1000)]


@pytest.mark.parametrize(("mode", "expected"), [("half_even", []), ("half_up", [("intro", "discount", -1)])])
def test_a_part_of_a_line_is_rounded_by_the_mode(mode, expected):
    lines = [line("api", "usage", 1172, metric="api_calls", quantity="2345", unit_price="0.005")]
    assert added("first-n-free", units("1"), {}, lines, rounding=mode) == expected  # 0.005 USD = half a cent


def test_units_of_another_metric_are_untouched():
    assert added("first-n-free", units("3", metric="storage_gb"), {}, GRADUATED) == [("intro", "discount", -300)]


def subscription(start):
    return {"subscription": {"start": start}}


@pytest.mark.parametrize(("start", "count", "number"), [
    ("2026-02-01T00:00:00Z", 1, 1),   # starts with this period
    ("2026-02-20T00:00:00Z", 1, 1),   # starts inside it
    ("2026-01-15T00:00:00Z", 2, 2),   # January was the first
    ("2025-12-01T00:00:00Z", 3, 3),
    ("2025-11-30T00:00:00Z", 3, None),  # November, December, January: February is the fourth
])
def test_first_periods_are_free(start, count, number):
    out = run("first-n-free", periods(count), subscription(start), [FEE] + GRADUATED)
    if number is None:
        assert len(out["charges"]) == 4
        return
    # one discount per (category, taxable) group: the plan fee, then the usage lines (1000 + 3200 + 700)
    label = f"Introductory offer (period {number} of {count})"
    assert [(c["category"], c["description"], c["amount"]) for c in out["charges"][4:]] == [
        ("plan", label, -9900), (None, label, -4900)]


def test_period_counting_for_a_zone_ahead_of_utc():
    # Sydney: February starts 2026-01-31T13:00:00Z, the subscription started on local 1 January (2025-12-31T13:00Z)
    period = ("2026-01-31T13:00:00Z", "2026-02-28T13:00:00Z")
    out = run("first-n-free", periods(1), subscription("2025-12-31T13:00:00Z"), [FEE], period=period)
    assert len(out["charges"]) == 1
    out = run("first-n-free", periods(2), subscription("2025-12-31T13:00:00Z"), [FEE], period=period)
    assert out["charges"][-1]["description"] == "Introductory offer (period 2 of 2)"


def test_free_periods_by_rule_and_grouped_by_category():
    out = run("first-n-free", periods(1, rule_ids=["base_fee", "storage"]), subscription("2026-02-01T00:00:00Z"),
              [FEE] + GRADUATED)
    assert [(c["category"], c["amount"]) for c in out["charges"][4:]] == [("plan", -9900), (None, -700)]


def test_no_subscription_is_a_warning():
    out = run("first-n-free", periods(1), {}, [FEE])
    assert out == {"charges": [FEE], "warnings": ["facts.subscription is absent: no introductory periods"]}


@pytest.mark.parametrize(("config", "facts", "message"), [
    ({"rule_id": "i", "description": "d"}, {}, "config: needs exactly one of units, periods"),
    ({**units("5"), "periods": 1}, {}, "config: needs exactly one of units, periods"),
    (units("0"), {}, "config.units: must be positive"),
    (units("-1"), {}, "config.units: must be positive"),
    (units("1e3"), {}, "config.units: must be a decimal string"),
    ({**units("5"), "metric": None}, {}, "config.metric: must be a string"),
    (periods(0), subscription("2026-01-01T00:00:00Z"), "config.periods: must be at least 1"),
    (periods(1), subscription("2026-01-01"), "facts.subscription.start: must be an RFC 3339 UTC instant"),
])
def test_invalid_input_is_an_error(config, facts, message):
    assert error("first-n-free", config, facts, [FEE]).startswith(message)
