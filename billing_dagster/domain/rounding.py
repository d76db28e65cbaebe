"""The one place where exact decimals become integer minor units."""

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal, localcontext
from enum import Enum


class RoundingMode(str, Enum):
    HALF_EVEN = "half_even"
    HALF_UP = "half_up"
    UP = "up"
    DOWN = "down"


_DECIMAL_MODES = {
    RoundingMode.HALF_EVEN: ROUND_HALF_EVEN,
    RoundingMode.HALF_UP: ROUND_HALF_UP,
    RoundingMode.UP: ROUND_UP,
    RoundingMode.DOWN: ROUND_DOWN,
}


def to_minor_units(value: Decimal, exponent: int, mode: RoundingMode) -> int:
    """Round an exact decimal amount in major units to integer minor units at `exponent`."""
    if not isinstance(value, Decimal):
        raise TypeError(f"to_minor_units needs a Decimal, got {type(value).__name__}")
    with localcontext() as ctx:
        ctx.prec = 60
        scaled = value.scaleb(exponent)
        return int(scaled.quantize(Decimal(1), rounding=_DECIMAL_MODES[RoundingMode(mode)]))


def round_ratio(numerator: int, denominator: int, mode: RoundingMode) -> int:
    """Round numerator / denominator (integers) to an integer by `mode`, in exact integer arithmetic."""
    if denominator == 0:
        raise ZeroDivisionError("round_ratio denominator is zero")
    negative = (numerator < 0) != (denominator < 0)
    quotient, remainder = divmod(abs(numerator), abs(denominator))
    if remainder and _rounds_away(RoundingMode(mode), quotient, 2 * remainder, abs(denominator)):
        quotient += 1
    return -quotient if negative else quotient


def _rounds_away(mode: RoundingMode, quotient: int, twice_remainder: int, denominator: int) -> bool:
    if mode is RoundingMode.UP:
        return True
    if mode is RoundingMode.DOWN:
        return False
    if twice_remainder != denominator:
        return twice_remainder > denominator
    return mode is RoundingMode.HALF_UP or quotient % 2 == 1
