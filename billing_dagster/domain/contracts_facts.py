"""Fact packs: the facts a tenant-period's program may read, as stored and as a module sees them.

A pack is absent when the program's fact plan does not need it. `usage`, `time_entries`, `buckets` and
`adjustments` are keyed packs (an object of entries by key, so canonical JSON orders them); a manifest's
`reads` fields name fields of the entries. A module sees only the packs and fields it declares, so the
module-side views (`*View`) make every field optional while keeping its type.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, StrictBool, StrictInt, create_model, field_validator
from pydantic_core.core_schema import ValidationInfo

from billing_dagster.domain.contracts_types import (
    HOST_CONTRACT, SAFE_INT_MAX, Count, CurrencyCode, DecimalText, Instant, Key, Text, UnsignedDecimalText,
    drop_property_defaults, instant_order)


class CustomerFacts(BaseModel):
    model_config = ConfigDict(**HOST_CONTRACT, json_schema_extra=drop_property_defaults)

    tenant: Key
    currency: CurrencyCode
    name: Text = Field(default=None, description="The customer's name as the billing database holds it.")
    timezone: Key = Field(default=None, description="IANA time zone of the billing cycle, e.g. America/New_York.")
    billing_interval: Literal["week", "month", "quarter", "year"] = Field(default=None)
    billing_anchor_day: Annotated[StrictInt, Field(ge=1, le=31)] = Field(
        default=None, description="1-31 (clamped to short months); the ISO weekday 1-7 for a weekly cycle.")
    net_terms_days: Count = Field(default=None, description="Days from the issue date to the due date.")


class SubscriptionFacts(BaseModel):
    """A subscription and how much of the period it covers (proration inputs)."""

    model_config = ConfigDict(**HOST_CONTRACT, json_schema_extra=drop_property_defaults)

    id: Key = Field(default=None, description="Entry id in `subscriptions` (the fan-out scope id).")
    plan: Key
    start: Instant
    end: Instant | None = Field(description="null while the subscription runs on.")
    active_days: Count = Field(description="Paid local days of the period: the overlap less any trial, each "
                                           "instant counted from the start of its local day.")
    period_days: Count = Field(description="Local days of the period in the tenant's time zone.")
    active_seconds: Count
    period_seconds: Count
    quantity: Annotated[StrictInt, Field(ge=2, le=1_000_000)] = Field(
        default=None, description="Seats: the fixed fee is charged this many times. Absent: 1.")
    trial_end: Instant = Field(default=None, description="End of a free trial: no fixed fee before it (already "
                                                         "left out of active_days and active_seconds).")

    @field_validator("end")
    @classmethod
    def _after_start(cls, end: str | None, info: ValidationInfo) -> str | None:
        start = info.data.get("start")
        if end is not None and start is not None and instant_order(end) <= instant_order(start):
            raise ValueError(f"end {end} is not after start {start}")
        return end

    @field_validator("period_days", "period_seconds")
    @classmethod
    def _covers_active(cls, total: int, info: ValidationInfo) -> int:
        active = info.data.get(info.field_name.replace("period_", "active_"))
        if active is not None and active > total:
            raise ValueError(f"{active} active is more than the {total} of the period")
        return total


class UsageStats(BaseModel):
    """Composable monthly aggregates of one metric's accepted events (quantities as decimal text)."""

    model_config = HOST_CONTRACT

    count: Count
    sum: DecimalText
    min: DecimalText
    max: DecimalText


