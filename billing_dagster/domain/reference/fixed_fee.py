"""fixed-fee (wasm/modules/fixed-fee/index.ts): one recurring fee, optionally prorated by days or seconds."""

from billing_dagster.domain.reference.sdk import ChargeLine, Input, Output, i64


def price(source: Input, out: Output) -> None:
    config = source.config
    rule_id = config.string("rule_id")
    description = config.string("description")
    amount = config.integer("amount")
    proration = config.choice("proration", ("day", "second", "none"))
    if out.failed:
        return
    if amount < 0:
        return config.fail("amount", "must not be negative")

    subscription = source.fact("subscription")
    if not subscription.present:
        return out.warn("facts.subscription is absent: no fee charged")

    # "none" still skips a subscription that was not active at all in the period.
    unit = "seconds" if proration == "second" else "days"
    active = subscription.integer("active_" + unit)
    period = subscription.integer("period_" + unit)
    if out.failed:
        return
    if period <= 0:
        return subscription.fail("period_" + unit, "must be positive")
    if active < 0 or active > period:
        return subscription.fail("active_" + unit, "must be between 0 and period_" + unit)
    if active == 0:
        return

    charged, label = amount, description
    if proration != "none" and active < period:
        charged = source.round_div(i64(amount * active), period)
        label += f" (prorated {active}/{period} {unit})"
    out.add(ChargeLine(rule_id, "fee", label, None, "1", str(source.major(amount)), charged, True))
