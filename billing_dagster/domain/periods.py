"""Billing periods and proration inputs, in timezone-aware UTC."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

DAY_SECONDS = 86_400


@dataclass(frozen=True, slots=True)
class Period:
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            if getattr(self, name).tzinfo is None:
                raise ValueError(f"Period.{name} must be timezone-aware")
        if self.end <= self.start:
            raise ValueError(f"Period end {self.end.isoformat()} is not after start {self.start.isoformat()}")

    @property
    def seconds(self) -> int:
        return int((self.end - self.start).total_seconds())

    @property
    def days(self) -> int:
        return _ceil_div(self.seconds, DAY_SECONDS)

    def overlap(self, start: datetime, end: datetime | None) -> "Period | None":
        """The part of this period covered by [start, end); None when they do not meet."""
        lo = max(self.start, start)
        hi = self.end if end is None else min(self.end, end)
        return Period(lo, hi) if hi > lo else None


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


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)
