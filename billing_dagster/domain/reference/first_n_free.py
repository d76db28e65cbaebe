"""first-n-free (wasm/modules/first-n-free/index.ts): the first N units of a metric, or every fee and usage line
during the subscription's first N billing periods, made free by discount lines per (category, taxable) group."""

from billing_dagster.domain.reference.sdk import ChargeLine, Decimal, Input, Output, i64
from billing_dagster.domain.reference.t_sdk import (
    CalendarInstant, LineGroup, clip_label, optional_string_list, read_calendar_instant, selected)


def price(source: Input, out: Output) -> None:
    config = source.config
    rule_id = config.string("rule_id")
    description = config.string("description")
    by_units = config.has("units")
    units = config.decimal("units") if by_units else Decimal(0)
    metric = config.string("metric") if by_units else ""
    periods = config.integer("periods") if config.has("periods") else 0
    rule_ids = optional_string_list(config, "rule_ids")
    categories = optional_string_list(config, "categories")
    if out.failed:
        return
    if by_units == config.has("periods"):
        return out.fail("config: needs exactly one of units, periods")
    if by_units and units.sign <= 0:
        return config.fail("units", "must be positive")
    if not by_units and periods < 1:
        return config.fail("periods", "must be at least 1")

    lines = source.charges
    free = [0] * len(lines)
    label = description
    if by_units:
        left = units
        for i, line in enumerate(lines):
            if left.sign <= 0:
                break
            if line.kind != "usage" or line.metric is None or line.metric != metric:
                continue
            if not selected(line, rule_ids, categories):
                continue
            quantity = Decimal.parse(line.quantity)
            if quantity.sign <= 0:
                continue
            take = quantity if quantity.cmp(left) <= 0 else left
            left = left.sub(take)
            if line.amount <= 0:
                continue
            amount = line.amount if take.cmp(quantity) == 0 \
                else source.to_minor(take.mul(Decimal.parse(line.unit_price)))
            amount = min(amount, line.amount)
            if amount > 0:
                free[i] = amount
    else:
        subscription = source.fact("subscription")
        if not subscription.present:
            for line in lines:
                out.add(line)
            return out.warn("facts.subscription is absent: no introductory periods")
        start = read_calendar_instant(subscription, "start")
        if out.failed:
            return
        period_start = CalendarInstant.parse(source.period_start)
        if period_start is None:
            return out.fail("context.period.start: must be an RFC 3339 UTC instant")
        number = period_number(start, period_start)
        if number <= periods:
            label = f"{description} (period {number} of {periods})"
            for i, line in enumerate(lines):
                if line.kind in ("fee", "usage") and line.amount > 0 and selected(line, rule_ids, categories):
                    free[i] = line.amount

    groups: list[LineGroup] = []
    for line, amount in zip(lines, free):
        out.add(line)
        if amount == 0:
            continue
        found = next((g for g in groups if g.taxable == line.taxable and g.category == line.category), None)
        if found is None:
            groups.append(LineGroup(line.category, line.taxable, amount))
        else:
            found.net = i64(found.net + amount)
    for group in groups:
        amount = i64(-group.net)
        out.add(ChargeLine(rule_id, "discount", clip_label(label), None, "1", str(source.major(amount)), amount,
                           group.taxable, group.category))


def period_number(start: CalendarInstant, period_start: CalendarInstant) -> int:
    if start.cmp(period_start) >= 0:
        return 1
    months = (period_start.year * 12 + period_start.month) - (start.year * 12 + start.month)
    return 1 + months + (1 if start.day < period_start.day else 0)
