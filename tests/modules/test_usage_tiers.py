"""usage-tiers: per-unit, package, percentage (per-transaction min/max), graduated percentage, flat fees per tier,
minimum spend. (graduated and volume as they were: tests/wasm/test_system_modules.py.)

Each case runs the built module and its Python reference (same bytes). Amounts worked by hand in comments.
"""

import pytest
from producer_harness import lines, run, traps


def cfg(mode, **extra) -> dict:
    return {"rule_id": "api_calls", "description": "API calls", "metric": "api", "mode": mode, **extra}


def pay(mode="percentage", **extra) -> dict:
    return {"rule_id": "payments", "description": "Payments", "metric": "volume", "mode": mode, **extra}


def usage(total, count=1, low=None, high=None, metric="api") -> dict:
    return {"usage": {metric: {"count": count, "sum": total, "min": low or total, "max": high or total}}}


def volume(total, count, low, high) -> dict:
    return usage(total, count, low, high, metric="volume")


BOUNDS = {"rate": "0.029", "min_per_transaction": "0.30", "max_per_transaction": "5.00"}
FLAT_TIERS = [{"up_to": "1000", "unit_price": "0", "flat_fee": 500},
              {"up_to": None, "unit_price": "0.01", "flat_fee": 1000}]


@pytest.mark.parametrize(("config", "facts", "expected"), [
    # per unit: 12345 x 0.002 = 24.69
    (cfg("per_unit", unit_price="0.002"), usage("12345"),
     [("api_calls", "usage", "API calls", "12345", "0.002", 2469)]),
    # packages of 1000 at 5.00: 2345 -> 3 packages (the partial one counts), 3000 -> 3, 1 -> 1, 1000.5 -> 2
    (cfg("package", unit_price="5.00", package_size="1000"), usage("2345"),
     [("api_calls", "usage", "API calls (3 packages of 1000)", "3", "5.00", 1500)]),
    (cfg("package", unit_price="5.00", package_size="1000"), usage("3000"),
     [("api_calls", "usage", "API calls (3 packages of 1000)", "3", "5.00", 1500)]),
    (cfg("package", unit_price="5.00", package_size="1000"), usage("1"),
     [("api_calls", "usage", "API calls (1 packages of 1000)", "1", "5.00", 500)]),
    (cfg("package", unit_price="5.00", package_size="1000"), usage("1000.5"),
     [("api_calls", "usage", "API calls (2 packages of 1000)", "2", "5.00", 1000)]),
    # percentage of a monetary metric: 1234.56 x 0.029 = 35.80224 -> 35.80
    (pay(rate="0.029"), volume("1234.56", 7, "1.00", "900.00"),
     [("payments", "usage", "Payments (2.9%)", "1234.56", "0.029", 3580)]),
    # every transaction between the bounds (20.00 x 2.9% = 0.58 >= 0.30, 100.00 x 2.9% = 2.90 <= 5.00): exact,
    # 500.00 x 0.029 = 14.50
    (pay(**BOUNDS), volume("500.00", 10, "20.00", "100.00"),
     [("payments", "usage", "Payments (2.9%)", "500.00", "0.029", 1450)]),
    # every transaction below the minimum (8.00 x 2.9% = 0.232 <= 0.30): 4 x 0.30 = 1.20, exact
    (pay(**BOUNDS), volume("20.00", 4, "2.00", "8.00"),
     [("payments", "usage", "Payments (minimum per transaction)", "4", "0.30", 120)]),
    # every transaction above the maximum (200.00 x 2.9% = 5.80 >= 5.00): 2 x 5.00 = 10.00, exact
    (pay(**BOUNDS), volume("600.00", 2, "200.00", "400.00"),
     [("payments", "usage", "Payments (maximum per transaction)", "2", "5.00", 1000)]),
    # graduated percentage: 10000 x 2.9% = 290.00, then 2500.00 x 1.9% = 47.50
    (pay("graduated_percentage", tiers=[{"up_to": "10000", "rate": "0.029"}, {"up_to": None, "rate": "0.019"}]),
     volume("12500.00", 40, "10.00", "3000.00"),
     [("payments", "usage", "Payments (tier 1, 2.9%)", "10000", "0.029", 29000),
      ("payments", "usage", "Payments (tier 2, 1.9%)", "2500.00", "0.019", 4750)]),
    # flat fee per tier reached (graduated): 1000 free + 5.00 flat, then 500 x 0.01 = 5.00 + 10.00 flat
    (cfg("graduated", tiers=FLAT_TIERS), usage("1500"),
     [("api_calls", "usage", "API calls (tier 1)", "1000", "0", 0),
      ("api_calls", "fee", "API calls (tier 1) flat fee", "1", "5.00", 500),
      ("api_calls", "usage", "API calls (tier 2)", "500", "0.01", 500),
      ("api_calls", "fee", "API calls (tier 2) flat fee", "1", "10.00", 1000)]),
    (cfg("graduated", tiers=FLAT_TIERS), usage("800"),
     [("api_calls", "usage", "API calls (tier 1)", "800", "0", 0),
      ("api_calls", "fee", "API calls (tier 1) flat fee", "1", "5.00", 500)]),
    # volume: 1500 x 0.01 = 15.00 at tier 2, plus tier 2's flat fee
    (cfg("volume", tiers=FLAT_TIERS), usage("1500"),
     [("api_calls", "usage", "API calls", "1500", "0.01", 1500),
      ("api_calls", "fee", "API calls (tier 2) flat fee", "1", "10.00", 1000)]),
    # minimum spend 20.00: 5000 x 0.002 = 10.00, topped up by 10.00
    (cfg("per_unit", unit_price="0.002", minimum=2000), usage("5000"),
     [("api_calls", "usage", "API calls", "5000", "0.002", 1000),
      ("api_calls", "fee", "API calls (minimum spend 20.00)", "1", "10.00", 1000)]),
    # zero usage: the whole minimum
    (cfg("per_unit", unit_price="0.002", minimum=2000), {},
     [("api_calls", "fee", "API calls (minimum spend 20.00)", "1", "20.00", 2000)]),
    # above the minimum: 24.69 >= 20.00, no top-up
    (cfg("per_unit", unit_price="0.002", minimum=2000), usage("12345"),
     [("api_calls", "usage", "API calls", "12345", "0.002", 2469)]),
    # minimum against graduated lines: 1000 x 0.01 + 500 x 0.008 = 14.00, topped up by 6.00
    (cfg("graduated", minimum=2000,
         tiers=[{"up_to": "1000", "unit_price": "0.01"}, {"up_to": None, "unit_price": "0.008"}]), usage("1500"),
     [("api_calls", "usage", "API calls (tier 1)", "1000", "0.01", 1000),
      ("api_calls", "usage", "API calls (tier 2)", "500", "0.008", 400),
      ("api_calls", "fee", "API calls (minimum spend 20.00)", "1", "6.00", 600)]),
    # zero usage and no minimum: nothing
    (cfg("package", unit_price="5.00", package_size="1000"), usage("0"), []),
    (pay(**BOUNDS), {}, []),
])
def test_lines(config, facts, expected):
    out = run("usage-tiers", config, facts)
    assert lines(out) == expected and out["warnings"] == []


