"""A tenant's billing cycle (time zone, interval, anchor) and which of its periods close in a month partition.

A period *closes in* the calendar month of its last local day: a calendar-monthly tenant's October closes in
October, an anniversary tenant anchored on the 15th closes [Oct 15, Nov 15) in November, a weekly tenant closes
the 4 or 5 weeks whose Sunday (or other last day) falls in the month, and an annual tenant closes one period in
its anniversary month and none in the other eleven. Periods are keyed by their local start date, which is the
month's first day for a calendar-monthly tenant. See docs/billing-periods.md.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from billing_dagster.domain.periods import (Interval, Period, billing_period, local_midnight, periods_between,
                                            tenant_zone)


@dataclass(frozen=True, slots=True)
class BillingCycle:
    timezone: str = "UTC"
    interval: Interval = Interval.MONTH
    anchor_day: int = 1  # 1-31 (clamped to short months); the ISO weekday 1-7 for a weekly cycle
    anchor_month: int = 1  # 1-12: places quarters and years

    def __post_init__(self) -> None:
        object.__setattr__(self, "interval", Interval(self.interval))
        billing_period(local_midnight(date(2000, 1, 1), tenant_zone(self.timezone)), self.timezone,
                       self.anchor_day, self.interval, self.anchor_month)  # validates the fields

    def period_at(self, moment: datetime) -> Period:
        return billing_period(moment, self.timezone, self.anchor_day, self.interval, self.anchor_month)

    def key(self, period: Period) -> date:
        """The period's local start date: its key in the billing database."""
        return period.start.astimezone(tenant_zone(self.timezone)).date()

    def last_day(self, period: Period) -> date:
        return (period.end.astimezone(tenant_zone(self.timezone)) - timedelta(microseconds=1)).date()

    def closing_in(self, month: date) -> list[Period]:
        """The periods whose last local day falls in `month` (a date on the 1st), in order."""
        zone = tenant_zone(self.timezone)
        first = local_midnight(month, zone)
        following = local_midnight((month.replace(day=28) + timedelta(days=4)).replace(day=1), zone)
        # Every period closing in the month meets [first instant, end of the month).
        candidates = periods_between(first, following, self.timezone, self.anchor_day,
                                     self.interval, self.anchor_month)
        return [p for p in candidates if self.last_day(p).replace(day=1) == month]

    def previous(self, period: Period) -> Period:
        return self.period_at(period.start - timedelta(microseconds=1))

    def local_days(self, period: Period, start: datetime, end: datetime) -> int:
        """Local days of `period` from start to end, each instant counted from the start of its local day
        (so a change at 14:00 bills that whole day to what begins there; the pieces of a period add up)."""
        zone = tenant_zone(self.timezone)
        first = period.start.astimezone(zone).date()
        return (end.astimezone(zone).date() - first).days - (start.astimezone(zone).date() - first).days
