"""bucket-overage (wasm/modules/bucket-overage/index.ts): an allowance bucket, overage beyond it, rollover.

Usage draws on the carried-in lots usable this period (soonest expiry first, never-expiring last), then on the
period's included units; the rest is overage at unit_price. Pooled metrics split the overage amount and units by
usage (largest remainder). Output carry: {"buckets": {bucket: {"carried_in": [{"expires", "quantity"}, ...]}}}.
"""

from dataclasses import dataclass

from billing_dagster.domain.reference.producer_sdk import (
    Instant, add_months, allocate, dmin, non_negative_decimal, optional_integer, parse_instant, read_category,
    scale_up, string_list)
from billing_dagster.domain.reference.sdk import ChargeLine, Decimal, Fields, Input, Output

DAY_SECONDS = 86400
INSTANT_EXAMPLE = "must be an instant like 2026-03-01T00:00:00Z"


class Lot:
    __slots__ = ("quantity", "expires_text", "expires")

    def __init__(self, quantity: Decimal, expires_text: str | None, expires: Instant | None):
        self.quantity, self.expires_text, self.expires = quantity, expires_text, expires


@dataclass(frozen=True, slots=True)
class Rollover:
    cap: Decimal | None
    months: int  # 0: new lots never expire


def usable(lot: Lot, period_start: Instant) -> bool:
    """A lot counts when it never expires or expires at least one day after the period starts."""
    return lot.expires is None or lot.expires >= (period_start[0] + DAY_SECONDS, period_start[1])


def _expires_after(a: Lot, b: Lot) -> bool:
    if a.expires is None:
        return b.expires is not None
    if b.expires is None:
        return False
    return a.expires > b.expires


def sort_by_expiry(lots: list[Lot]) -> None:
    """Soonest expiry first; equal expiries keep their order (the module's stable insertion sort)."""
    for i in range(1, len(lots)):
        lot, j = lots[i], i - 1
        while j >= 0 and _expires_after(lots[j], lot):
            lots[j + 1] = lots[j]
            j -= 1
        lots[j + 1] = lot


def read_rollover(config: Fields) -> Rollover | None:
    if not config.has("rollover"):
        return None
    rollover = config.object("rollover")
    cap = non_negative_decimal(rollover, "cap") if rollover.has("cap") else None
    months = optional_integer(rollover, "expires_after_months", 0)
    if not config.failure.failed and rollover.has("expires_after_months") and not 1 <= months <= 1200:
        rollover.fail("expires_after_months", "must be between 1 and 1200")
    return Rollover(cap, months)


def read_lots(bucket: Fields) -> list[Lot]:
    lots: list[Lot] = []
    for item in bucket.objects("carried_in"):
        quantity = non_negative_decimal(item, "quantity")
        text = item.string_or_null("expires")
        if bucket.failure.failed:
            return lots
        expires = None
        if text is not None:
            expires = parse_instant(text)
            if expires is None:
                item.fail("expires", INSTANT_EXAMPLE + " or null")
                return lots
        lots.append(Lot(quantity, text, expires))
    return lots


def price(source: Input, out: Output) -> None:
    config = source.config
    rule_id = config.string("rule_id")
    description = config.string("description")
    bucket_id = config.string("bucket")
    unit_price = non_negative_decimal(config, "unit_price")
    pooled_config = config.has("metrics")
    metrics = string_list(config, "metrics") if pooled_config else []
    rollover = read_rollover(config)
    category = read_category(config)
    if out.failed:
        return
    price_text = config.string("unit_price")
    start, end = parse_instant(source.period_start), parse_instant(source.period_end)
    if start is None:
        return out.fail("context.period.start: " + INSTANT_EXAMPLE)
    if end is None:
        return out.fail("context.period.end: " + INSTANT_EXAMPLE)

    bucket = source.fact("buckets").object(bucket_id)
    included = non_negative_decimal(bucket, "included")
    if not pooled_config:
        metrics = [bucket.string("metric")]
    lots = read_lots(bucket)
    if out.failed:
        return

    used: list[Decimal] = []
    total = Decimal(0)
    for metric in metrics:
        quantity = source.usage_sum(metric)
        if out.failed:
            return
        if quantity.sign < 0:
            return source.fact("usage").fail(metric + ".sum", "must not be negative")
        used.append(quantity)
        total = total.add(quantity)

    live = [lot for lot in lots if usable(lot, start)]
    sort_by_expiry(live)
    allowance, remaining = included, total
    for lot in live:
        allowance = allowance.add(lot.quantity)
        take = dmin(remaining, lot.quantity)
        lot.quantity = lot.quantity.sub(take)
        remaining = remaining.sub(take)
    from_included = dmin(remaining, included)
    unused = included.sub(from_included)
    overage = remaining.sub(from_included)

    if overage.sign > 0:
        amount = source.to_minor(overage.mul(unit_price))
        if len(metrics) == 1:
            label = f"{description} overage ({total} used, {allowance} allowance)"
            out.add(ChargeLine(rule_id, "usage", label, metrics[0], str(overage), price_text, amount, True, category))
        else:
            scale = max(quantity.scale for quantity in used)
            weights = [scale_up(quantity.mantissa, scale - quantity.scale) for quantity in used]
            amounts, units = allocate(amount, weights), allocate(overage.mantissa, weights)
            for metric, quantity, weight, part, unit in zip(metrics, used, weights, amounts, units):
                if weight == 0:
                    continue
                label = f"{description} overage ({metric}: {quantity} of {total} pooled, {allowance} allowance)"
                out.add(ChargeLine(rule_id, "usage", label, metric, str(Decimal(unit, overage.scale)), price_text,
                                   part, True, category))

    following = [lot for lot in live if lot.quantity.sign > 0 and usable(lot, end)]
    if rollover is not None and unused.sign > 0:
        text = expires = None
        if rollover.months > 0:
            text = add_months(source.period_end, rollover.months)
            if text is None:
                return out.fail("config.rollover.expires_after_months: the expiry would pass the year 9999")
            expires = parse_instant(text)
        following.append(Lot(unused, text, expires))
        sort_by_expiry(following)
    if rollover is not None and rollover.cap is not None:
        capped, kept = [], Decimal(0)
        for lot in following:
            room = rollover.cap.sub(kept)
            if room.sign <= 0:
                break
            quantity = dmin(lot.quantity, room)
            capped.append(Lot(quantity, lot.expires_text, lot.expires))
            kept = kept.add(quantity)
        following = capped

    out.carry = {"buckets": {bucket_id: {"carried_in": [
        {"expires": lot.expires_text, "quantity": str(lot.quantity)} for lot in following]}}}
