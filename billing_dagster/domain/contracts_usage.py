"""A usage event as a client sends it (one JSON line in a landing file, or one ingestion API record)."""

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, StrictInt

from billing_dagster.domain.contracts_types import SAFE_INT_MAX, Instant, Key

# DuckDB reads quantities as DECIMAL(38, 9): up to 29 integer and 9 fractional digits.
QUANTITY_PATTERN = r"^(0|[1-9][0-9]{0,28})(\.[0-9]{1,9})?$"
_QUANTITY_TEXT = Annotated[str, Field(pattern=QUANTITY_PATTERN)]
_QUANTITY_INT = Annotated[StrictInt, Field(ge=0, le=SAFE_INT_MAX)]


def _quantity(value: Any) -> int | str:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"expected a non-negative integer or decimal string, got {type(value).__name__}")
    if isinstance(value, int) and not 0 <= value <= SAFE_INT_MAX:
        raise ValueError(f"integer {value} out of range [0, 2^53); send larger quantities as decimal strings")
    if isinstance(value, str) and not re.fullmatch(QUANTITY_PATTERN, value):
        raise ValueError(f"not a non-negative decimal with at most 29 integer and 9 fractional digits ({value!r})")
    return value


Quantity = Annotated[int | str, PlainValidator(_quantity, json_schema_input_type=_QUANTITY_INT | _QUANTITY_TEXT)]


class Event(BaseModel):
    """One usage event. Unknown fields are ignored, as ingest does; event_id makes a retry a duplicate.

    Ingest also checks what the document alone cannot: the tenant and metric exist, and the timestamp falls
    in the partition day.
    """

    model_config = ConfigDict(extra="ignore", strict=True, frozen=True)

    event_id: Annotated[str, Field(pattern=r"\S", max_length=200)] = Field(
        description="Idempotency key: the same event_id counts once.")
    tenant_id: Key
    metric: Key
    quantity: Quantity
    timestamp: Instant
    dimensions: dict[str, Annotated[str, Field(max_length=200)]] = Field(
        default_factory=dict, max_length=32, description="Grouping labels, string values only.")