@pytest.mark.parametrize(("facts", "amount"), [
    # 5.00, 5.00 and 100.00 would be 0.30 + 0.30 + 2.90 = 3.50; the aggregates give 110.00 x 2.9% = 3.19,
    # inside 3 x 0.30 .. 3 x 5.00, so 3.19 (the documented approximation)
    (volume("110.00", 3, "5.00", "100.00"), 319),
    # 60.00 x 2.9% = 1.74 is below 10 x 0.30 = 3.00: clamped up to 3.00
    (volume("60.00", 10, "1.00", "20.00"), 300),
])
def test_percentage_bounds_straddled_apply_to_the_total_with_a_warning(facts, amount):
    out = run("usage-tiers", pay(**BOUNDS), facts)
    total = facts["usage"]["volume"]["sum"]
    assert lines(out) == [("payments", "usage", "Payments (2.9%, bounds applied to the total)", total, "0.029", amount)]
    assert len(out["warnings"]) == 1 and out["warnings"][0].startswith("payments: transactions straddle")


@pytest.mark.parametrize(("currency", "config", "facts", "expected"), [
    # 1235 x 0.5 = 617.5 yen -> 618 (half-even); minimum 1000 yen tops up 382
    ("JPY", cfg("per_unit", unit_price="0.5", minimum=1000), usage("1235"),
     [("api_calls", "usage", "API calls", "1235", "0.5", 618),
      ("api_calls", "fee", "API calls (minimum spend 1000)", "1", "382", 382)]),
    # 123.456 KWD x 1% = 1.23456 -> 1.235 (1235 fils)
    ("KWD", pay(rate="0.01"), volume("123.456", 2, "23.456", "100.000"),
     [("payments", "usage", "Payments (1%)", "123.456", "0.01", 1235)]),
])
def test_currency_exponents(currency, config, facts, expected):
    assert lines(run("usage-tiers", config, facts, currency=currency)) == expected


