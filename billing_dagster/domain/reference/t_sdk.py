"""The transformer helpers of the SDK in plain Python: t_exact.ts, t_dates.ts, t_policy.ts, t_lines.ts and
allocation.ts, trapping (Trap) exactly where the SDK aborts."""

from dataclasses import dataclass

from billing_dagster.domain.reference.fields import Fields
from billing_dagster.domain.reference.numbers import Decimal, Trap, i64, round_div
from billing_dagster.domain.reference.producer_sdk import allocate  # allocation.ts, shared by both kinds
from billing_dagster.domain.reference.sdk import ChargeLine, Input

# --- t_exact.ts ---------------------------------------------------------------------------------------------


def gcd(a: int, b: int) -> int:
    while b != 0:
        a, b = b, _rem(a, b)
    return a


def _rem(a: int, b: int) -> int:
    """i64 remainder (the sign of the dividend), as WebAssembly's rem_s."""
    r = abs(a) % abs(b)
    return -r if a < 0 else r


def _abs64(a: int) -> int:
    return i64(-a) if a < 0 else a


def _quot(a: int, b: int) -> int:
    """i64 division truncating toward zero, as WebAssembly's div_s."""
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


class Fraction:
    """num / den in lowest terms, den > 0; every product and sum checked as i64."""

    __slots__ = ("num", "den")

    def __init__(self, num: int, den: int):
        if den <= 0:
            raise Trap("Fraction: denominator must be positive")
        g = gcd(_abs64(num), den)
        self.num = _quot(num, g) if g > 1 else num
        self.den = _quot(den, g) if g > 1 else den

    @staticmethod
    def from_int(value: int) -> "Fraction":
        return Fraction(value, 1)

    @staticmethod
    def from_decimal(value: Decimal) -> "Fraction":
        if value.scale > 18:
            raise Trap("pow10: exponent out of range")
        return Fraction(value.mantissa, 10**value.scale)

    @property
    def is_zero(self) -> bool:
        return self.num == 0

    def add(self, other: "Fraction") -> "Fraction":
        g = gcd(self.den, other.den)
        den = i64(_quot(self.den, g) * other.den)
        num = i64(i64(self.num * _quot(other.den, g)) + i64(other.num * _quot(self.den, g)))
        return Fraction(num, den)

    def mul(self, other: "Fraction") -> "Fraction":
        g1 = gcd(_abs64(self.num), other.den)
        g2 = gcd(_abs64(other.num), self.den)
        num = i64(_quot(self.num, g1) * _quot(other.num, g2))
        den = i64(_quot(self.den, g2) * _quot(other.den, g1))
        return Fraction(num, den)

    def div(self, other: "Fraction") -> "Fraction":
        if other.num <= 0:
            raise Trap("Fraction: division by a value that is not positive")
        return self.mul(Fraction(other.den, other.num))

    def cmp(self, other: "Fraction") -> int:
        a = i64(self.num * other.den)
        b = i64(other.num * self.den)
        return (a > b) - (a < b)

    def floor(self) -> int:
        q = _quot(self.num, self.den)
        return q - 1 if _rem(self.num, self.den) < 0 else q

    def round(self, mode: str) -> int:
        return round_div(self.num, self.den, mode)


def apportion(parts: list[Fraction], total: int) -> list[int]:
    out = [p.floor() for p in parts]
    rest = [p.add(Fraction.from_int(i64(-f))) for p, f in zip(parts, out)]
    given = 0
    for f in out:
        given = i64(given + f)
    candidates = sum(1 for r in rest if not r.is_zero)
    left = total - given
    if left < 0 or left > candidates:
        raise Trap("apportion: total is not a rounding of the parts' sum")
    taken = [False] * len(parts)
    while left > 0:
        best = -1
        for i, r in enumerate(rest):
            if taken[i] or r.is_zero:
                continue
            if best < 0 or r.cmp(rest[best]) > 0:
                best = i
        taken[best] = True
        out[best] += 1
        left -= 1
    return out


# --- t_dates.ts ---------------------------------------------------------------------------------------------


def civil_days(year: int, month: int, day: int) -> int:
    y = year - 1 if month <= 2 else year
    era = _quot(y if y >= 0 else y - 399, 400)
    yoe = y - era * 400
    mp = (month + 9) % 12
    doy = _quot(153 * mp + 2, 5) + day - 1
    doe = yoe * 365 + _quot(yoe, 4) - _quot(yoe, 100) + doy
    return era * 146097 + doe - 719468


