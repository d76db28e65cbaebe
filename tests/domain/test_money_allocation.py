"""Largest-remainder allocation and apportionment: no minor unit is ever lost or invented."""

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_dagster.domain.allocation import allocate, apportion

PROPS = settings(max_examples=200, deadline=None, database=None)
weights_st = st.lists(st.integers(0, 10**6), min_size=1, max_size=12).filter(any)


@PROPS
@given(st.integers(-10**18, 10**18), weights_st)
def test_allocate_sums_to_the_whole_and_is_deterministic(amount, weights):
    parts = allocate(amount, weights)
    assert sum(parts) == amount
    assert parts == allocate(amount, list(weights))
    for part, weight in zip(parts, weights):
        exact = Fraction(amount * weight, sum(weights))
        assert math.floor(exact) <= part <= math.ceil(exact)


@PROPS
@given(st.integers(0, 10**12), weights_st)
def test_allocate_is_symmetric_in_sign(amount, weights):
    assert allocate(-amount, weights) == [-p for p in allocate(amount, weights)]


@pytest.mark.parametrize("amount, weights, parts", [
    (100, [1, 1, 1], [34, 33, 33]), (-100, [1, 1, 1], [-34, -33, -33]), (5, [0, 1, 0], [0, 5, 0]),
    (10, [3, 7], [3, 7]), (1, [1, 1], [1, 0]), (0, [2, 5], [0, 0]), (2999, [31, 28, 31], [1033, 933, 1033])])
def test_allocate_examples(amount, weights, parts):
    assert allocate(amount, weights) == parts


@pytest.mark.parametrize("weights, error", [([], ValueError), ([0, 0], ValueError), ([1, -1], ValueError),
                                            ([1.5], TypeError), ([True], TypeError)])
def test_allocate_refuses_bad_weights(weights, error):
    with pytest.raises(error):
        allocate(10, weights)


def test_allocate_refuses_float_amounts():
    with pytest.raises(TypeError):
        allocate(10.0, [1])


fractions_st = st.lists(st.fractions(min_value=-10**6, max_value=10**6, max_denominator=1000), min_size=1, max_size=10)


@settings(max_examples=100, deadline=None, database=None)
@given(fractions_st, st.sampled_from(["floor", "ceil", "round"]))
def test_apportion_hits_any_rounding_of_the_sum(parts, how):
    target = {"floor": math.floor, "ceil": math.ceil, "round": round}[how](sum(parts))
    result = apportion(parts, target)
    assert sum(result) == target
    assert all(math.floor(x) <= r <= math.ceil(x) for x, r in zip(parts, result))
    assert apportion(parts, target) == result


def test_apportion_refuses_an_unreachable_total():
    with pytest.raises(ValueError, match="not a rounding"):
        apportion([Fraction(1, 2), Fraction(1, 2)], 3)