class TaxComponent(BaseModel):
    """One tax of one jurisdiction (a state rate, a county rate, GST, QST), optionally in effect for part of
    the period only: a rate change is two components of the same name with adjoining windows."""

    model_config = ConfigDict(**HOST_CONTRACT, json_schema_extra=drop_property_defaults)

    name: Text
    rate: UnsignedDecimalText = Field(description='A fraction: "0.0625" is 6.25 %.')
    jurisdiction: Key = Field(description="Components of one jurisdiction are rounded together at the "
                                          "jurisdiction rounding level.")
    compound: StrictBool = Field(default=None, description="Charged on the base plus the taxes of the components "
                                                           "listed before it (tax on tax). Absent: false.")
    effective_from: Instant | None = Field(default=None, description="In effect from this instant's UTC date; "
                                                                      "absent or null: from the period's start.")
    effective_to: Instant | None = Field(default=None, description="In effect until this instant's UTC date "
                                                                    "(exclusive); absent or null: to the period's end.")

    @field_validator("effective_to")
    @classmethod
    def _after_from(cls, end: str | None, info: ValidationInfo) -> str | None:
        start = info.data.get("effective_from")
        if end is not None and start is not None and instant_order(end) <= instant_order(start):
            raise ValueError(f"effective_to {end} is not after effective_from {start}")
        return end


class TaxLineRegion(BaseModel):
    """Charge lines of some categories taxed in a region other than the customer's (e.g. services performed
    on site): its own single name and rate, or components."""

    model_config = ConfigDict(**HOST_CONTRACT, json_schema_extra=drop_property_defaults)

    region: Key
    categories: list[Key] = Field(min_length=1, max_length=100,
                                  description="Lines of these categories are taxed here, and by no other region.")
    name: Text
    rate: UnsignedDecimalText = Field(description='A fraction: "0.05" is 5 %.')
    components: list[TaxComponent] = Field(
        default=None, min_length=1, max_length=50,
        description="When present, the taxes charged instead of the single `name` and `rate`.")


class TaxFacts(BaseModel):
    model_config = ConfigDict(**HOST_CONTRACT, json_schema_extra=drop_property_defaults)

    region: Key
    name: Text
    rate: UnsignedDecimalText = Field(description='A fraction: "0.0825" is 8.25 %.')
    exempt: StrictBool = Field(description="The customer is exempt: no tax at all.")
    components: list[TaxComponent] = Field(
        default=None, min_length=1, max_length=50,
        description="When present, the taxes charged (in order; compound ones see those before them) instead "
                    "of the single `name` and `rate`.")
    exempt_categories: list[Key] = Field(
        default=None, max_length=100, description="Charge lines of these categories are not taxed.")
    regions: list[TaxLineRegion] = Field(
        default=None, max_length=50,
        description="Lines of these regions' categories are taxed by them instead (each region's lines are a "
                    "base of their own); `exempt` and `exempt_categories` still apply.")

    @field_validator("regions")
    @classmethod
    def _one_region_per_category(cls, regions: list[TaxLineRegion] | None) -> list[TaxLineRegion] | None:
        seen: set[str] = set()
        for index, region in enumerate(regions or ()):
            repeated = seen.intersection(region.categories)
            if repeated:
                raise ValueError(f"regions[{index}] ({region.region}): category {sorted(repeated)[0]} is already "
                                 "taxed by an earlier region")
            seen.update(region.categories)
        return regions


class TimeEntry(BaseModel):
    """One tracked block of work (hourly billing); non-billable entries are passed so modules can ignore them."""

    model_config = HOST_CONTRACT

    user: Key
    user_type: Key = Field(description="Selects the rate, e.g. engineer, consultant.")
    start: Instant
    seconds: Count
    billable: StrictBool
    description: Text


class CarriedUnits(BaseModel):
    """Unused allowance rolled over from an earlier period."""

    model_config = HOST_CONTRACT

    quantity: UnsignedDecimalText
    expires: Instant | None = Field(description="When the units lapse; null when they never do.")


class Bucket(BaseModel):
    """An allowance of a metric: included units this period plus balances carried from earlier periods."""

    model_config = HOST_CONTRACT

    metric: Key
    included: UnsignedDecimalText
    carried_in: list[CarriedUnits] = Field(max_length=1_000)


