"""Exact decimals as contract text: plain digits, no exponent, no float on the way."""

from decimal import MAX_EMAX, MIN_EMIN, Decimal, Inexact, InvalidOperation, localcontext


def decimal_text(value: Decimal | int) -> str:
    """'12345', '0.0005', '-2.5': the shortest exact text of a decimal, never in exponent form."""
    if isinstance(value, float):
        raise TypeError("float refused; money and quantities are exact decimals")
    text = format(Decimal(value), "f")  # exact: normalize() would round to the context's 28 digits
    if "." in text:
        text = text.rstrip("0").rstrip(".")
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


def multiply(*factors: Decimal | int) -> Decimal:
    """The exact product (quantity x unit price), whatever the ambient decimal context says."""
    values = [parse_decimal(f, "factor") if not isinstance(f, Decimal) else f for f in factors]
    if any(not v.is_finite() for v in values):
        raise ValueError("multiply needs finite decimals")
    # The default context keeps 28 digits and rounds silently; a product has at most the sum of digits.
    with localcontext() as ctx:
        ctx.prec = max(1, sum(len(v.as_tuple().digits) for v in values))
        ctx.Emax, ctx.Emin = MAX_EMAX, MIN_EMIN
        ctx.traps[Inexact] = True
        product = Decimal(1)
        for value in values:
            product *= value
    return product