def _month_days(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _digits(text: str, start: int, count: int) -> int:
    value = 0
    for ch in text[start:start + count]:
        c = ord(ch) - 48
        if c < 0 or c > 9:
            return -1
        value = value * 10 + c
    return value


@dataclass(frozen=True, slots=True)
class CalendarInstant:
    year: int
    month: int
    day: int
    second: int
    nano: int

    @property
    def days(self) -> int:
        return civil_days(self.year, self.month, self.day)

    def cmp(self, other: "CalendarInstant") -> int:
        a, b = (self.days, self.second, self.nano), (other.days, other.second, other.nano)
        return (a > b) - (a < b)

    @staticmethod
    def parse(text: str) -> "CalendarInstant | None":
        n = len(text)
        if n < 20 or text[-1] != "Z":
            return None
        year, month, day = _digits(text, 0, 4), _digits(text, 5, 2), _digits(text, 8, 2)
        hour, minute, second = _digits(text, 11, 2), _digits(text, 14, 2), _digits(text, 17, 2)
        if year < 0 or month < 1 or month > 12 or day < 1 or day > _month_days(year, month):
            return None
        if hour < 0 or hour > 23 or minute < 0 or minute > 59 or second < 0 or second > 59:
            return None
        if text[4] != "-" or text[7] != "-" or text[10] != "T" or text[13] != ":" or text[16] != ":":
            return None
        nano = 0
        if n > 20:
            places = n - 21
            if text[19] != "." or places < 1 or places > 9:
                return None
            nano = _digits(text, 20, places)
            if nano < 0:
                return None
            nano *= 10 ** (9 - places)
        return CalendarInstant(year, month, day, hour * 3600 + minute * 60 + second, nano)


def read_calendar_instant(fields: Fields, key: str) -> CalendarInstant | None:
    text = fields.string(key)
    if fields.failure.failed:
        return None
    parsed = CalendarInstant.parse(text)
    if parsed is None:
        fields.fail(key, 'must be an RFC 3339 UTC instant like "2026-02-15T00:00:00Z"')
    return parsed


# --- t_policy.ts --------------------------------------------------------------------------------------------

LEVELS = ("line", "jurisdiction", "invoice")
TAX_COMPUTATIONS = ("per_line", "on_total")


@dataclass(frozen=True, slots=True)
class Policy:
    level: str
    tax_computation: str
    tax_inclusive: bool
    discounts_reduce_tax_base: bool

    @staticmethod
    def read(source: Input) -> "Policy":
        """Policy.read(context): absent or null fields take the defaults."""
        policy = source.context.object("policy")
        level = policy.choice("level", LEVELS) if policy.has("level") else "line"
        computation = policy.choice("tax_computation", TAX_COMPUTATIONS) if policy.has("tax_computation") \
            else "per_line"
        inclusive = policy.boolean("tax_inclusive") if policy.has("tax_inclusive") else False
        reduce = policy.boolean("discounts_reduce_tax_base") if policy.has("discounts_reduce_tax_base") else True
        return Policy(level, computation, inclusive, reduce)


# --- t_lines.ts ---------------------------------------------------------------------------------------------


def optional_string_list(fields: Fields, key: str) -> list[str] | None:
    value = fields.raw(key)
    if not fields.has(key):
        return None
    items: list[str] = []
    if not isinstance(value, list):
        fields.fail(key, "must be an array of strings")
        return items
    for index, item in enumerate(value):
        if not isinstance(item, str):
            fields.failure.set(f"{fields.at(key)}[{index}]: must be a string")
            return items
        items.append(item)
    return items


def sorted_keys(fields: Fields) -> list[str]:
    """Code-point order: Python's own string order."""
    return [] if fields.obj is None else sorted(fields.obj)


def in_categories(line: ChargeLine, categories: list[str]) -> bool:
    return line.category is not None and line.category in categories


def selected(line: ChargeLine, rule_ids: list[str] | None, categories: list[str] | None) -> bool:
    if rule_ids is None and categories is None:
        return True
    if rule_ids is not None and line.rule_id in rule_ids:
        return True
    return categories is not None and in_categories(line, categories)


def is_priced(line: ChargeLine) -> bool:
    return line.kind != "tax"


@dataclass(slots=True)
class LineGroup:
    category: str | None
    taxable: bool
    net: int


def group_lines(lines: list[ChargeLine], chosen: list[bool]) -> list[LineGroup]:
    groups: list[LineGroup] = []
    for line, pick in zip(lines, chosen):
        if not pick:
            continue
        found = next((g for g in groups if g.taxable == line.taxable and g.category == line.category), None)
        if found is None:
            groups.append(LineGroup(line.category, line.taxable, line.amount))
        else:
            found.net = i64(found.net + line.amount)
    return groups


def positive_net(groups: list[LineGroup]) -> int:
    total = 0
    for group in groups:
        if group.net > 0:
            total = i64(total + group.net)
    return total


def reduce_groups(source: Input, groups: list[LineGroup], amount: int, rule_id: str, kind: str, description: str,
                  lines: list[ChargeLine]) -> None:
    if amount == 0:
        return
    shares = allocate(amount, [g.net if g.net > 0 else 0 for g in groups])
    for group, share in zip(groups, shares):
        if share == 0:
            continue
        value = i64(-share)
        lines.append(ChargeLine(rule_id, kind, clip_label(description), None, "1", str(source.major(value)), value,
                                group.taxable, group.category))



MAX_DESCRIPTION = 300


def clip_label(text: str) -> str:
    """At most 300 code points, ending in "…" when cut."""
    return text if len(text) <= MAX_DESCRIPTION else text[:MAX_DESCRIPTION - 1] + "…"
