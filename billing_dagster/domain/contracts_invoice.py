"""An invoice as the billing database stores it: a header, totals in minor units, and traced lines."""

from typing import Literal

from pydantic import BaseModel, Field, field_validator
from pydantic_core.core_schema import ValidationInfo

from billing_dagster.domain.contracts_charges import TracedChargeLine
from billing_dagster.domain.contracts_modules import BillingPeriod
from billing_dagster.domain.contracts_types import HOST_CONTRACT, Count, CurrencyCode, Date, Key, Minor, Sha256


class Invoice(BaseModel):
    """Identity is (tenant, period, kind, revision). total == subtotal - discount + tax == sum of line amounts."""

    model_config = HOST_CONTRACT

    tenant: Key
    period: BillingPeriod
    kind: Literal["standard", "manual", "credit_note"]
    revision: Count
    status: Literal["draft", "finalized", "paid", "void"]
    plan: Key | None = Field(description="The plan billed, null when none.")
    currency: CurrencyCode
    subtotal: Minor = Field(description="Sum of fee, usage and adjustment lines.")
    discount: Minor = Field(description="Discounts as a positive number (discount lines are negative).")
    tax: Minor
    total: Minor
    issue_date: Date
    due_date: Date
    charges_sha256: Sha256 = Field(description="sha256 of the Charge IR document the invoice was built from.")
    lines: list[TracedChargeLine] = Field(max_length=10_000)

    @field_validator("total")
    @classmethod
    def _total_adds_up(cls, total: int, info: ValidationInfo) -> int:
        parts = [info.data.get(name) for name in ("subtotal", "discount", "tax")]
        if None not in parts and total != parts[0] - parts[1] + parts[2]:
            raise ValueError(f"{total} is not subtotal - discount + tax ({parts[0] - parts[1] + parts[2]})")
        return total

    @field_validator("due_date")
    @classmethod
    def _not_before_issue(cls, due: str, info: ValidationInfo) -> str:
        issue = info.data.get("issue_date")
        if issue is not None and due < issue:
            raise ValueError(f"due date {due} is before the issue date {issue}")
        return due

    @field_validator("lines")
    @classmethod
    def _lines_sum_to_total(cls, lines: list[TracedChargeLine], info: ValidationInfo) -> list[TracedChargeLine]:
        total = info.data.get("total")
        line_sum = sum(line.amount for line in lines)
        if total is not None and line_sum != total:
            raise ValueError(f"line amounts sum to {line_sum}, not the total {total}")
        return lines
