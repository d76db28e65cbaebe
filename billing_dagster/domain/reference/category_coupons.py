"""category-coupons (wasm/modules/category-coupons/index.ts): coupons applied in order to the lines of their
categories, percentage or fixed, with thresholds, limits and redemption counts, never below zero."""

from dataclasses import dataclass

from billing_dagster.domain.reference.sdk import Decimal, Fields, Input, Output
from billing_dagster.domain.reference.t_sdk import (
    group_lines, is_priced, optional_string_list, positive_net, reduce_groups, selected)

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class Coupon:
    rule_id: str
    description: str
    percent: Decimal | None
    amount: int
    categories: list[str] | None
    min_total: int
    max_amount: int
    max_redemptions: int
    redeemed: int


def _optional(item: Fields, key: str) -> int:
    return item.integer(key) if item.has(key) else -1


def read_coupon(item: Fields) -> Coupon | None:
    rule_id = item.string("rule_id")
    description = item.string("description")
    percent = item.decimal("percent") if item.has("percent") else None
    amount = _optional(item, "amount")
    categories = optional_string_list(item, "categories")
    min_total = _optional(item, "min_total")
    max_amount = _optional(item, "max_amount")
    max_redemptions = _optional(item, "max_redemptions")
    redeemed = item.integer("redeemed") if item.has("redeemed") else 0
    if item.failure.failed:
        return None
    if (percent is None) == (not item.has("amount")):
        item.failure.set(f"{item.path}: needs exactly one of percent, amount")
        return None
    if percent is not None and (percent.sign <= 0 or percent.cmp(HUNDRED) > 0):
        item.fail("percent", "must be more than 0 and at most 100")
        return None
    for key, value, low, problem in (("amount", amount, 0, "must not be negative"),
                                     ("min_total", min_total, 0, "must not be negative"),
                                     ("max_amount", max_amount, 0, "must not be negative"),
                                     ("max_redemptions", max_redemptions, 1, "must be at least 1")):
        if item.has(key) and value < low:
            item.fail(key, problem)
            return None
    if redeemed < 0:
        item.fail("redeemed", "must not be negative")
        return None
    return Coupon(rule_id, description, percent, amount, categories, min_total, max_amount, max_redemptions,
                  redeemed)


def price(source: Input, out: Output) -> None:
    items = source.config.objects("coupons")
    if out.failed:
        return
    if not items:
        return source.config.fail("coupons", "must not be empty")
    coupons = []
    for item in items:
        coupon = read_coupon(item)
        if coupon is None:
            return
        coupons.append(coupon)

    lines = list(source.charges)
    for coupon in coupons:
        name = f"coupon {coupon.rule_id}: "
        if coupon.max_redemptions >= 0 and coupon.redeemed >= coupon.max_redemptions:
            out.warn(f"{name}redemption limit reached ({coupon.redeemed} of {coupon.max_redemptions}); not applied")
            continue
        groups = group_lines(lines, [is_priced(line) and selected(line, None, coupon.categories) for line in lines])
        base = positive_net(groups)
        if coupon.min_total >= 0 and base < coupon.min_total:
            out.warn(f"{name}eligible {source.major(base)} is under the threshold {source.major(coupon.min_total)}; "
                     "not applied")
            continue
        if coupon.percent is not None:
            exact = source.major(base).mul(coupon.percent)
            discount = source.to_minor(Decimal(exact.mantissa, exact.scale + 2))
            if coupon.max_amount >= 0 and discount > coupon.max_amount:
                discount = coupon.max_amount
        else:
            discount = coupon.amount
            if discount > base:
                out.warn(f"{name}{source.major(discount)} is more than the eligible {source.major(base)}; "
                         "clipped to it")
                discount = base
        reduce_groups(source, groups, discount, coupon.rule_id, "discount", coupon.description, lines)
    for line in lines:
        out.add(line)
