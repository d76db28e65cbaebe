"""The one place where exact amounts become integer minor units, driven by a rounding policy value."""

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal, localcontext
from enum import Enum
from fractions import Fraction

from billing_dagster.domain.allocation import allocate, apportion
from billing_dagster.domain.decimals import parse_decimal


class RoundingMode(str, Enum):
    HALF_EVEN = "half_even"
    HALF_UP = "half_up"  # ties away from zero
    UP = "up"  # away from zero
    DOWN = "down"  # toward zero


class RoundingLevel(str, Enum):
    LINE = "line"
    JURISDICTION = "jurisdiction"
    INVOICE = "invoice"


class TaxComputation(str, Enum):
    PER_LINE = "per_line"
    ON_TOTAL = "on_total"


class RoundingPolicyError(ValueError):
    """A rounding policy field has an unknown or ill-typed value."""


def _choice(kind: type[Enum], value: object, name: str) -> Enum:
    try:
        return kind(value)
    except (ValueError, TypeError):
        allowed = ", ".join(m.value for m in kind)
        raise RoundingPolicyError(f"rounding policy {name}: {value!r} is not one of {allowed}") from None


def _plain(value: object) -> str | bool:
    return value.value if isinstance(value, Enum) else value


@dataclass(frozen=True, slots=True)
class RoundingPolicy:
    """How exact amounts become minor units. The defaults are the platform's documented policy."""

    mode: RoundingMode = RoundingMode.HALF_EVEN
    level: RoundingLevel = RoundingLevel.LINE
    tax_computation: TaxComputation = TaxComputation.PER_LINE
    tax_inclusive: bool = False
    discounts_reduce_tax_base: bool = True

    def __post_init__(self) -> None:
        for name, kind in (("mode", RoundingMode), ("level", RoundingLevel), ("tax_computation", TaxComputation)):
            object.__setattr__(self, name, _choice(kind, getattr(self, name), name))
        for name in ("tax_inclusive", "discounts_reduce_tax_base"):
            value = getattr(self, name)
            if not isinstance(value, bool):
                raise RoundingPolicyError(f"rounding policy {name}: expected true or false, got {value!r}")

    @classmethod
    def from_dict(cls, data: Mapping) -> "RoundingPolicy":
        """Missing keys take the defaults; unknown keys and bad values raise, naming the field."""
        if not isinstance(data, Mapping):
            raise RoundingPolicyError(f"rounding policy: expected an object, got {type(data).__name__}")
        unknown = [key for key in data if key not in {f.name for f in fields(cls)}]
        if unknown:
            raise RoundingPolicyError(f"rounding policy {unknown[0]}: unknown field")
        return cls(**data)

    def to_dict(self) -> dict[str, str | bool]:
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}


DEFAULT_POLICY = RoundingPolicy()

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


def round_amounts(exact: Sequence[Decimal | Fraction | int], policy: RoundingPolicy = DEFAULT_POLICY, *,
                  exponent: int = 0, groups: Sequence[Hashable] | None = None) -> list[int]:
    """The rounding step: exact amounts (times 10**exponent) to integer minor units, by policy.level.

    line: each amount rounded by the mode. jurisdiction: each group's exact sum (all one group when
    `groups` is None) is rounded once and apportioned back to its members. invoice: one group.
    Apportioned members sum exactly to their group's rounded total.
    """
    if isinstance(exponent, bool) or not isinstance(exponent, int) or exponent < 0:
        raise ValueError(f"round_amounts exponent must be a non-negative int, got {exponent!r}")
    scaled = [_exact(x) * 10**exponent for x in exact]
    if groups is not None and len(groups) != len(scaled):
        raise ValueError("round_amounts needs one group per amount")
    if policy.level is RoundingLevel.LINE:
        return [_round(x, policy.mode) for x in scaled]
    keys = list(groups) if groups is not None and policy.level is RoundingLevel.JURISDICTION else [0] * len(scaled)
    result = [0] * len(scaled)
    for key in dict.fromkeys(keys):
        members = [i for i, k in enumerate(keys) if k == key]
        parts = [scaled[i] for i in members]
        for index, value in zip(members, apportion(parts, _round(sum(parts), policy.mode))):
            result[index] = value
    return result


def taxable_bases(amounts: Sequence[int], discount: int, policy: RoundingPolicy = DEFAULT_POLICY) -> list[int]:
    """Each line's tax base: the line less its largest-remainder share of `discount` (by positive
    amounts) when the policy says discounts reduce the base, else the line itself."""
    if not policy.discounts_reduce_tax_base or discount == 0:
        return list(amounts)
    shares = allocate(discount, [max(a, 0) for a in amounts])
    return [a - s for a, s in zip(amounts, shares)]


def tax_by_jurisdiction(bases: Sequence[int], rates: Mapping[str, Decimal | str],
                        policy: RoundingPolicy = DEFAULT_POLICY) -> dict[str, list[int]]:
    """Tax per jurisdiction and line, in minor units. Exclusive: base * rate. Inclusive: the bases are
    gross and tax = gross * rate / (1 + sum of rates), i.e. gross - net. Rounded by policy.level;
    on_total computation rounds at least once per jurisdiction."""
    parsed = {name: _rate(rate, name) for name, rate in rates.items()}
    divisor = 1 + sum(parsed.values()) if policy.tax_inclusive else Fraction(1)
    exact = [_exact(b) * rate / divisor for rate in parsed.values() for b in bases]
    groups = [name for name in parsed for _ in bases]
    per_line = policy.tax_computation is TaxComputation.PER_LINE or policy.level is RoundingLevel.INVOICE
    level = policy.level if per_line else RoundingLevel.JURISDICTION
    flat = round_amounts(exact, replace(policy, level=level), groups=groups)
    n = len(bases)
    return {name: flat[k * n:(k + 1) * n] for k, name in enumerate(parsed)}


def tax_for_lines(bases: Sequence[int], rate: Decimal | str, policy: RoundingPolicy = DEFAULT_POLICY) -> list[int]:
    """Tax of each line at one rate (one jurisdiction); see tax_by_jurisdiction."""
    return tax_by_jurisdiction(bases, {"tax": rate}, policy)["tax"]


def _rounds_away(mode: RoundingMode, quotient: int, twice_remainder: int, denominator: int) -> bool:
    if mode is RoundingMode.UP:
        return True
    if mode is RoundingMode.DOWN:
        return False
    if twice_remainder != denominator:
        return twice_remainder > denominator
    return mode is RoundingMode.HALF_UP or quotient % 2 == 1


def _round(value: Fraction, mode: RoundingMode) -> int:
    return round_ratio(value.numerator, value.denominator, mode)


def _exact(value: Decimal | Fraction | int) -> Fraction:
    if isinstance(value, (bool, float)) or not isinstance(value, (Decimal, Fraction, int)):
        raise TypeError(f"exact amounts are Decimal, Fraction or int, got {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"exact amount must be finite, got {value}")
    return Fraction(value)


def _rate(rate: Decimal | str, name: str) -> Fraction:
    value = rate if isinstance(rate, Decimal) else parse_decimal(rate, f"tax rate {name}")
    if not value.is_finite() or value < 0:
        raise ValueError(f"tax rate {name}: must be a non-negative decimal, got {rate}")
    return Fraction(value)
