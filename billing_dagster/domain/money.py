"""Money: integer minor units of one currency. Immutable; mixing currencies raises; floats are refused."""

from dataclasses import dataclass
from decimal import Decimal
from functools import total_ordering

from billing_dagster.domain.allocation import allocate
from billing_dagster.domain.currency import Currency, currency
from billing_dagster.domain.decimals import multiply, parse_decimal
from billing_dagster.domain.rounding import RoundingMode, to_minor_units


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were combined."""


@total_ordering
@dataclass(frozen=True, slots=True)
class Money:
    minor: int
    currency: Currency

    def __post_init__(self) -> None:
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise TypeError(f"Money.minor must be an int of minor units, got {type(self.minor).__name__}")
        if not isinstance(self.currency, Currency):
            raise TypeError(f"Money.currency must be a Currency, got {type(self.currency).__name__}")

    @classmethod
    def of(cls, minor: int, code: str) -> "Money":
        return cls(minor, currency(code))

    @classmethod
    def from_decimal(cls, amount: Decimal | str | int, code: str,
                     mode: RoundingMode = RoundingMode.HALF_EVEN) -> "Money":
        """Exact decimal major units (e.g. "99.995") rounded once by `mode` into minor units."""
        cur = currency(code)
        return cls(to_minor_units(_exact(amount, "amount"), cur.exponent, mode), cur)

    @classmethod
    def from_price(cls, quantity: Decimal | str | int, unit_price: Decimal | str | int, code: str,
                   mode: RoundingMode = RoundingMode.HALF_EVEN) -> "Money":
        """quantity x unit price (e.g. 12345 calls at "0.0005"), exact until this one rounding step."""
        product = multiply(_exact(quantity, "quantity"), _exact(unit_price, "unit_price"))
        return cls.from_decimal(product, code, mode)

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

    def allocate(self, weights: list[int]) -> list["Money"]:
        """Largest-remainder split by integer weights; the parts sum to this amount."""
        return [Money(part, self.currency) for part in allocate(self.minor, weights)]

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


def _exact(value: Decimal | str | int, field: str) -> Decimal:
    if isinstance(value, (bool, float)):
        raise TypeError(f"Money refuses {type(value).__name__} for {field}; pass a Decimal or a decimal string")
    return value if isinstance(value, Decimal) and value.is_finite() else parse_decimal(value, field)
