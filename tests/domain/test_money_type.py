"""Money, currencies and exact decimals: the immutable money type and its refusals."""

from dataclasses import FrozenInstanceError
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_dagster.domain.currency import UnknownCurrency, currency, supported_codes
from billing_dagster.domain.decimals import decimal_text, multiply, parse_decimal
from billing_dagster.domain.money import CurrencyMismatch, Money, total
from billing_dagster.domain.rounding import RoundingMode

EXPONENTS = {"USD": 2, "EUR": 2, "GBP": 2, "CAD": 2, "AUD": 2, "CHF": 2, "JPY": 0, "KRW": 0, "KWD": 3, "BHD": 3}


@pytest.mark.parametrize("code, exponent", sorted(EXPONENTS.items()))
def test_currency_table_has_iso_exponents(code, exponent):
    assert currency(code).exponent == exponent
    assert currency(code.lower()).code == code
    assert code in supported_codes()


@pytest.mark.parametrize("code", ["XXX", "", None, 840])
def test_unknown_currency_is_refused(code):
    with pytest.raises(UnknownCurrency, match="not supported"):
        currency(code)


@pytest.mark.parametrize("minor", [1.0, True, Decimal("1"), "1"])
def test_money_refuses_anything_but_int_minor_units(minor):
    with pytest.raises(TypeError):
        Money.of(minor, "USD")


@pytest.mark.parametrize("amount", [1.5, True])
def test_from_decimal_refuses_floats_and_bools(amount):
    with pytest.raises(TypeError, match="refuses"):
        Money.from_decimal(amount, "USD")


def test_from_decimal_names_the_bad_field():
    with pytest.raises(ValueError, match="amount: not a decimal"):
        Money.from_decimal("12,5", "USD")


def test_money_is_immutable_and_hashable():
    price = Money.of(100, "USD")
    with pytest.raises(FrozenInstanceError):
        price.minor = 5
    assert len({price, Money.of(100, "USD"), Money.of(100, "EUR")}) == 2


def test_mixing_currencies_raises():
    with pytest.raises(CurrencyMismatch):
        Money.of(1, "USD") + Money.of(1, "EUR")
    with pytest.raises(CurrencyMismatch):
        Money.of(1, "USD") <= Money.of(1, "CAD")
    with pytest.raises(CurrencyMismatch):
        total([Money.of(1, "USD"), Money.of(1, "JPY")], "USD")
    with pytest.raises(TypeError):
        Money.of(1, "USD") + 1


def test_arithmetic_and_ordering():
    a, b = Money.of(250, "USD"), Money.of(100, "USD")
    assert a + b == Money.of(350, "USD")
    assert a - b == Money.of(150, "USD")
    assert -a == Money.of(-250, "USD")
    assert b < a and b <= a and a > b and a >= a
    assert total([a, b, -b], "USD") == a


@pytest.mark.parametrize("minor, code, text", [
    (123456, "USD", "1234.56 USD"), (-5, "EUR", "-0.05 EUR"), (1500, "JPY", "1500 JPY"),
    (1, "KWD", "0.001 KWD"), (-12345, "BHD", "-12.345 BHD"), (0, "KRW", "0 KRW")])
def test_str_shows_the_currency_exponent(minor, code, text):
    assert str(Money.of(minor, code)) == text
    assert Money.from_decimal(Money.of(minor, code).to_decimal(), code) == Money.of(minor, code)


@pytest.mark.parametrize("amount, code, mode, minor", [
    ("99.995", "USD", RoundingMode.HALF_EVEN, 10000), ("0.125", "USD", RoundingMode.HALF_EVEN, 12),
    ("0.125", "USD", RoundingMode.HALF_UP, 13), ("-0.125", "USD", RoundingMode.HALF_UP, -13),
    ("500.5", "JPY", RoundingMode.HALF_EVEN, 500), ("500.5", "JPY", RoundingMode.HALF_UP, 501),
    ("1.0001", "KWD", RoundingMode.UP, 1001), ("-1.0009", "BHD", RoundingMode.DOWN, -1000)])
def test_from_decimal_rounds_once_at_the_exponent(amount, code, mode, minor):
    assert Money.from_decimal(amount, code, mode).minor == minor


def test_sub_cent_unit_prices_stay_exact_until_rounding():
    assert Money.from_price(12345, "0.0005", "USD") == Money.of(617, "USD")  # 6.1725
    assert Money.from_price("2345", "0.005", "USD") == Money.of(1172, "USD")  # 11.725, half-even
    assert Money.from_price("1001", "0.5", "JPY") == Money.of(500, "JPY")
    assert Money.from_price("3", "0.3335", "KWD", RoundingMode.HALF_UP) == Money.of(1001, "KWD")
    with pytest.raises(TypeError):
        Money.from_price(0.1, "3", "USD")


def test_multiply_ignores_a_low_ambient_precision():
    with localcontext() as ctx:
        ctx.prec = 3
        assert multiply(Decimal("123456789"), Decimal("0.0005")) == Decimal("61728.3945")


@settings(max_examples=100, deadline=None, database=None)
@given(st.decimals(allow_nan=False, allow_infinity=False, places=6, min_value=-10**9, max_value=10**9),
       st.decimals(allow_nan=False, allow_infinity=False, places=8, min_value=-10**6, max_value=10**6))
def test_multiply_is_exact(a, b):
    assert Fraction(multiply(a, b)) == Fraction(a) * Fraction(b)
    assert parse_decimal(decimal_text(multiply(a, b)), "x") == multiply(a, b)


@settings(max_examples=100, deadline=None, database=None)
@given(st.integers(-10**15, 10**15), st.lists(st.integers(0, 1000), min_size=1, max_size=8).filter(any))
def test_money_allocate_keeps_currency_and_sum(minor, weights):
    parts = Money.of(minor, "KWD").allocate(weights)
    assert total(parts, "KWD") == Money.of(minor, "KWD")


def test_decimal_text_keeps_every_digit_beyond_the_context_precision():
    product = multiply(Decimal("999999999.999999"), Decimal("999999.99999999"))
    assert decimal_text(product) == "999999999999989.00000000000001"
    assert decimal_text(Decimal("1E+3")) == "1000"
    assert decimal_text(Decimal("-0.000")) == "0"
    assert decimal_text(Decimal("12.3400")) == "12.34"
