"""What the billing database knows about a tenant, as plain values the pricing core works on."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from billing_dagster.domain.billing_cycle import BillingCycle


@dataclass(frozen=True, slots=True)
class PriceSpec:
    rule_id: str
    component: str  # base_fee | usage
    description: str
    metric: str | None = None
    amount_minor: int | None = None
    tier_mode: str | None = None
    tiers: tuple[dict, ...] = ()


@dataclass(frozen=True, slots=True)
class BucketSpec:
    bucket_id: str
    metric: str
    included: Decimal


@dataclass(frozen=True, slots=True)
class SubscriptionSpec:
    plan_id: str
    starts_at: datetime
    ends_at: datetime | None
    quantity: int = 1  # seats: the fixed fee is charged per seat
    trial_ends_at: datetime | None = None  # no fixed fee before this instant
    subscription_id: str | None = None


@dataclass(frozen=True, slots=True)
class PlanTerms:
    """What a plan charges in the tenant's currency: its prices, or its explicit program, and its buckets."""

    plan_id: str
    prices: tuple[PriceSpec, ...]
    program: tuple[dict, ...] | None = None
    buckets: tuple[BucketSpec, ...] = ()


@dataclass(frozen=True, slots=True)
class TaxComponentSpec:
    """One tax of a region; in effect on [effective_from, effective_to), None meaning open."""

    name: str
    jurisdiction: str
    rate: Decimal
    compound: bool = False
    effective_from: datetime | None = None
    effective_to: datetime | None = None


@dataclass(frozen=True, slots=True)
class TaxRegionSpec:
    """A tax region: its single name and rate, and its ordered components when it has any."""

    code: str
    name: str
    rate: Decimal
    components: tuple[TaxComponentSpec, ...] = ()


@dataclass(frozen=True, slots=True)
class TaxSpec:
    region: str
    name: str
    rate: Decimal
    exempt: bool
    components: tuple[TaxComponentSpec, ...] = ()  # the region's components; empty: the single rate
    exempt_categories: tuple[str, ...] = ()  # charge-line categories the tenant pays no tax on
    line_regions: tuple[tuple[str, TaxRegionSpec], ...] = ()  # (category, region) where not the tenant's own


@dataclass(frozen=True, slots=True)
class TenantAccount:
    tenant_id: str
    currency: str
    net_terms_days: int
    tax: TaxSpec
    subscription: SubscriptionSpec | None
    prices: tuple[PriceSpec, ...]
    program: tuple[dict, ...] | None = None  # the plan's explicit program steps, if it has one
    rounding_policy: dict | None = None  # the tenant's RoundingPolicy fields; None means the default
    buckets: tuple[BucketSpec, ...] = ()
    cycle: BillingCycle = BillingCycle()
    # Every subscription overlapping the period, in start order (the last is `subscription`), and the terms of
    # each plan among them: a mid-period plan change charges each plan's fixed fees for its own part.
    subscriptions: tuple[SubscriptionSpec, ...] = ()
    plans: tuple[PlanTerms, ...] = ()
    name: str = ""

    def __post_init__(self) -> None:
        if not self.subscriptions and self.subscription is not None:
            object.__setattr__(self, "subscriptions", (self.subscription,))
