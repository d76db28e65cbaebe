"""tax: components per jurisdiction, compound, inclusive, exemptions, rate windows and the rounding policy.
Every expected amount is worked by hand in the comment beside it; the reference gives the same bytes."""

import pytest
from transformer_harness import added, error, line, run, traps

CHARGES = [line("base_fee", "fee", 10000), line("api_calls", "usage", 2500, metric="api_calls"),
           line("support", "fee", 700, taxable=False)]
TEXAS = {"tax": {"region": "US-TX", "name": "Texas sales tax", "rate": "0.0825", "exempt": False}}
THREE = [line(f"l{i}", "fee", 1010) for i in range(3)]


def tax(rate="0.0825", name="Sales tax", exempt=False, **more):
    return {"tax": {"region": "R", "name": name, "rate": rate, "exempt": exempt, **more}}


def component(name, rate, jurisdiction, **more):
    return {"name": name, "rate": rate, "jurisdiction": jurisdiction, **more}


def tax_lines(output):
    return [(c["description"], c["quantity"], c["unit_price"], c["amount"]) for c in output["charges"]
            if c["kind"] == "tax"]


def test_single_rate_appends_one_line_after_the_lines_it_passes_through():
    out = run("tax", {"rule_id": "sales_tax"}, TEXAS, CHARGES)
    # 10000 x 0.0825 = 825; 2500 x 0.0825 = 206.25 -> 206; support is not taxable
    assert out["charges"][:3] == CHARGES and out["warnings"] == []
    assert out["charges"][3] == line("sales_tax", "tax", 1031, taxable=False, description="Texas sales tax 8.25%",
                                     quantity="125.00", unit_price="0.0825")


@pytest.mark.parametrize(("level", "computation", "mode", "expected"), [
    ("line", "per_line", "half_even", 249),       # 1010 x 0.0825 = 83.325 -> 83, three times
    ("line", "per_line", "up", 252),              # 84 x 3
    ("line", "per_line", "down", 249),
    ("jurisdiction", "per_line", "half_even", 250),  # 249.975 rounded once
    ("jurisdiction", "per_line", "down", 249),
    ("invoice", "per_line", "half_up", 250),
    ("line", "on_total", "half_even", 250),       # on_total rounds at least per jurisdiction: 3030 x 0.0825
])
def test_rounding_level_and_mode(level, computation, mode, expected):
    policy = {"level": level, "tax_computation": computation}
    assert added("tax", {"rule_id": "t"}, tax(), THREE, rounding=mode, policy=policy) == [("t", "tax", expected)]


@pytest.mark.parametrize(("mode", "amount"), [("half_even", 12), ("half_up", 13), ("up", 13), ("down", 12)])
def test_a_tie_follows_the_mode(mode, amount):
    assert added("tax", {"rule_id": "t"}, tax("0.0125"), [line("fee", "fee", 1000)], rounding=mode) == [
        ("t", "tax", amount)]  # 1000 x 0.0125 = 12.5


@pytest.mark.parametrize(("facts", "warnings"), [
    (tax(exempt=True), []), (tax("0"), []), (tax("0.000"), []), ({}, ["facts.tax is absent: no tax charged"])])
def test_exempt_customer_zero_rate_or_no_profile_adds_nothing(facts, warnings):
    out = run("tax", {"rule_id": "t"}, facts, CHARGES)
    assert out == {"charges": CHARGES, "warnings": warnings}


def test_line_level_exemption_by_category():
    charges = [line("fee", "fee", 10000), line("lunch", "fee", 5000, category="food"),
               line("course", "fee", 2000, category="training")]
    out = run("tax", {"rule_id": "t"}, tax("0.1", exempt_categories=["food"]), charges)
    assert tax_lines(out) == [("Sales tax 10%", "120.00", "0.1", 1200)]  # (10000 + 2000) x 10 %


@pytest.mark.parametrize(("reduce", "quantity", "amount"), [
    (True, "120.00", 1200),   # 3000 off 10000 + 5000 by largest remainder: 2000 / 1000 -> 8000 + 4000
    (False, "150.00", 1500),  # the discount does not touch the base
])
def test_discounts_reduce_the_base_per_policy(reduce, quantity, amount):
    charges = [line("fee", "fee", 10000), line("api", "usage", 5000), line("coupon", "discount", -3000),
               line("promo", "discount", -400, taxable=False)]  # not taxable: never reduces the base
    out = run("tax", {"rule_id": "t"}, tax("0.1"), charges, policy={"discounts_reduce_tax_base": reduce})
    assert tax_lines(out) == [("Sales tax 10%", quantity, "0.1", amount)]