def test_category_on_every_line():
    out = run("usage-tiers", cfg("per_unit", unit_price="0.002", minimum=2000, category="api"), usage("10"))
    assert [c["category"] for c in out["charges"]] == ["api", "api"]


@pytest.mark.parametrize(("subscription", "expected"), [
    ({"plan": "pro"}, [("api_calls", "usage", "API calls", "12345", "0.002", 2469)]),
    ({"plan": "basic"}, []),  # another plan's step: nothing, not even the minimum
    (None, []),  # no subscription: on no plan
])
def test_plan_filter(subscription, expected):
    facts = usage("12345") if subscription is None else {**usage("12345"), "subscription": subscription}
    assert lines(run("usage-tiers", cfg("per_unit", unit_price="0.002", minimum=2000, plan="pro"), facts)) == expected


def test_existing_graduated_config_is_unchanged():
    config = cfg("graduated", tiers=[{"up_to": "10000", "unit_price": "0"}, {"up_to": None, "unit_price": "0.005"}])
    out = run("usage-tiers", config, usage("12345"))
    assert out == {"charges": [
        {"amount": 0, "category": None, "description": "API calls (tier 1)", "kind": "usage", "metric": "api",
         "quantity": "10000", "rule_id": "api_calls", "taxable": True, "unit_price": "0"},
        {"amount": 1172, "category": None, "description": "API calls (tier 2)", "kind": "usage", "metric": "api",
         "quantity": "2345", "rule_id": "api_calls", "taxable": True, "unit_price": "0.005"}], "warnings": []}


@pytest.mark.parametrize(("config", "facts", "error"), [
    (cfg("stairs"), usage("1"),
     "config.mode: must be one of graduated, volume, per_unit, package, percentage, graduated_percentage"),
    (cfg("per_unit"), usage("1"), "config.unit_price: missing"),
    (cfg("per_unit", unit_price="-1"), usage("1"), "config.unit_price: must not be negative"),
    (cfg("package", unit_price="5"), usage("1"), "config.package_size: missing"),
    (cfg("package", unit_price="5", package_size="0"), usage("1"), "config.package_size: must be positive"),
    (pay(), usage("1"), "config.rate: missing"),
    (pay(rate="0.029", min_per_transaction="5", max_per_transaction="1"), usage("1"),
     "config.max_per_transaction: must not be less than min_per_transaction"),
    (cfg("per_unit", unit_price="1", minimum=-1), usage("1"), "config.minimum: must not be negative"),
    (cfg("per_unit", unit_price="1", category=""), usage("1"), "config.category: must not be empty"),
    (pay("graduated_percentage", tiers=[{"up_to": None, "unit_price": "0.02"}]), usage("1"),
     "config.tiers[0].rate: missing"),
    (cfg("volume", tiers=[{"up_to": None, "unit_price": "1", "flat_fee": -5}]), usage("1"),
     "config.tiers[0].flat_fee: must not be negative"),
    (pay(**BOUNDS), volume("10.00", 0, "1.00", "9.00"),
     "facts.usage.volume.count: must be positive when sum is not zero"),
    (pay(**BOUNDS), volume("10.00", 2, "-1.00", "11.00"), "facts.usage.volume.min: must not be negative"),
    (cfg("per_unit", unit_price="1"), usage("-3"), "facts.usage.api.sum: must not be negative"),
    (cfg("per_unit", unit_price="1", plan="pro"), {**usage("1"), "subscription": {"start": "x"}},
     "facts.subscription.plan: missing"),
])
def test_invalid_input_is_an_error(config, facts, error):
    assert run("usage-tiers", config, facts) == {"error": error}


def test_package_count_too_precise_traps():
    traps("usage-tiers", cfg("package", unit_price="1", package_size="0.000000001"), usage("92233720369"))
