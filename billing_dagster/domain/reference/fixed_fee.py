"""fixed-fee (wasm/modules/fixed-fee/index.ts): one recurring fee per subscription, prorated by days or seconds,
optionally for one plan only and split across bundled services by fair-market-value weights."""

from dataclasses import dataclass

from billing_dagster.domain.reference.producer_sdk import allocate, optional_string, read_category
from billing_dagster.domain.reference.sdk import ChargeLine, Fields, Input, Output, i64


@dataclass(frozen=True, slots=True)
class Service:
    description: str
    weight: int
    category: str | None


def read_services(config: Fields) -> list[Service]:
    services: list[Service] = []
    if not config.has("services"):
        return services
    items = config.objects("services")
    if config.failure.failed:
        return services
    if not items:
        config.fail("services", "must not be empty")
        return services
    total = 0
    for item in items:
        description = item.string("description")
        weight = item.integer("weight")
        category = read_category(item)
        if config.failure.failed:
            return services
        if weight < 0:
            item.fail("weight", "must not be negative")
            return services
        total = i64(total + weight)
        services.append(Service(description, weight, category))
    if total == 0:
        config.fail("services", "weights must not all be zero")
    return services


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
    plan = optional_string(config, "plan")
    category = read_category(config)
    services = read_services(config)
    if out.failed:
        return

    subscription = source.fact("subscription")
    if not subscription.present:
        return out.warn("facts.subscription is absent: no fee charged")
    if plan is not None:
        subscribed = subscription.string("plan")
        if out.failed or subscribed != plan:
            return

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

    charged, suffix = amount, ""
    if proration != "none" and active < period:
        charged = source.round_div(i64(amount * active), period)
        suffix = f" (prorated {active}/{period} {unit})"
    if not services:
        return out.add(ChargeLine(rule_id, "fee", description + suffix, None, "1", str(source.major(amount)), charged,
                                  True, category))
    weights = [service.weight for service in services]
    full, parts = allocate(amount, weights), allocate(charged, weights)
    for service, whole, part in zip(services, full, parts):
        line_category = service.category if service.category is not None else category
        out.add(ChargeLine(rule_id, "fee", service.description + suffix, None, "1", str(source.major(whole)), part,
                           True, line_category))
