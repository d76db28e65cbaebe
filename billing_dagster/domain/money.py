"""Money: integer minor units of one currency. Immutable; mixing currencies raises; floats are refused."""

from dataclasses import dataclass
from decimal import Decimal

from billing_dagster.domain.currency import Currency, currency
from billing_dagster.domain.rounding import RoundingMode, to_minor_units


class CurrencyMismatch(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Money:
    minor: int
    currency: Currency

    def __post_init__(self) -> None:
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise TypeError(f"Money.minor must be an int of minor units, got {type(self.minor).__name__}")

    @classmethod
    def of(cls, minor: int, code: str) -> "Money":
        return cls(minor, currency(code))

    @classmethod
    def from_decimal(cls, amount: Decimal | str, code: str, mode: RoundingMode = RoundingMode.HALF_EVEN) -> "Money":
        """Exact decimal major units (e.g. "99.995") rounded once by `mode` into minor units."""
        if isinstance(amount, float):
            raise TypeError("Money refuses floats; pass a Decimal or a decimal string")
        cur = currency(code)
        return cls(to_minor_units(Decimal(amount), cur.exponent, mode), cur)

    @classmethod
    def zero(cls, code: str) -> "Money":
        return cls(0, currency(code))

    def _same(self, other: "Money") -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency.code} with {other.currency.code}")

    def __add__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> "Money":
        return Money(-self.minor, self.currency)

    def __lt__(self, other: "Money") -> bool:
        self._same(other)
        return self.minor < other.minor

    def to_decimal(self) -> Decimal:
        """Major units as an exact decimal, e.g. Money(9900, USD) -> Decimal('99.00')."""
        return Decimal(self.minor).scaleb(-self.currency.exponent)

    def __str__(self) -> str:
        return f"{self.to_decimal():.{self.currency.exponent}f} {self.currency.code}"


def total(amounts: list[Money], code: str) -> Money:
    result = Money.zero(code)
    for amount in amounts:
        result = result + amount
    return result
