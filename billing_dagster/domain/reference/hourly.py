"""hourly (wasm/modules/hourly/index.ts): billable time entries at an hourly rate per user type.

Each entry's seconds are rounded to the increment (up, nearest or down), then raised to the minimum (entries with
no time stay at zero); amounts are round(billed seconds x rate / 3600) once per line; one line per user type (in
the order of config.rates) or per entry.
"""

from billing_dagster.domain.reference.numbers import round_div
from billing_dagster.domain.reference.producer_sdk import keys_of, optional_integer, read_category
from billing_dagster.domain.reference.sdk import ChargeLine, Decimal, Fields, Input, Output, i64


class Rate:
    __slots__ = ("user_type", "text", "per_hour", "seconds")

    def __init__(self, user_type: str, text: str, per_hour: Decimal):
        self.user_type, self.text, self.per_hour, self.seconds = user_type, text, per_hour, 0


def read_rates(config: Fields) -> list[Rate]:
    rates: list[Rate] = []
    table = config.object("rates")
    if config.failure.failed:
        return rates
    types = keys_of(table)
    if not types:
        config.fail("rates", "must not be empty")
        return rates
    for user_type in types:
        text = table.decimal_text(user_type)
        if config.failure.failed:
            return rates
        per_hour = Decimal.parse(text)
        if per_hour.sign < 0:
            table.fail(user_type, "must not be negative")
            return rates
        rates.append(Rate(user_type, text, per_hour))
    return rates


def billed(seconds: int, increment: int, rounding: str, minimum: int) -> int:
    """The seconds billed for an entry: rounded to the increment, then at least the minimum."""
    result = seconds
    if increment > 0:
        steps, rest = divmod(seconds, increment)
        if rest > 0 and (rounding == "up" or (rounding == "nearest" and rest * 2 >= increment)):
            steps += 1
        result = i64(steps * increment)
    if seconds > 0 and result < minimum:
        result = minimum
    return result


def hours(seconds: int) -> str:
    return str(Decimal(round_div(i64(seconds * 2500), 9, "half_even"), 6).normalized())


def amount_for(source: Input, seconds: int, rate: Decimal) -> int:
    numerator, denominator = i64(seconds * rate.mantissa), 3600
    if source.exponent > rate.scale:
        numerator = i64(numerator * 10 ** (source.exponent - rate.scale))
    if rate.scale > source.exponent:
        denominator = i64(denominator * 10 ** (rate.scale - source.exponent))
    return source.round_div(numerator, denominator)


def price(source: Input, out: Output) -> None:
    config = source.config
    rule_id = config.string("rule_id")
    description = config.string("description")
    rates = read_rates(config)
    minimum = optional_integer(config, "minimum_minutes", 0)
    if not out.failed and minimum < 0:
        config.fail("minimum_minutes", "must not be negative")
    increment = optional_integer(config, "increment_minutes", 0)
    if not out.failed and config.has("increment_minutes") and increment < 1:
        config.fail("increment_minutes", "must be at least 1")
    rounding = config.choice("increment_rounding", ("up", "nearest", "down")) if config.has("increment_rounding") \
        else "up"
    per_entry = config.choice("lines", ("user_type", "entry")) == "entry" if config.has("lines") else False
    category = read_category(config)
    if out.failed:
        return
    increment, minimum = i64(increment * 60), i64(minimum * 60)

    entries = source.fact("time_entries")
    for entry_id in keys_of(entries):
        entry = entries.object(entry_id)
        billable = entry.boolean("billable")
        if out.failed:
            return
        if not billable:
            continue
        user_type = entry.string("user_type")
        seconds = entry.integer("seconds")
        if out.failed:
            return
        if seconds < 0:
            return entry.fail("seconds", "must not be negative")
        rate = None
        for candidate in rates:
            if candidate.user_type == user_type:
                rate = candidate
        if rate is None:
            return entry.fail("user_type", f'no rate for "{user_type}" in config.rates')
        time = billed(seconds, increment, rounding, minimum)
        if not per_entry:
            rate.seconds = i64(rate.seconds + time)
            continue
        user = entry.string("user")
        text = entry.string("description")
        if out.failed:
            return
        if time == 0:
            continue
        label = text if len(text) > 0 else f"{description} ({user})"
        out.add(ChargeLine(rule_id, "usage", label, None, hours(time), rate.text,
                           amount_for(source, time, rate.per_hour), True, category))
    if per_entry:
        return
    for rate in rates:
        if rate.seconds == 0:
            continue
        out.add(ChargeLine(rule_id, "usage", f"{description} ({rate.user_type})", None, hours(rate.seconds), rate.text,
                           amount_for(source, rate.seconds, rate.per_hour), True, category))
