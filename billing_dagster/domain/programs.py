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
    usage charge per metric, then tax."""
    if account.program is not None:
        return [ProgramStep(step["module"], step["kind"], dict(step.get("config", {}))) for step in account.program]
    producers = [_producer_for(price) for price in account.prices]
    return producers + [ProgramStep("tax", "transformer", {"rule_id": "sales_tax"})]


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
