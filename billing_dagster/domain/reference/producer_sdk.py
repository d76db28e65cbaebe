"""The producer helpers of the SDK in plain Python: p_fields.ts, p_instant.ts and the allocation, package and
scaling helpers the producer modules call, trapping (Trap) exactly where the SDK aborts."""

from billing_dagster.domain.reference.fields import Fields
from billing_dagster.domain.reference.numbers import I64_MAX, Decimal, Trap, i64

# --- p_fields.ts ------------------------------------------------------------------------------------------


def optional_string(fields: Fields, key: str) -> str | None:
    return fields.string(key) if fields.has(key) else None


def optional_integer(fields: Fields, key: str, otherwise: int) -> int:
    return fields.integer(key) if fields.has(key) else otherwise


def read_category(fields: Fields, key: str = "category") -> str | None:
    category = optional_string(fields, key)
    if category is not None and len(category) == 0:
        fields.fail(key, "must not be empty")
    return category


def non_negative_decimal(fields: Fields, key: str) -> Decimal:
    value = fields.decimal(key)
    if not fields.failure.failed and value.sign < 0:
        fields.fail(key, "must not be negative")
    return value


def string_list(fields: Fields, key: str) -> list[str]:
    items: list[str] = []
    value = fields.raw(key)
    if fields.obj is None or key not in fields.obj:
        fields.fail(key, "missing")
        return items
    if not isinstance(value, list):
        fields.fail(key, "must be an array")
        return items
    if not value:
        fields.fail(key, "must not be empty")
        return items
    for index, item in enumerate(value):
        path = f"{key}[{index}]"
        if not isinstance(item, str):
            fields.fail(path, "must be a string")
            return items
        if len(item) == 0 or item in items:
            fields.fail(path, "must not be empty" if len(item) == 0 else "is listed twice")
            return items
        items.append(item)
    return items


def keys_of(pack: Fields) -> list[str]:
    return [] if pack.obj is None else list(pack.obj)


# --- decimal.ts, checked.ts, tiers.ts, allocation.ts --------------------------------------------------------


def dmin(a: Decimal, b: Decimal) -> Decimal:
    """Decimal.min: `a` unless `b` is smaller."""
    return a if a.cmp(b) <= 0 else b


def scale_up(mantissa: int, places: int) -> int:
    return i64(mantissa * 10**places)


def _can_scale_up(mantissa: int, places: int) -> bool:
    limit = I64_MAX // 10
    for _ in range(places):
        if mantissa == 0:
            break
        if abs(mantissa) > limit:
            return False
        mantissa *= 10
    return True


def packages(quantity: Decimal, size: Decimal) -> int:
    """tiers.ts packages: ceil(quantity / size) exactly."""
    if size.sign <= 0 or quantity.sign < 0:
        raise Trap("packages: size must be positive and quantity not negative")
    scale = max(quantity.scale, size.scale)
    if not _can_scale_up(quantity.mantissa, scale - quantity.scale) or not _can_scale_up(size.mantissa,
                                                                                         scale - size.scale):
        raise Trap("packages: quantity or size too precise")
    n = scale_up(quantity.mantissa, scale - quantity.scale)
    d = scale_up(size.mantissa, scale - size.scale)
    return n // d if n % d == 0 else n // d + 1


def allocate(amount: int, weights: list[int]) -> list[int]:
    """allocation.ts: largest remainder, ties to the earlier weight; traps where the SDK aborts."""
    if not weights:
        raise Trap("allocate: no weights")
    total = 0
    for weight in weights:
        if weight < 0:
            raise Trap("allocate: negative weight")
        total = i64(total + weight)
    if total == 0:
        raise Trap("allocate: weights are all zero")
    magnitude = i64(-amount) if amount < 0 else amount
    parts, remainders = [], []
    for weight in weights:
        share = i64(magnitude * weight)
        parts.append(share // total)
        remainders.append(share % total)
    left = magnitude - sum(parts)
    taken = [False] * len(weights)
    while left > 0:
        best = -1
        for index, remainder in enumerate(remainders):
            if not taken[index] and (best < 0 or remainder > remainders[best]):
                best = index
        taken[best] = True
        parts[best] += 1
        left -= 1
    return [-part for part in parts] if amount < 0 else parts


# --- p_instant.ts ---------------------------------------------------------------------------------------------

Instant = tuple[int, int]  # (seconds since the epoch, nanoseconds): tuples compare as Instant.cmp does


def days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _digits(text: str, start: int, count: int) -> int:
    value = 0
    for char in text[start:start + count]:
        if not "0" <= char <= "9":
            return -1
        value = value * 10 + ord(char) - 48
    return value


def _days_from_civil(year: int, month: int, day: int) -> int:
    y = year - 1 if month <= 2 else year
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (month - 3 if month > 2 else month + 9) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def parse_instant(text: str) -> Instant | None:
    n = len(text)
    if n < 20 or text[n - 1] != "Z":
        return None
    if (text[4], text[7], text[10], text[13], text[16]) != ("-", "-", "T", ":", ":"):
        return None
    year, month, day = _digits(text, 0, 4), _digits(text, 5, 2), _digits(text, 8, 2)
    hour, minute, second = _digits(text, 11, 2), _digits(text, 14, 2), _digits(text, 17, 2)
    if year < 0 or not 1 <= month <= 12 or day < 1 or day > days_in_month(year, month):
        return None
    if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59):
        return None
    nanos = 0
    if n != 20:
        places = n - 21
        if text[19] != "." or not 1 <= places <= 9:
            return None
        fraction = _digits(text, 20, places)
        if fraction < 0:
            return None
        nanos = fraction * 10 ** (9 - places)
    seconds = _days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
    return seconds, nanos


def add_months(text: str, months: int) -> str | None:
    total = _digits(text, 0, 4) * 12 + _digits(text, 5, 2) - 1 + months
    year, month = total // 12, total % 12 + 1
    if total < 0 or year > 9999:
        return None
    day = min(_digits(text, 8, 2), days_in_month(year, month))
    return f"{year:04d}-{month:02d}-{day:02d}{text[10:]}"
