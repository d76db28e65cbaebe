"""Amounts typed by people in major units ("12.50") turned into integer minor units, exactly."""

from decimal import Decimal, InvalidOperation

from billing_dagster.domain.currency import currency

_MAX_MINOR = 2**53 - 1  # the largest amount a module reads exactly (contracts_types.SAFE_INT_MAX)


def minor_units(text: str, code: str, field: str = "amount") -> int:
    """"12.50" USD -> 1250, "1500" JPY -> 1500, "1.250" KWD -> 1250. Refuses floats, signs, exponents, and
    more decimals than the currency has (no silent rounding)."""
    exponent = currency(code).exponent
    if not isinstance(text, str) or not _plain_digits(text):
        raise ValueError(f"{field}: expected a positive amount such as 12.50, got {text!r}")
    whole, _, fraction = text.partition(".")
    if len(fraction) > exponent:
        raise ValueError(f"{field}: {text} has {len(fraction)} decimals; {code.upper()} has {exponent}")
    try:
        minor = int(Decimal(text).scaleb(exponent))
    except InvalidOperation:
        raise ValueError(f"{field}: not a decimal amount ({text!r})") from None
    if minor <= 0:
        raise ValueError(f"{field}: must be more than zero, got {text}")
    if minor > _MAX_MINOR:
        raise ValueError(f"{field}: {text} {code.upper()} is too large")
    return minor


def _plain_digits(text: str) -> bool:
    whole, dot, fraction = text.partition(".")
    return whole.isascii() and whole.isdigit() and (not dot or (fraction.isascii() and fraction.isdigit()))
