"""decimal.ts, checked.ts and rounding.ts of the SDK: exact i64 decimals that trap where the module traps."""

import re

from billing_dagster.domain.rounding import round_ratio

I64_MIN, I64_MAX = -(2**63), 2**63 - 1
_DECIMAL = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?", re.ASCII)


class Trap(ArithmeticError):
    """Where the wasm module would trap (abort): i64 overflow, an input integer of 2^53 or more, bad JSON."""


def i64(value: int) -> int:
    if not I64_MIN <= value <= I64_MAX:
        raise Trap("i64 overflow")
    return value


class Decimal:
    """mantissa / 10^scale with an i64 mantissa, as decimal.ts; results keep the SDK's scales."""

    __slots__ = ("mantissa", "scale")

    def __init__(self, mantissa: int, scale: int = 0):
        self.mantissa = i64(mantissa)
        self.scale = scale

    @staticmethod
    def parse(text: str) -> "Decimal | None":
        """`-?[0-9]+(\\.[0-9]+)?` or None; traps when the digits do not fit an i64."""
        match = _DECIMAL.fullmatch(text)
        if match is None:
            return None
        sign, whole, fraction = match.groups()
        magnitude = int(whole + fraction) if fraction else int(whole)
        if magnitude > I64_MAX:
            raise Trap("i64 overflow in Decimal.parse")
        return Decimal(-magnitude if sign else magnitude, len(fraction) if fraction else 0)

    @property
    def sign(self) -> int:
        return (self.mantissa > 0) - (self.mantissa < 0)

    def add(self, other: "Decimal") -> "Decimal":
        scale = max(self.scale, other.scale)
        return Decimal(_scaled(self, scale) + _scaled(other, scale), scale)

    def sub(self, other: "Decimal") -> "Decimal":
        scale = max(self.scale, other.scale)
        return Decimal(_scaled(self, scale) - _scaled(other, scale), scale)

    def mul(self, other: "Decimal") -> "Decimal":
        return Decimal(self.mantissa * other.mantissa, self.scale + other.scale)

    def move_point_right(self, places: int) -> "Decimal":
        if places <= self.scale:
            return Decimal(self.mantissa, self.scale - places)
        return Decimal(self.mantissa * 10 ** (places - self.scale), 0)

    def cmp(self, other: "Decimal") -> int:
        a = self.mantissa * 10 ** (max(self.scale, other.scale) - self.scale)
        b = other.mantissa * 10 ** (max(self.scale, other.scale) - other.scale)
        return (a > b) - (a < b)

    def normalized(self) -> "Decimal":
        mantissa, scale = self.mantissa, self.scale
        while scale > 0 and mantissa % 10 == 0:
            mantissa, scale = mantissa // 10, scale - 1  # exact: mantissa is a multiple of 10
        return Decimal(mantissa, scale)

    def __str__(self) -> str:
        digits = str(abs(self.mantissa))
        sign = "-" if self.mantissa < 0 else ""
        if self.scale == 0:
            return sign + digits
        digits = digits.rjust(self.scale + 1, "0")
        return f"{sign}{digits[:-self.scale]}.{digits[-self.scale:]}"


def _scaled(value: Decimal, scale: int) -> int:
    return i64(value.mantissa * 10 ** (scale - value.scale))


def round_div(numerator: int, denominator: int, mode: str) -> int:
    if denominator == 0:
        raise Trap("round_div: division by zero")
    return i64(round_ratio(numerator, denominator, mode))


def to_minor_units(value: Decimal, exponent: int, mode: str) -> int:
    if value.scale <= exponent:
        return i64(value.mantissa * 10 ** (exponent - value.scale))
    return round_ratio(value.mantissa, 10 ** (value.scale - exponent), mode)
