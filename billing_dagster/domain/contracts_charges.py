"""Charge IR: the lines a pricing module returns, and the traced lines the host stores and invoices."""

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, StrictBool, StrictInt, field_validator

from billing_dagster.domain.contracts_types import DECIMAL_PATTERN, ModuleId, Sha256


class ChargeLine(BaseModel):
    """One line of Charge IR. Amounts are integer minor units; quantities and prices exact decimal text."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule_id: str = Field(min_length=1, max_length=64, description="The pricing rule that produced the line.")
    kind: Literal["fee", "usage", "tax", "discount", "adjustment"]
    description: str = Field(max_length=300)
    metric: str | None = None
    quantity: str = Field(pattern=DECIMAL_PATTERN)
    unit_price: str = Field(pattern=DECIMAL_PATTERN, description="Major units per unit of quantity.")
    amount: StrictInt = Field(description="Signed minor units, rounded once at the currency exponent.",
                              json_schema_extra={"minimum": -(2**63), "maximum": 2**63 - 1})
    taxable: StrictBool
    category: str | None = Field(
        default=None, min_length=1, max_length=64,
        description="Optional grouping transformers select lines by (coupons or caps per category).")

    @field_validator("amount")
    @classmethod
    def _fits_int64(cls, value: int) -> int:
        if not -(2**63) <= value < 2**63:
            raise ValueError("amount does not fit a signed 64-bit integer")
        return value

    def quantity_decimal(self) -> Decimal:
        return Decimal(self.quantity)


class ModuleOutput(BaseModel):
    """What a module's `run` returns: the Charge IR lines and any warnings for the operator."""

    model_config = ConfigDict(extra="forbid")

    charges: list[ChargeLine] = Field(max_length=10_000)
    warnings: list[str] = Field(default_factory=list, max_length=100)
    carry: dict[str, Any] | None = Field(
        default=None, description="State a producer hands to the next period (e.g. bucket balances to roll "
                                   "over); stored with the Charge IR and offered back as facts.")


class TracedChargeLine(ChargeLine):
    """A Charge IR line as stored and invoiced: stamped with the module and the input that produced it."""

    module_id: ModuleId
    module_sha256: Sha256 = Field(description="sha256 of the module's .wasm bytes.")
    input_sha256: Sha256 = Field(description="sha256 of the canonical input document the module ran on.")


class ChargeDocument(RootModel[list[TracedChargeLine]]):
    """The Charge IR of one tenant-period: the program's lines in order, canonical JSON in the billing DB."""