def test_credits_and_caps_always_reduce_the_base():
    charges = [line("fee", "fee", 10000), line("credit", "adjustment", -2000)]
    out = run("tax", {"rule_id": "t"}, tax("0.1"), charges, policy={"discounts_reduce_tax_base": False})
    assert tax_lines(out) == [("Sales tax 10%", "80.00", "0.1", 800)]


def test_reductions_larger_than_the_base_leave_no_tax():
    charges = [line("fee", "fee", 1000), line("coupon", "discount", -5000)]
    assert added("tax", {"rule_id": "t"}, tax("0.1"), charges) == []


@pytest.mark.parametrize(("gross", "rate", "mode", "amount"), [
    (10825, "0.0825", "half_even", 825),  # 10825 x 0.0825 / 1.0825 = 825 exactly
    (1000, "0.2", "half_even", 167),      # 1000 x 0.2 / 1.2 = 166.67
    (1000, "0.2", "down", 166),
])
def test_inclusive_prices_extract_tax_and_keep_the_gross_total(gross, rate, mode, amount):
    out = run("tax", {"rule_id": "vat"}, tax(rate, name="VAT"), [line("fee", "fee", gross)], rounding=mode,
              policy={"tax_inclusive": True})
    added_lines = [(c["kind"], c["description"], c["amount"]) for c in out["charges"][1:]]
    assert added_lines == [("adjustment", "Tax included in prices", -amount),
                           ("tax", f"VAT {float(rate) * 100:g}% (included)", amount)]
    assert sum(c["amount"] for c in out["charges"]) == gross


def test_compound_component_is_charged_on_tax():
    facts = tax(components=[component("GST", "0.05", "CA"), component("QST", "0.09975", "QC", compound=True)])
    out = run("tax", {"rule_id": "t"}, facts, [line("fee", "fee", 10000)])
    # GST 10000 x 5 % = 500; QST (10000 + 500) x 9.975 % = 1047.375 -> 1047
    assert tax_lines(out) == [("GST 5%", "100.00", "0.05", 500), ("QST 9.975% (compound)", "100.00", "0.09975", 1047)]


def test_compound_inclusive_divides_by_the_compounded_factor():
    facts = tax(components=[component("GST", "0.05", "CA"), component("QST", "0.09975", "QC", compound=True)])
    out = run("tax", {"rule_id": "t"}, facts, [line("fee", "fee", 11547)], policy={"tax_inclusive": True})
    # factor 1 + 0.05 + 0.09975 x 1.05 = 1.1547375: GST 11547 x 0.05 / 1.1547375 = 499.98 -> 500,
    # QST 11547 x 0.1047375 / 1.1547375 = 1047.34 -> 1047
    assert [c["amount"] for c in out["charges"][1:]] == [-1547, 500, 1047]


@pytest.mark.parametrize(("level", "mode", "state", "city"), [
    ("line", "half_even", 189, 60),          # 1010 x 6.25 % = 63.125 -> 63 (x3); 1010 x 2 % = 20.2 -> 20 (x3)
    ("jurisdiction", "half_even", 189, 61),  # 189.375 -> 189; 60.6 -> 61
    ("invoice", "half_even", 189, 61),       # 249.975 -> 250, floors 189 + 60, the unit to the larger remainder
    ("line", "up", 192, 63),
    ("jurisdiction", "up", 190, 61),
    ("invoice", "up", 189, 61),              # 250 again; apportioned the same way
])
def test_several_jurisdictions_round_at_the_policy_level(level, mode, state, city):
    facts = tax(components=[component("State", "0.0625", "TX"), component("City", "0.02", "AUS")])
    assert added("tax", {"rule_id": "t"}, facts, THREE, rounding=mode, policy={"level": level}) == [
        ("t", "tax", state), ("t", "tax", city)]


