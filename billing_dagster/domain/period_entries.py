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
