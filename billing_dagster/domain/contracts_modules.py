"""What the host hands a pricing module, how a module declares itself, and how a program chains modules."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, field_validator
from pydantic_core.core_schema import ValidationInfo

from billing_dagster.domain.contracts_charges import ChargeLine
from billing_dagster.domain.contracts_facts import PACK_ENTRIES, FactsView
from billing_dagster.domain.contracts_types import (
    HOST_CONTRACT, Count, CurrencyCode, Instant, JsonObject, Key, ModuleId, RoundingName, SemVer, drop_property_defaults,
    instant_order)

ABI_VERSION = 1
AbiVersion = Annotated[StrictInt, Field(ge=ABI_VERSION, le=ABI_VERSION, json_schema_extra={"const": ABI_VERSION})]
ModuleKind = Literal["producer", "transformer"]
PackName = Literal["customer", "subscription", "usage", "time_entries", "buckets", "tax", "adjustments"]


class CurrencyUnit(BaseModel):
    model_config = HOST_CONTRACT

    code: CurrencyCode
    exponent: Annotated[StrictInt, Field(ge=0, le=18)] = Field(
        description="Decimal places of the minor unit: JPY 0, USD 2, KWD 3.")


class BillingPeriod(BaseModel):
    """A half-open interval [start, end) of UTC instants."""

    model_config = HOST_CONTRACT

    start: Instant
    end: Instant

    @field_validator("end")
    @classmethod
    def _after_start(cls, end: str, info: ValidationInfo) -> str:
        start = info.data.get("start")
        if start is not None and instant_order(end) <= instant_order(start):
            raise ValueError(f"end {end} is not after start {start}")
        return end


class Policy(BaseModel):
    model_config = HOST_CONTRACT

    rounding: RoundingName = Field(description="How an exact amount becomes minor units, once per line.")
    level: Literal["line", "jurisdiction", "invoice"] = Field(
        "line", description="Where tax is rounded: each line, each jurisdiction's sum, or the invoice total.")
    tax_computation: Literal["per_line", "on_total"] = Field(
        "per_line", description="Tax computed line by line, or once on the taxable total.")
    tax_inclusive: StrictBool = Field(False, description="Prices already include tax (tax is extracted).")
    discounts_reduce_tax_base: StrictBool = Field(True, description="Discounts lower the taxable base.")


class CallScope(BaseModel):
    """Which entry a fanned-out producer call prices (absent for calls that see the whole tenant-period)."""

    model_config = HOST_CONTRACT

    kind: Literal["subscription", "contract_line"]
    index: Count = Field(description="Position of the entry in the fan-out list.")
    id: Key = Field(description="The entry's id, or its index as text when it has none.")


class Context(BaseModel):
    """Who and what period is being priced, in which currency, under which rounding policy."""

    model_config = ConfigDict(**HOST_CONTRACT, json_schema_extra=drop_property_defaults)

    tenant: Key
    currency: CurrencyUnit
    period: BillingPeriod
    policy: Policy
    scope: CallScope = None


class ModuleInput(BaseModel):
    """The document a module's `run` receives (canonical JSON; its sha256 is the line's input_sha256)."""

    model_config = HOST_CONTRACT

    abi: AbiVersion
    context: Context
    facts: FactsView
    config: JsonObject
    charges: list[ChargeLine] = Field(max_length=10_000, description="The lines so far; [] for producers.")


class Step(BaseModel):
    """One module of a program with its config (checked against the module's config_schema)."""

    model_config = HOST_CONTRACT

    module: ModuleId
    version: SemVer | None = Field(default=None, description="Pinned version; null or absent: the bound one.")
    kind: ModuleKind
    config: JsonObject = Field(default_factory=dict)


class Program(BaseModel):
    """A tenant's pricing pipeline: producers in declared order, then transformers in the platform's order."""

    model_config = HOST_CONTRACT

    steps: list[Step] = Field(max_length=100)


class ModuleManifest(BaseModel):
    """What a module is and what it reads (declare-what-you-use): the fact planner unions these."""

    model_config = ConfigDict(**HOST_CONTRACT, json_schema_extra=drop_property_defaults)

    id: ModuleId
    version: SemVer
    kind: ModuleKind
    abi: AbiVersion
    scope: Literal["tenant", "subscription", "contract_line"] = Field(
        description="What a producer fans out over; transformers always see the whole tenant-period.")
    reads: dict[PackName, list[Key]] = Field(
        description="Fact packs and, per pack, the fields of its entries the module may see.")
    config_schema: JsonObject = Field(description="JSON Schema 2020-12 of the step config.")
    language: Key = Field(default=None, description='Source language, informational ("assemblyscript", "wat").')

    @field_validator("scope")
    @classmethod
    def _transformers_see_the_tenant(cls, scope: str, info: ValidationInfo) -> str:
        if info.data.get("kind") == "transformer" and scope != "tenant":
            raise ValueError("a transformer's scope is tenant")
        return scope

    @field_validator("reads")
    @classmethod
    def _known_fields(cls, reads: dict[str, list[str]]) -> dict[str, list[str]]:
        for pack, fields in reads.items():
            unknown = sorted(set(fields) - set(PACK_ENTRIES[pack].model_fields))
            if unknown:
                raise ValueError(f"{pack}: unknown fields {', '.join(unknown)}")
        return reads

    @field_validator("config_schema")
    @classmethod
    def _object_schema(cls, schema: dict) -> dict:
        if schema.get("type") != "object":
            raise ValueError('a config schema describes an object ("type": "object")')
        return schema
