"""category-coupons: percentage and fixed coupons by category, thresholds, limits, order, never below zero."""

import pytest
from transformer_harness import added, error, line, run

LINES = [line("base_fee", "fee", 10000), line("api", "usage", 5000, category="api"),
         line("support", "fee", 3000, category="support", taxable=False)]


def coupon(rule_id="spring", description="Spring sale", **more):
    return {"rule_id": rule_id, "description": description, **more}


def discounts(output, start=3):
    return [(c["rule_id"], c["category"], c["taxable"], c["amount"]) for c in output["charges"][start:]]


def test_percentage_of_everything_is_split_by_group():
    out = run("category-coupons", {"coupons": [coupon(percent="10")]}, {}, LINES)
    # 10 % of 18000 = 1800, split 10000 : 5000 : 3000
    assert discounts(out) == [("spring", None, True, -1000), ("spring", "api", True, -500),
                              ("spring", "support", False, -300)]
    assert out["charges"][3] == line("spring", "discount", -1000, description="Spring sale")


def test_percentage_of_one_category():
    assert added("category-coupons", {"coupons": [coupon(percent="15", categories=["support"])]}, {}, LINES) == [
        ("spring", "discount", -450)]


def test_allocation_loses_nothing():
    lines = [line("a", "fee", 100, category="x"), line("b", "fee", 100, category="y"),
             line("c", "fee", 100, category="z")]
    # 33.333 % of 300 = 99.999 -> 100, split evenly: 34 + 33 + 33 (the spare unit to the earliest)
    assert [a for _, _, a in added("category-coupons", {"coupons": [coupon(percent="33.333")]}, {}, lines)] == [
        -34, -33, -33]


@pytest.mark.parametrize(("mode", "amount"), [("half_even", -42), ("down", -41), ("up", -42)])
def test_percentage_is_rounded_once_by_the_mode(mode, amount):
    lines = [line("a", "fee", 333)]  # 12.5 % of 333 = 41.625
    assert added("category-coupons", {"coupons": [coupon(percent="12.5")]}, {}, lines, rounding=mode) == [
        ("spring", "discount", amount)]


def test_fixed_coupon_within_its_category():
    assert added("category-coupons", {"coupons": [coupon(amount=2500, categories=["api"])]}, {}, LINES) == [
        ("spring", "discount", -2500)]


def test_over_discount_is_clipped_with_a_warning():
    out = run("category-coupons", {"coupons": [coupon("big", "Big", amount=8000, categories=["api"])]}, {}, LINES)
    assert discounts(out) == [("big", "api", True, -5000)]
    assert out["warnings"] == ["coupon big: 80.00 is more than the eligible 50.00; clipped to it"]


def test_full_discount_leaves_a_zero_invoice():
    out = run("category-coupons", {"coupons": [coupon(percent="100")]}, {}, LINES)
    assert sum(c["amount"] for c in out["charges"]) == 0


@pytest.mark.parametrize(("coupons", "expected"), [
    # 10 % of 18000 = 1800; then 1000 over what is left (9000 : 4500 : 2700) = 555.6, 277.8, 166.7 -> 555/278/167
    ([coupon("pct", percent="10"), coupon("fix", amount=1000)],
     [-1000, -500, -300, -555, -278, -167]),
    # 1000 over 10000 : 5000 : 3000 -> 555/278/167; then 10 % of 17000 = 1700 over 9445 : 4722 : 2833
    # = 944.5, 472.2, 283.3 -> 945/472/283
    ([coupon("fix", amount=1000), coupon("pct", percent="10")],
     [-555, -278, -167, -945, -472, -283]),
])
def test_coupons_apply_in_declared_order(coupons, expected):
    assert [a for _, _, a in added("category-coupons", {"coupons": coupons}, {}, LINES)] == expected


def test_max_amount_caps_a_percentage():
    assert sum(a for _, _, a in added("category-coupons", {"coupons": [coupon(percent="50", max_amount=2000)]},
                                      {}, LINES)) == -2000


@pytest.mark.parametrize(("minimum", "applies"), [(18000, True), (18001, False)])
def test_threshold(minimum, applies):
    out = run("category-coupons", {"coupons": [coupon(percent="10", min_total=minimum)]}, {}, LINES)
    assert (len(out["charges"]) > 3) == applies
    assert out["warnings"] == ([] if applies else ["coupon spring: eligible 180.00 is under the threshold 180.01; "
                                                   "not applied"])


@pytest.mark.parametrize(("redeemed", "applies"), [(0, True), (2, True), (3, False), (5, False)])
def test_redemption_limit(redeemed, applies):
    out = run("category-coupons", {"coupons": [coupon(percent="10", max_redemptions=3, redeemed=redeemed)]}, {},
              LINES)
    assert (len(out["charges"]) > 3) == applies
    if not applies:
        assert out["warnings"] == [f"coupon spring: redemption limit reached ({redeemed} of 3); not applied"]


def test_a_group_already_below_zero_is_not_discounted_further():
    lines = LINES + [line("credit", "adjustment", -6000, category="api")]  # api nets -1000
    # eligible: 10000 + 3000 (api has nothing left); 10 % = 1300 -> 1000 + 300
    assert discounts(run("category-coupons", {"coupons": [coupon(percent="10")]}, {}, lines), 4) == [
        ("spring", None, True, -1000), ("spring", "support", False, -300)]


def test_kwd_percentage():
    lines = [line("fee", "fee", 12345, exponent=3)]  # 12.345 KWD, 7.5 % = 0.925875 -> 0.926
    out = run("category-coupons", {"coupons": [coupon(percent="7.5")]}, {}, lines, currency="KWD")
    assert (out["charges"][1]["amount"], out["charges"][1]["unit_price"]) == (-926, "-0.926")


@pytest.mark.parametrize(("config", "message"), [
    ({"coupons": []}, "config.coupons: must not be empty"),
    ({"coupons": [coupon()]}, "config.coupons[0]: needs exactly one of percent, amount"),
    ({"coupons": [coupon(percent="10", amount=5)]}, "config.coupons[0]: needs exactly one of percent, amount"),
    ({"coupons": [coupon(percent="0")]}, "config.coupons[0].percent: must be more than 0 and at most 100"),
    ({"coupons": [coupon(percent="100.01")]}, "config.coupons[0].percent: must be more than 0 and at most 100"),
    ({"coupons": [coupon(amount=-1)]}, "config.coupons[0].amount: must not be negative"),
    ({"coupons": [coupon(amount=1), coupon(percent="5", max_redemptions=0)]},
     "config.coupons[1].max_redemptions: must be at least 1"),
    ({"coupons": [coupon(percent="5", categories=[])] + [{"description": "x", "amount": 1}]},
     "config.coupons[1].rule_id: missing"),
])
def test_invalid_config_is_an_error(config, message):
    assert error("category-coupons", config, {}, LINES) == message