def test_two_components_of_one_jurisdiction_round_together():
    facts = tax(components=[component("State", "0.0625", "TX"), component("County", "0.005", "TX")])
    # per line: 63.125 + 5.05 = 68.175 each; jurisdiction sum 204.525 -> 205 (state 189.375, county 15.15:
    # floors 189 + 15 = 204, the unit to state's .375)
    assert added("tax", {"rule_id": "t"}, facts, THREE, policy={"level": "jurisdiction"}) == [
        ("t", "tax", 190), ("t", "tax", 15)]


@pytest.mark.parametrize(("change", "parts", "amounts"), [
    ("2026-02-15T00:00:00Z", ("14/28", "14/28"), (300, 325)),  # 5000 x 6 %, 5000 x 6.5 %
    ("2026-02-10T00:00:00Z", ("9/28", "19/28"), (193, 441)),   # 10000 by 9:19 = 3214 + 6786 (largest remainder)
    ("2026-02-10T18:30:00Z", ("9/28", "19/28"), (193, 441)),   # the change counts from its UTC date
])
def test_rate_change_inside_the_period_prorates_the_base_by_day(change, parts, amounts):
    facts = tax(components=[component("State", "0.06", "S", effective_to=change),
                            component("State", "0.065", "S", effective_from=change)])
    out = run("tax", {"rule_id": "t"}, facts, [line("fee", "fee", 10000)])
    assert [(d, a) for d, _, _, a in tax_lines(out)] == [
        (f"State 6% ({parts[0]} days)", amounts[0]), (f"State 6.5% ({parts[1]} days)", amounts[1])]


def test_components_outside_the_period_add_nothing():
    facts = tax(components=[component("Old", "0.05", "S", effective_to="2026-02-01T00:00:00Z"),
                            component("New", "0.07", "S", effective_from="2026-03-01T00:00:00Z", effective_to=None)])
    assert added("tax", {"rule_id": "t"}, facts, [line("fee", "fee", 10000)]) == []


@pytest.mark.parametrize(("currency", "amount", "rate", "tax_amount"), [
    ("JPY", 1234, "0.1", 123),     # 123.4 yen
    ("KWD", 12345, "0.05", 617),   # 617.25 fils
])
def test_zero_and_three_decimal_currencies(currency, amount, rate, tax_amount):
    exponent = {"JPY": 0, "KWD": 3}[currency]
    out = run("tax", {"rule_id": "t"}, tax(rate), [line("fee", "fee", amount, exponent=exponent)], currency=currency)
    assert out["charges"][-1]["amount"] == tax_amount


@pytest.mark.parametrize(("config", "facts", "policy", "message"), [
    ({}, tax(), {}, "config.rule_id: missing"),
    ({"rule_id": "t"}, tax("-0.1"), {}, "facts.tax.rate: must not be negative"),
    ({"rule_id": "t"}, tax("8.25%"), {}, "facts.tax.rate: must be a decimal string"),
    ({"rule_id": "t"}, tax(), {"level": "cent"}, "context.policy.level: must be one of line, jurisdiction, invoice"),
    ({"rule_id": "t"}, tax(), {"tax_inclusive": "yes"}, "context.policy.tax_inclusive: must be a boolean"),
    ({"rule_id": "t"}, tax(components=[component("S", "0.1", "S", effective_from="2026-02-10T00:00:00Z",
                                                 effective_to="2026-02-10T00:00:00Z")]), {},
     "facts.tax.components[0].effective_to: must be after effective_from"),
    ({"rule_id": "t"}, tax(components=[component("S", "0.1", "S", effective_from="2026-02-30T00:00:00Z")]), {},
     "facts.tax.components[0].effective_from: must be an RFC 3339 UTC instant"),
    ({"rule_id": "t"}, tax(components=[{"name": "S", "rate": "0.1"}]), {},
     "facts.tax.components[0].jurisdiction: missing"),
    ({"rule_id": "t"}, tax(exempt_categories="food"), {}, "facts.tax.exempt_categories: must be an array of strings"),
])
def test_invalid_input_is_an_error_naming_the_field(config, facts, policy, message):
    assert error("tax", config, facts, CHARGES, policy=policy).startswith(message)


def test_base_overflow_traps():
    traps("tax", {"rule_id": "t"}, tax(), [line("fee", "fee", 2**53 - 1) for _ in range(1100)])
