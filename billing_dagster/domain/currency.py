"""ISO 4217 currencies the platform bills in, with their minor-unit exponents."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Currency:
    code: str
    exponent: int  # minor units per major unit = 10 ** exponent


_EXPONENTS = {
    "USD": 2, "EUR": 2, "GBP": 2, "CAD": 2, "AUD": 2, "CHF": 2, "SEK": 2, "NZD": 2,
    "JPY": 0, "KRW": 0,
    "KWD": 3, "BHD": 3,
}


class UnknownCurrency(ValueError):
    """A currency code the platform does not bill in."""


def currency(code: str) -> Currency:
    """Look a currency up by its ISO code; raises UnknownCurrency for codes we do not bill in."""
    normalized = code.upper() if isinstance(code, str) else None
    if normalized not in _EXPONENTS:
        raise UnknownCurrency(f"currency {code!r} is not supported (known: {', '.join(sorted(_EXPONENTS))})")
    return Currency(normalized, _EXPONENTS[normalized])


def supported_codes() -> list[str]:
    return sorted(_EXPONENTS)
