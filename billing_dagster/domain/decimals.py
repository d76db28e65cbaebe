"""Exact decimals as contract text: plain digits, no exponent, no float on the way."""

from decimal import Decimal, InvalidOperation


def decimal_text(value: Decimal | int) -> str:
    """'12345', '0.0005', '-2.5': the shortest exact text of a decimal, never in exponent form."""
    if isinstance(value, float):
        raise TypeError("float refused; money and quantities are exact decimals")
    text = format(Decimal(value).normalize(), "f")
    return "0" if text in ("-0", "0") else text


def parse_decimal(text: str, field: str) -> Decimal:
    """Parse contract text into a Decimal, naming the field when it is not a finite decimal."""
    if isinstance(text, float) or isinstance(text, bool):
        raise ValueError(f"{field}: expected a decimal string, got {type(text).__name__}")
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        raise ValueError(f"{field}: not a decimal number ({text!r})") from None
    if not value.is_finite():
        raise ValueError(f"{field}: not a finite decimal ({text!r})")
    return value
