"""Contracts between the host and pricing modules (ABI v1), as Pydantic models."""

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, field_validator

DECIMAL_PATTERN = r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$"


class ChargeLine(BaseModel):
    """One line of Charge IR. Amounts are integer minor units; quantities and prices exact decimal text."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule_id: str = Field(min_length=1, max_length=64)
    kind: Literal["fee", "usage", "tax", "discount", "adjustment"]
    description: str = Field(max_length=300)
    metric: str | None = None
    quantity: str = Field(pattern=DECIMAL_PATTERN)
    unit_price: str = Field(pattern=DECIMAL_PATTERN)
    amount: StrictInt
    taxable: StrictBool

    @field_validator("amount")
    @classmethod
    def _fits_int64(cls, value: int) -> int:
        if not -(2**63) <= value < 2**63:
            raise ValueError("amount does not fit a signed 64-bit integer")
        return value

    def quantity_decimal(self) -> Decimal:
        return Decimal(self.quantity)


class ModuleOutput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    charges: list[ChargeLine] = Field(max_length=10_000)
    warnings: list[str] = Field(default_factory=list, max_length=100)
