"""The rounding policy: modes, levels, tax computation, and its plain-dict form."""

from decimal import Decimal
from fractions import Fraction
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_dagster.domain.rounding import (
    DEFAULT_POLICY, RoundingLevel, RoundingMode, RoundingPolicy, RoundingPolicyError, TaxComputation,
    round_amounts, round_ratio, tax_by_jurisdiction, tax_for_lines, taxable_bases, to_minor_units)

PROPS = settings(max_examples=150, deadline=None, database=None)
MODES = list(RoundingMode)
decimals_st = st.decimals(allow_nan=False, allow_infinity=False, places=7, min_value=-10**9, max_value=10**9)
policies_st = st.builds(RoundingPolicy, st.sampled_from(MODES), st.sampled_from(list(RoundingLevel)),
                        st.sampled_from(list(TaxComputation)), st.booleans(), st.booleans())


def test_default_policy_is_documented_one():
    assert DEFAULT_POLICY.to_dict() == {
        "mode": "half_even", "level": "line", "tax_computation": "per_line",
        "tax_inclusive": False, "discounts_reduce_tax_base": True}
    assert RoundingPolicy.from_dict({}) == DEFAULT_POLICY


def test_every_policy_round_trips_through_a_plain_dict():
    for combo in product(MODES, RoundingLevel, TaxComputation, [False, True], [False, True]):
        policy = RoundingPolicy(*combo)
        assert RoundingPolicy.from_dict(policy.to_dict()) == policy
        assert all(isinstance(v, (str, bool)) for v in policy.to_dict().values())


@pytest.mark.parametrize("data, field", [
    ({"mode": "bankers"}, "mode"), ({"level": "document"}, "level"), ({"tax_computation": 1}, "tax_computation"),
    ({"tax_inclusive": "true"}, "tax_inclusive"), ({"discounts_reduce_tax_base": 1}, "discounts_reduce_tax_base"),
    ({"rounding": "half_up"}, "rounding")])
def test_bad_policy_fields_are_named(data, field):
    with pytest.raises(RoundingPolicyError, match=f"rounding policy {field}:"):
        RoundingPolicy.from_dict(data)


def test_policy_from_a_non_mapping_is_refused():
    with pytest.raises(RoundingPolicyError, match="expected an object"):
        RoundingPolicy.from_dict(["half_even"])


@pytest.mark.parametrize("value, mode, expected", [
    ("2.5", "half_even", 2), ("3.5", "half_even", 4), ("-2.5", "half_even", -2), ("2.5", "half_up", 3),
    ("-2.5", "half_up", -3), ("2.1", "up", 3), ("-2.1", "up", -3), ("2.9", "down", 2), ("-2.9", "down", -2),
    ("2.4999", "half_up", 2), ("-0.0001", "up", -1)])
def test_modes(value, mode, expected):
    assert to_minor_units(Decimal(value), 0, mode) == expected
    assert round_amounts([Decimal(value)], RoundingPolicy(mode=mode)) == [expected]


@PROPS
@given(decimals_st, st.sampled_from([0, 2, 3]), st.sampled_from(MODES))
def test_rounding_is_idempotent_and_agrees_with_exact_ratio(value, exponent, mode):
    minor = to_minor_units(value, exponent, mode)
    assert to_minor_units(Decimal(minor).scaleb(-exponent), exponent, mode) == minor
    exact = Fraction(value) * 10**exponent
    assert round_ratio(exact.numerator, exact.denominator, mode) == minor
    assert abs(minor - exact) < 1


@PROPS
@given(st.lists(decimals_st, min_size=1, max_size=8), policies_st, st.sampled_from([0, 2, 3]))
def test_round_amounts_is_idempotent_and_levels_keep_their_sums(values, policy, exponent):
    groups = [i % 2 for i in range(len(values))]
    once = round_amounts(values, policy, exponent=exponent, groups=groups)
    assert round_amounts(once, policy, groups=groups) == once
    scaled = [Fraction(v) * 10**exponent for v in values]
    if policy.level is RoundingLevel.INVOICE:
        assert sum(once) == round_ratio(*_ratio(sum(scaled)), policy.mode)
    if policy.level is RoundingLevel.JURISDICTION:
        for g in (0, 1):
            members = [i for i in range(len(values)) if groups[i] == g]
            exact = sum((scaled[i] for i in members), Fraction(0))
            assert sum(once[i] for i in members) == round_ratio(*_ratio(exact), policy.mode)


def _ratio(value: Fraction) -> tuple[int, int]:
    return value.numerator, value.denominator


def test_line_and_invoice_levels_differ_as_peers_do():
    lines = [1010, 1010, 1010]  # each line's tax at 8.25% is 83.325 cents
    assert tax_for_lines(lines, "0.0825") == [83, 83, 83]
    assert tax_for_lines(lines, "0.0825", RoundingPolicy(level="invoice")) == [84, 83, 83]
    assert tax_for_lines(lines, "0.0825", RoundingPolicy(tax_computation="on_total")) == [84, 83, 83]
    assert tax_for_lines(lines, "0.0825", RoundingPolicy(mode="up")) == [84, 84, 84]


def test_inclusive_tax_is_extracted_from_gross():
    assert tax_for_lines([1100], "0.10", RoundingPolicy(tax_inclusive=True)) == [100]
    assert tax_for_lines([999], "0.20", RoundingPolicy(tax_inclusive=True)) == [166]  # 166.5, half-even
    assert tax_for_lines([999], "0.20", RoundingPolicy(mode="half_up", tax_inclusive=True)) == [167]


def test_jurisdiction_level_rounds_each_jurisdiction_once():
    rates = {"state": "0.0625", "county": "0.01"}
    lines = [199, 199]  # state 12.4375 each, county 1.99 each
    assert tax_by_jurisdiction(lines, rates) == {"state": [12, 12], "county": [2, 2]}
    assert tax_by_jurisdiction(lines, rates, RoundingPolicy(level="jurisdiction")) == \
        {"state": [13, 12], "county": [2, 2]}
    invoice = tax_by_jurisdiction(lines, rates, RoundingPolicy(level="invoice"))
    assert sum(invoice["state"]) + sum(invoice["county"]) == 29  # 28.855 rounded once


def test_inclusive_tax_over_several_jurisdictions_uses_the_combined_rate():
    taxes = tax_by_jurisdiction([1150], {"a": "0.10", "b": "0.05"}, RoundingPolicy(tax_inclusive=True))
    assert taxes == {"a": [100], "b": [50]}


def test_discounts_reduce_the_base_by_default():
    assert taxable_bases([6000, 4000, -500], 1000) == [5400, 3600, -500]
    assert taxable_bases([6000, 4000], 1000, RoundingPolicy(discounts_reduce_tax_base=False)) == [6000, 4000]
    assert taxable_bases([6000, 4000], 0) == [6000, 4000]


@pytest.mark.parametrize("rate", ["-0.1", "ten", 0.1])
def test_bad_rates_are_refused(rate):
    with pytest.raises(ValueError, match="tax rate"):
        tax_for_lines([100], rate)


def test_floats_never_enter_rounding():
    with pytest.raises(TypeError):
        round_amounts([0.5])
    with pytest.raises(TypeError):
        to_minor_units(0.5, 2, "half_even")
