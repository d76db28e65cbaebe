"""Amounts typed in major units become exact integer minor units by the currency's exponent."""

import pytest

from billing_dagster.domain.major_amounts import minor_units


@pytest.mark.parametrize(("text", "code", "minor"), [
    ("12.50", "USD", 1250), ("12.5", "USD", 1250), ("12", "USD", 1200), ("0.01", "EUR", 1),
    ("1500", "JPY", 1500), ("1.250", "KWD", 1250), ("0.001", "BHD", 1), ("90071992547409.91", "USD", 2**53 - 1)])
def test_exact_conversion(text, code, minor):
    assert minor_units(text, code) == minor


@pytest.mark.parametrize(("text", "code", "message"), [
    ("12.505", "USD", "12.505 has 3 decimals; USD has 2"),
    ("1500.5", "JPY", "1500.5 has 1 decimals; JPY has 0"),
    ("1.2505", "KWD", "1.2505 has 4 decimals; KWD has 3"),
    ("0", "USD", "must be more than zero"), ("0.00", "USD", "must be more than zero"),
    ("-5", "USD", "expected a positive amount"), ("+5", "USD", "expected a positive amount"),
    ("1e3", "USD", "expected a positive amount"), ("12.", "USD", "expected a positive amount"),
    (".5", "USD", "expected a positive amount"), ("1,000", "USD", "expected a positive amount"),
    ("90071992547409.92", "USD", "too large")])
def test_refused_amounts_name_the_field(text, code, message):
    with pytest.raises(ValueError, match="^amount: .*" + message.replace("+", r"\+").replace(".", r"\.")):
        minor_units(text, code)


def test_a_float_is_refused():
    with pytest.raises(ValueError, match="expected a positive amount"):
        minor_units(12.5, "USD")


def test_an_unknown_currency_is_refused():
    with pytest.raises(ValueError, match="currency 'XYZ' is not supported"):
        minor_units("1", "XYZ")
