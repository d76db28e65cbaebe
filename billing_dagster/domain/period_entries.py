"""Time entries and manual adjustments of a tenant-period, as plain values the fact-pack builder works on."""

from dataclasses import dataclass
from datetime import datetime

ADJUSTMENT_KINDS = ("credit", "charge")


@dataclass(frozen=True, slots=True)
class TimeEntrySpec:
    """One tracked block of work (the hourly module's facts.time_entries entry, keyed by entry_id)."""

    entry_id: str
    user: str
    user_type: str
    start: datetime  # tz-aware UTC
    seconds: int
    billable: bool
    description: str = ""


@dataclass(frozen=True, slots=True)
class AdjustmentSpec:
    """An operator-entered credit or charge (facts.adjustments entry, keyed by adjustment_id)."""

    adjustment_id: str
    kind: str  # credit | charge
    amount_minor: int  # positive; the kind gives the sign
    currency: str  # must be the tenant's
    description: str
    reason: str
    taxable: bool = False
    category: str | None = None


MAX_KEY = 64


def key(value, name: str) -> str:
    """An id as the contracts take it (contracts_types.Key): non-empty, no whitespace, at most 64 characters."""
    if not isinstance(value, str) or not value or any(c.isspace() for c in value) or len(value) > MAX_KEY:
        raise ValueError(f"{name}: expected a non-empty id without spaces (at most {MAX_KEY} characters), "
                         f"got {value!r}")
    return value
