"""Billing periods and proration, in timezone-aware UTC.

A tenant's periods come from (timezone, anchor day, interval): each starts at local midnight on the
anchor day, clamped to the month's last day (anchor 31 gives Jan 31, Feb 29, Mar 31, Apr 30, ...).
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from enum import Enum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from billing_dagster.domain.rounding import DEFAULT_POLICY, RoundingPolicy, round_ratio

DAY_SECONDS = 86_400


class Interval(str, Enum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class ProrateBy(str, Enum):
    DAY = "day"
    SECOND = "second"


_MONTHS = {Interval.MONTH: 1, Interval.QUARTER: 3, Interval.YEAR: 12}


@dataclass(frozen=True, slots=True)
class Period:
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        require_aware(self.start, "Period.start")
        require_aware(self.end, "Period.end")
        if self.end <= self.start:
            raise ValueError(f"Period end {self.end.isoformat()} is not after start {self.start.isoformat()}")

    @property
    def seconds(self) -> int:
        return (self.end - self.start) // timedelta(seconds=1)

    @property
    def days(self) -> int:
        return _ceil_div(self.seconds, DAY_SECONDS)

    def overlap(self, start: datetime, end: datetime | None) -> "Period | None":
        """The part of this period covered by [start, end); None when they do not meet."""
        require_aware(start, "overlap start")
        lo = max(self.start, start)
        hi = self.end if end is None else min(self.end, require_aware(end, "overlap end"))
        return Period(lo, hi) if hi > lo else None


def require_aware(moment: datetime, name: str = "datetime") -> datetime:
    if not isinstance(moment, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name}: naive datetime refused; pass a timezone-aware datetime")
    return moment


def tenant_zone(tz: str) -> ZoneInfo:
    """The IANA zone named `tz` (e.g. "Europe/London"); a clear ValueError for anything else."""
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"unknown time zone {tz!r}; use an IANA name such as 'America/New_York'") from None


def billing_period(at: datetime, tz: str, anchor_day: int, interval: Interval | str = Interval.MONTH,
                   anchor_month: int = 1) -> Period:
    """The period containing `at`: [start, end) between local midnights, as UTC datetimes.

    anchor_day is 1-31 for month, quarter and year (clamped to short months) and the ISO weekday 1-7
    (Monday = 1) for week. anchor_month (1-12) places quarters and years; months and weeks ignore it.
    """
    require_aware(at, "at")
    grid = _Grid.of(Interval(interval), anchor_day, anchor_month, tenant_zone(tz))
    k = grid.index_near(at.astimezone(grid.zone).date())
    # Local dates can run backwards around a DST fold; settle on the exact instants.
    while grid.start(k) > at:
        k -= 1
    while grid.start(k + 1) <= at:
        k += 1
    return Period(grid.start(k), grid.start(k + 1))


def periods_between(start: datetime, end: datetime, tz: str, anchor_day: int,
                    interval: Interval | str = Interval.MONTH, anchor_month: int = 1) -> list[Period]:
    """The consecutive whole periods that meet [start, end); each one ends where the next starts."""
    if require_aware(end, "end") <= require_aware(start, "start"):
        raise ValueError("periods_between: end must be after start")
    periods = [billing_period(start, tz, anchor_day, interval, anchor_month)]
    while periods[-1].end < end:
        periods.append(billing_period(periods[-1].end, tz, anchor_day, interval, anchor_month))
    return periods


def proration(active: Period, full: Period, by: ProrateBy | str, *, tz: str | None = None) -> tuple[int, int]:
    """(numerator, denominator): the share of `full` that `active` covers, in seconds or in local days.

    By day, each instant counts from the start of its local day in `tz` (required), so a change at
    14:00 bills that whole day to the period that begins there.
    """
    offset = _offsets(active, full, ProrateBy(by), tz)
    return offset(active.end) - offset(active.start), offset(full.end)


def prorate(amount: int, active: Period, full: Period, by: ProrateBy | str, *, tz: str | None = None,
            policy: RoundingPolicy = DEFAULT_POLICY) -> int:
    """`amount` x the share of `full` that `active` covers, in minor units, rounded by policy.mode.

    Computed as round(amount x share up to active.end) - round(amount x share up to active.start), so
    the amounts of pieces that tile `full` telescope to exactly `amount` in every rounding mode, even
    when each piece is prorated separately (a mid-period plan change, invoiced months apart).
    """
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"prorate amount must be int minor units, got {type(amount).__name__}")
    offset = _offsets(active, full, ProrateBy(by), tz)
    whole = offset(full.end)
    return (round_ratio(amount * offset(active.end), whole, policy.mode)
            - round_ratio(amount * offset(active.start), whole, policy.mode))


def month_period(month_start: date) -> Period:
    """The UTC calendar month that starts on `month_start` (which must be the 1st)."""
    if month_start.day != 1:
        raise ValueError(f"month partition must start on day 1, got {month_start.isoformat()}")
    start = datetime(month_start.year, month_start.month, 1, tzinfo=timezone.utc)
    next_year, next_month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
    return Period(start, datetime(next_year, next_month, 1, tzinfo=timezone.utc))


def days_of(period: Period) -> list[date]:
    first = period.start.date()
    return [first + timedelta(days=i) for i in range(period.days)]


def isoformat_utc(moment: datetime) -> str:
    """RFC 3339 with a Z suffix, the one text form of instants in contracts."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime refused; the system works in timezone-aware UTC")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of `day` in `zone`, in UTC (after the jump when midnight is skipped by DST)."""
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(timezone.utc)


@dataclass(frozen=True, slots=True)
class _Grid:
    """Period k starts on date_at(k): every `months` months from anchor_month, or every 7 days."""

    months: int
    anchor_day: int
    anchor_month: int
    zone: ZoneInfo

    @classmethod
    def of(cls, interval: Interval, anchor_day: int, anchor_month: int, zone: ZoneInfo) -> "_Grid":
        top = 7 if interval is Interval.WEEK else 31
        _check_int(anchor_day, "anchor_day", 1, top)
        _check_int(anchor_month, "anchor_month", 1, 12)
        return cls(_MONTHS.get(interval, 0), anchor_day, anchor_month, zone)

    def date_at(self, k: int) -> date:
        if not self.months:
            return date.fromordinal(self.anchor_day + 7 * k)  # ordinal 1 (0001-01-01) is a Monday
        year, month0 = divmod(self.anchor_month - 1 + k * self.months, 12)
        return date(year, month0 + 1, min(self.anchor_day, calendar.monthrange(year, month0 + 1)[1]))

    def index_near(self, day: date) -> int:
        if not self.months:
            return (day.toordinal() - self.anchor_day) // 7
        return (day.year * 12 + day.month - self.anchor_month) // self.months

    def start(self, k: int) -> datetime:
        return local_midnight(self.date_at(k), self.zone)


def _offsets(active: Period, full: Period, by: ProrateBy, tz: str | None):
    if active.start < full.start or active.end > full.end:
        raise ValueError("proration: the active period must lie within the full period")
    if by is ProrateBy.SECOND:
        return lambda moment: (moment - full.start) // timedelta(seconds=1)
    if tz is None:
        raise ValueError("proration by day needs the tenant's time zone (tz)")
    zone = tenant_zone(tz)
    first = full.start.astimezone(zone).date()
    if full.end.astimezone(zone).date() == first:
        raise ValueError("proration by day: the full period lies within one local day")
    return lambda moment: (moment.astimezone(zone).date() - first).days


def _check_int(value: int, name: str, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer from {low} to {high}, got {value!r}")


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)
