"""A tenant's pricing program: which modules run, in which order, with which config."""

from dataclasses import dataclass, field

from billing_dagster.domain.accounts import TenantAccount

# Transformers run after every producer, in this fixed order (docs/modules.md).
TRANSFORMER_ORDER = ("bundle-flat-rate", "first-n-free", "category-coupons", "cap-total", "manual-adjustments", "tax")


@dataclass(frozen=True, slots=True)
class ProgramStep:
    module: str
    kind: str  # producer | transformer
    config: dict = field(default_factory=dict)


def program_for(account: TenantAccount) -> list[ProgramStep]:
    """The plan's explicit program if it has one, else the program its prices imply: a fixed fee, one tiered
    usage charge per metric, then the period's manual adjustments and tax.

    After a mid-period plan change (several plans among the period's subscriptions) the latest plan's program
    runs with its fixed fees limited to its own subscriptions, and every earlier plan adds its fixed-fee steps
    limited to its subscriptions: each plan charges its fee for its own part of the period, while usage is
    priced by the plan in force at the period's end (docs/billing-periods.md)."""
    steps = _plan_steps(account.program, account.prices)
    if len(account.plans) < 2:
        return steps
    latest = account.subscription.plan_id
    earlier = [step for terms in account.plans if terms.plan_id != latest
               for step in _plan_steps(terms.program, terms.prices) if step.module == FIXED_FEE
               for step in [_for_plan(step, terms.plan_id)]]
    limited = [_for_plan(step, latest) if step.module == FIXED_FEE else step for step in steps]
    producers = [step for step in limited if step.kind == "producer"]
    return producers + earlier + [step for step in limited if step.kind != "producer"]


FIXED_FEE = "fixed-fee"


def _plan_steps(program: tuple[dict, ...] | None, prices) -> list[ProgramStep]:
    if program is not None:
        return [ProgramStep(step["module"], step["kind"], dict(step.get("config", {}))) for step in program]
    producers = [_producer_for(price) for price in prices]
    # Operator credits and charges (billing-dagster adjustments) reach every implied program, before tax.
    return producers + [ProgramStep("manual-adjustments", "transformer", {"rule_id": "adjustment"}),
                        ProgramStep("tax", "transformer", {"rule_id": "sales_tax"})]


def _for_plan(step: ProgramStep, plan_id: str) -> ProgramStep:
    """The fixed-fee step charging only subscriptions on `plan_id` (a step naming its plan keeps it)."""
    return step if "plan" in step.config else ProgramStep(step.module, step.kind, {**step.config, "plan": plan_id})


def _producer_for(price) -> ProgramStep:
    if price.component == "base_fee":
        return ProgramStep("fixed-fee", "producer", {
            "rule_id": price.rule_id, "description": price.description,
            "amount": price.amount_minor, "proration": "day"})
    if price.component == "usage":
        return ProgramStep("usage-tiers", "producer", {
            "rule_id": price.rule_id, "description": price.description, "metric": price.metric,
            "mode": price.tier_mode, "tiers": [dict(t) for t in price.tiers]})
    raise ValueError(f"price {price.rule_id}: unknown component {price.component!r}")


def ordered(steps: list[ProgramStep]) -> list[ProgramStep]:
    """Producers in declared order, then transformers in the platform's fixed order."""
    producers = [s for s in steps if s.kind == "producer"]
    transformers = sorted((s for s in steps if s.kind == "transformer"), key=lambda s: _transformer_rank(s.module))
    return producers + transformers


def _transformer_rank(module: str) -> int:
    return TRANSFORMER_ORDER.index(module) if module in TRANSFORMER_ORDER else len(TRANSFORMER_ORDER)