class Adjustment(BaseModel):
    """An operator-entered credit or charge, in minor units of the invoice currency."""

    model_config = ConfigDict(**HOST_CONTRACT, json_schema_extra=drop_property_defaults)

    kind: Literal["credit", "charge"]
    amount: Annotated[StrictInt, Field(ge=1, le=SAFE_INT_MAX)] = Field(
        description="Positive minor units; `kind` gives the sign.")
    description: Text
    reason: Text
    taxable: StrictBool = Field(default=None, description="Whether tax is charged on it (a credit lowers the "
                                                          "taxable base). Absent: false.")
    category: Key = Field(default=None, description="The category of its charge line (caps and exemptions "
                                                    "by category see it).")


_KEYED = ConfigDict(strict=True, frozen=True)


class UsageFacts(RootModel[dict[Key, UsageStats]]):
    """Usage by metric; an absent metric means zero usage."""

    model_config = _KEYED


class TimeEntriesFacts(RootModel[dict[Key, TimeEntry]]):
    """Time entries of the period by entry id."""

    model_config = _KEYED


class BucketsFacts(RootModel[dict[Key, Bucket]]):
    """Allowance buckets by bucket id."""

    model_config = _KEYED


class AdjustmentsFacts(RootModel[dict[Key, Adjustment]]):
    """Manual adjustments of the period by adjustment id."""

    model_config = _KEYED


_OPTIONAL_PACKS = ConfigDict(**HOST_CONTRACT, json_schema_extra=drop_property_defaults)


class FactPack(BaseModel):
    """Every fact of one tenant-period, as the fact_packs asset stores it (canonical JSON, hashed)."""

    model_config = _OPTIONAL_PACKS

    customer: CustomerFacts = None
    subscription: SubscriptionFacts = None
    subscriptions: list[SubscriptionFacts] = Field(
        default=None, max_length=1_000,
        description="Every subscription of the period, for producers of scope subscription: the host runs such "
                    "a producer once per entry and hands it the entry as `subscription`. Modules never see it.")
    usage: UsageFacts = None
    time_entries: TimeEntriesFacts = None
    buckets: BucketsFacts = None
    tax: TaxFacts = None
    adjustments: AdjustmentsFacts = None


# The model of one entry of each pack: the level a manifest's `reads` fields apply to.
PACK_ENTRIES: dict[str, type[BaseModel]] = {
    "customer": CustomerFacts, "subscription": SubscriptionFacts, "usage": UsageStats,
    "time_entries": TimeEntry, "buckets": Bucket, "tax": TaxFacts, "adjustments": Adjustment,
}
KEYED_PACK_NAMES = frozenset({"usage", "time_entries", "buckets", "adjustments"})


def _view(model: type[BaseModel]) -> type[BaseModel]:
    """The same fields, each optional (a module sees only the fields it declared) but never null."""
    fields = {name: (_annotated(info.annotation, info.metadata), Field(default=None, description=info.description))
              for name, info in model.model_fields.items()}
    return create_model(f"{model.__name__}View", __config__=_OPTIONAL_PACKS, __doc__=model.__doc__, **fields)


def _annotated(annotation, metadata: list):
    return Annotated[(annotation, *metadata)] if metadata else annotation


CustomerFactsView = _view(CustomerFacts)
SubscriptionFactsView = _view(SubscriptionFacts)
UsageStatsView = _view(UsageStats)
TaxFactsView = _view(TaxFacts)
TimeEntryView = _view(TimeEntry)
BucketView = _view(Bucket)
AdjustmentView = _view(Adjustment)


class FactsView(BaseModel):
    """`facts` of a module's input: only the packs, and within them the fields, its manifest reads."""

    model_config = _OPTIONAL_PACKS

    customer: CustomerFactsView = None
    subscription: SubscriptionFactsView = None
    usage: dict[Key, UsageStatsView] = None
    time_entries: dict[Key, TimeEntryView] = None
    buckets: dict[Key, BucketView] = None
    tax: TaxFactsView = None
    adjustments: dict[Key, AdjustmentView] = None
