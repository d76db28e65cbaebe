"""usage-tiers (wasm/modules/usage-tiers/index.ts): prices one metric's period sum with tiers.

graduated: each tier prices the slice of usage inside it (a line per tier reached);
volume: the tier the whole quantity falls into prices all of it (one line).
"""

from dataclasses import dataclass

from billing_dagster.domain.reference.sdk import ChargeLine, Decimal, Fields, Input, Output


@dataclass(frozen=True, slots=True)
class Tier:
    up_to: Decimal | None  # inclusive upper bound; None for the open-ended last tier
    unit_price: Decimal
    unit_price_text: str  # as configured, echoed on the charge line


def read_tiers(config: Fields) -> list[Tier]:
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
        price_text = item.decimal_text("unit_price")
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
            item.fail("unit_price", "must not be negative")
        tiers.append(Tier(up_to, unit_price, price_text))
    return tiers


def price(source: Input, out: Output) -> None:
    config = source.config
    rule_id = config.string("rule_id")
    description = config.string("description")
    metric = config.string("metric")
    mode = config.choice("mode", ("graduated", "volume"))
    tiers = read_tiers(config)
    if out.failed:
        return

    quantity = source.usage_sum(metric)
    if out.failed:
        return
    if quantity.sign < 0:
        return source.fact("usage").fail(metric + ".sum", "must not be negative")
    if quantity.sign == 0:
        return

    if mode == "volume":
        tier = next((t for t in tiers if t.up_to is None or quantity.cmp(t.up_to) <= 0), tiers[-1])
        amount = source.to_minor(quantity.mul(tier.unit_price))
        out.add(ChargeLine(rule_id, "usage", description, metric, str(quantity), tier.unit_price_text, amount, True))
        return

    floor = Decimal(0)
    for index, tier in enumerate(tiers):
        reaches_top = tier.up_to is not None and quantity.cmp(tier.up_to) > 0
        piece = (tier.up_to if reaches_top else quantity).sub(floor)
        if piece.sign > 0:
            amount = source.to_minor(piece.mul(tier.unit_price))
            label = f"{description} (tier {index + 1})"
            out.add(ChargeLine(rule_id, "usage", label, metric, str(piece), tier.unit_price_text, amount, True))
        if not reaches_top:
            break
        floor = tier.up_to
