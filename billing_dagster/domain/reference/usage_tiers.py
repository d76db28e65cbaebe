"""usage-tiers (wasm/modules/usage-tiers/index.ts): prices one metric's period sum.

graduated (a line per tier reached), volume (one line at the tier the sum falls in), per_unit, package (partial
packages round up), percentage (with per-transaction min/max from the usage aggregates: exact when min and max
show every transaction on one side of the bounds, else applied to the period total with a warning) and
graduated_percentage; flat fees per tier, a minimum spend top-up, a line category and a plan filter.
"""

from dataclasses import dataclass

from billing_dagster.domain.reference.producer_sdk import (
    non_negative_decimal, optional_integer, optional_string, packages, read_category)
from billing_dagster.domain.reference.sdk import ChargeLine, Decimal, Fields, Input, Output, i64

MODES = ("graduated", "volume", "per_unit", "package", "percentage", "graduated_percentage")


@dataclass(frozen=True, slots=True)
class Tier:
    up_to: Decimal | None  # inclusive upper bound; None for the open-ended last tier
    unit_price: Decimal  # unit_price, or rate for graduated_percentage
    unit_price_text: str  # as configured, echoed on the charge line
    flat_fee: int  # minor units charged once when the tier is reached; 0: none


def read_tiers(config: Fields, price_key: str) -> list[Tier]:
    items = config.objects("tiers")
    tiers: list[Tier] = []
    if config.failure.failed:
        return tiers
    if not items:
        config.fail("tiers", "must not be empty")
        return tiers
    previous = Decimal(0)
    for index, item in enumerate(items):
        up_to = item.decimal_or_null("up_to")
        price_text = item.decimal_text(price_key)
        if config.failure.failed:
            return tiers
        unit_price = Decimal.parse(price_text)
        last = index == len(items) - 1
        if up_to is None:
            if not last:
                item.fail("up_to", "only the last tier may be null")
        elif last:
            item.fail("up_to", "must be null in the last tier")
        elif up_to.cmp(previous) <= 0:
            item.fail("up_to", "must be greater than the previous tier's up_to (and than 0)")
        else:
            previous = up_to
        if unit_price.sign < 0:
            item.fail(price_key, "must not be negative")
        flat_fee = optional_integer(item, "flat_fee", 0)
        if flat_fee < 0:
            item.fail("flat_fee", "must not be negative")
        tiers.append(Tier(up_to, unit_price, price_text, flat_fee))
    return tiers


class Lines:
    """This step's lines: each gets the step's category; the total feeds the minimum spend."""

    __slots__ = ("out", "category", "total")

    def __init__(self, out: Output, category: str | None):
        self.out, self.category, self.total = out, category, 0

    def add(self, line: ChargeLine) -> None:
        self.total = i64(self.total + line.amount)
        line.category = self.category
        self.out.add(line)


def percent(rate: Decimal) -> str:
    return f"{rate.move_point_right(2).normalized()}%"


def price(source: Input, out: Output) -> None:
    config = source.config
    rule_id = config.string("rule_id")
    description = config.string("description")
    metric = config.string("metric")
    mode = config.choice("mode", MODES)
    tiers: list[Tier] = []
    if mode in ("graduated", "volume"):
        tiers = read_tiers(config, "unit_price")
    elif mode == "graduated_percentage":
        tiers = read_tiers(config, "rate")
    if out.failed:
        return

    unit_price = size = Decimal(0)
    low = high = None
    if mode in ("per_unit", "package"):
        unit_price = non_negative_decimal(config, "unit_price")
    if mode == "package":
        size = config.decimal("package_size")
        if not out.failed and size.sign <= 0:
            config.fail("package_size", "must be positive")
    if mode == "percentage":
        unit_price = non_negative_decimal(config, "rate")
        if config.has("min_per_transaction"):
            low = non_negative_decimal(config, "min_per_transaction")
        if config.has("max_per_transaction"):
            high = non_negative_decimal(config, "max_per_transaction")
        if not out.failed and low is not None and high is not None and low.cmp(high) > 0:
            config.fail("max_per_transaction", "must not be less than min_per_transaction")
    minimum = optional_integer(config, "minimum", 0)
    if not out.failed and minimum < 0:
        config.fail("minimum", "must not be negative")
    lines = Lines(out, read_category(config))
    plan = optional_string(config, "plan")
    if out.failed:
        return
    if plan is not None:  # plan disambiguation: only the plan facts.subscription is on bills the usage
        subscription = source.fact("subscription")
        if not subscription.present:
            return
        subscribed = subscription.string("plan")
        if out.failed or subscribed != plan:
            return

    quantity = source.usage_sum(metric)
    if out.failed:
        return
    if quantity.sign < 0:
        return source.fact("usage").fail(metric + ".sum", "must not be negative")
    if quantity.sign != 0:
        if mode in ("graduated", "graduated_percentage"):
            graduated(source, lines, rule_id, description, metric, quantity, tiers, mode == "graduated_percentage")
        elif mode == "volume":
            volume(source, lines, rule_id, description, metric, quantity, tiers)
        elif mode == "per_unit":
            lines.add(ChargeLine(rule_id, "usage", description, metric, str(quantity), config.string("unit_price"),
                                 source.to_minor(quantity.mul(unit_price)), True))
        elif mode == "package":
            count = Decimal(packages(quantity, size))
            label = f"{description} ({count} packages of {size})"
            lines.add(ChargeLine(rule_id, "usage", label, metric, str(count), config.string("unit_price"),
                                 source.to_minor(count.mul(unit_price)), True))
        else:
            percentage(source, lines, rule_id, description, metric, quantity, unit_price, low, high)
    if out.failed:
        return
    if lines.total < minimum:
        top_up = i64(minimum - lines.total)
        lines.add(ChargeLine(rule_id, "fee", f"{description} (minimum spend {source.major(minimum)})", metric, "1",
                             str(source.major(top_up)), top_up, True))


