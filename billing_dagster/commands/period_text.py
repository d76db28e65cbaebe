"""The period of a `rate` document or `--period` option, in any of three forms:

    "2026-10"                                               a UTC calendar month
    {"start": "2026-10-15T00:00:00Z", "end": "2026-11-15T00:00:00Z"}     any span, RFC 3339 with an offset
    {"interval": "week", "anchor_day": 1, "timezone": "Europe/Paris", "containing": "2026-10-07T12:00:00Z"}
        the tenant-style period (domain/billing_cycle.py) that contains an instant; anchor_month places
        quarters and years
"""

import json
from datetime import date, datetime

from billing_dagster.domain.billing_cycle import BillingCycle
from billing_dagster.domain.periods import Period, month_period

_SPAN_KEYS = {"start", "end"}
_CYCLE_KEYS = {"interval", "anchor_day", "anchor_month", "timezone", "containing"}


class PeriodError(ValueError):
    """A period that cannot be read; the message names the key."""


def parse_period(value: object) -> Period:
    if isinstance(value, str) and value.startswith("{"):
        try:
            value = json.loads(value)
        except ValueError:
            raise PeriodError(f"period: not JSON: {value!r}") from None
    if isinstance(value, str):
        try:
            return month_period(date.fromisoformat(f"{value}-01"))
        except ValueError:
            raise PeriodError(f"period: expected YYYY-MM or an object, got {value!r}") from None
    if not isinstance(value, dict):
        raise PeriodError(f"period: expected YYYY-MM or an object, got {type(value).__name__}")
    if set(value) <= _SPAN_KEYS and value:
        return _span(value)
    unknown = sorted(set(value) - _CYCLE_KEYS)
    if unknown or "containing" not in value:
        raise PeriodError(f"period: expected {{start, end}} or {{interval, anchor_day, anchor_month, timezone, "
                          f"containing}}; " + (f"unknown key {unknown[0]!r}" if unknown else "missing 'containing'"))
    try:
        cycle = BillingCycle(value.get("timezone", "UTC"), value.get("interval", "month"), value.get("anchor_day", 1),
                             value.get("anchor_month", 1))
    except ValueError as error:
        raise PeriodError(f"period: {error}") from None
    return cycle.period_at(_instant(value["containing"], "containing"))


def _span(value: dict) -> Period:
    missing = sorted(_SPAN_KEYS - set(value))
    if missing:
        raise PeriodError(f"period.{missing[0]}: missing")
    try:
        return Period(_instant(value["start"], "start"), _instant(value["end"], "end"))
    except ValueError as error:
        raise PeriodError(str(error) if str(error).startswith("period.") else f"period: {error}") from None


def _instant(text: object, key: str) -> datetime:
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        raise PeriodError(f"period.{key}: not an RFC 3339 instant: {text!r}") from None
    if moment.tzinfo is None:
        raise PeriodError(f"period.{key}: no UTC offset in {text!r}")
    return moment