def flat_fee(source: Input, lines: Lines, rule_id: str, label: str, metric: str, tier: Tier) -> None:
    if tier.flat_fee == 0:
        return
    lines.add(ChargeLine(rule_id, "fee", label + " flat fee", metric, "1", str(source.major(tier.flat_fee)),
                         tier.flat_fee, True))


def graduated(source, lines, rule_id, description, metric, quantity: Decimal, tiers: list[Tier], as_rate: bool):
    floor = Decimal(0)
    for index, tier in enumerate(tiers):
        reaches_top = tier.up_to is not None and quantity.cmp(tier.up_to) > 0
        piece = (tier.up_to if reaches_top else quantity).sub(floor)
        if piece.sign > 0:
            amount = source.to_minor(piece.mul(tier.unit_price))
            tier_label = f"{description} (tier {index + 1}"
            label = f"{tier_label}, {percent(tier.unit_price)})" if as_rate else tier_label + ")"
            lines.add(ChargeLine(rule_id, "usage", label, metric, str(piece), tier.unit_price_text, amount, True))
            flat_fee(source, lines, rule_id, tier_label + ")", metric, tier)
        if not reaches_top:
            break
        floor = tier.up_to


def volume(source, lines, rule_id, description, metric, quantity: Decimal, tiers: list[Tier]):
    index = next((i for i, t in enumerate(tiers) if t.up_to is None or quantity.cmp(t.up_to) <= 0), len(tiers) - 1)
    tier = tiers[index]
    amount = source.to_minor(quantity.mul(tier.unit_price))
    lines.add(ChargeLine(rule_id, "usage", description, metric, str(quantity), tier.unit_price_text, amount, True))
    flat_fee(source, lines, rule_id, f"{description} (tier {index + 1})", metric, tier)


def percentage(source, lines, rule_id, description, metric, total: Decimal, rate: Decimal, low, high):
    config = source.config
    rate_text = config.string("rate")
    label = f"{description} ({percent(rate)})"
    if low is None and high is None:
        return lines.add(ChargeLine(rule_id, "usage", label, metric, str(total), rate_text,
                                    source.to_minor(total.mul(rate)), True))
    stats = source.fact("usage").optional_object(metric)
    count = stats.integer("count") if stats.present else 0
    smallest = stats.decimal("min") if stats.present else Decimal(0)
    largest = stats.decimal("max") if stats.present else Decimal(0)
    if lines.out.failed:
        return
    if count <= 0:
        return stats.fail("count", "must be positive when sum is not zero")
    if smallest.sign < 0:
        return stats.fail("min", "must not be negative")
    if largest.sign < 0:
        return stats.fail("max", "must not be negative")
    n = Decimal(count)
    if low is not None and largest.mul(rate).cmp(low) <= 0:
        return lines.add(ChargeLine(rule_id, "usage", f"{description} (minimum per transaction)", metric, str(n),
                                    config.string("min_per_transaction"), source.to_minor(n.mul(low)), True))
    if high is not None and smallest.mul(rate).cmp(high) >= 0:
        return lines.add(ChargeLine(rule_id, "usage", f"{description} (maximum per transaction)", metric, str(n),
                                    config.string("max_per_transaction"), source.to_minor(n.mul(high)), True))
    value = total.mul(rate)
    inside = ((low is None or smallest.mul(rate).cmp(low) >= 0) and (high is None or largest.mul(rate).cmp(high) <= 0))
    if inside:
        return lines.add(ChargeLine(rule_id, "usage", label, metric, str(total), rate_text, source.to_minor(value),
                                    True))
    if low is not None and value.cmp(n.mul(low)) < 0:
        value = n.mul(low)
    if high is not None and value.cmp(n.mul(high)) > 0:
        value = n.mul(high)
    lines.out.warn(f"{rule_id}: transactions straddle the per-transaction minimum or maximum; the bounds were applied "
                   "to the period total (count x min .. count x max), an approximation from the usage aggregates")
    lines.add(ChargeLine(rule_id, "usage", f"{description} ({percent(rate)}, bounds applied to the total)", metric,
                         str(total), rate_text, source.to_minor(value), True))
