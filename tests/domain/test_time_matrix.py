"""The DST x month-end x leap-year matrix: periods tile time, and split periods prorate to the whole."""

import calendar
from datetime import datetime, timedelta, timezone
from itertools import product
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_dagster.domain.periods import Period, billing_period, periods_between, prorate, proration
from billing_dagster.domain.rounding import RoundingMode, RoundingPolicy

ZONES = ["America/New_York", "Europe/London", "Australia/Sydney", "Pacific/Chatham"]
ANCHORS = [28, 29, 30, 31]
YEARS = [2024, 2025, 2028]  # two leap years and a common one
INTERVALS = {"month": 1, "quarter": 3, "year": 12}
AMOUNTS = [1, 9_999, -12_345, 10**12 + 7]
MATRIX = list(product(ZONES, ANCHORS, YEARS, INTERVALS))


def year_of_periods(tz: str, anchor: int, year: int, interval: str) -> list[Period]:
    zone = ZoneInfo(tz)
    first = datetime(year, 1, 1, tzinfo=zone)
    return periods_between(first, datetime(year + 1, 1, 1, tzinfo=zone), tz, anchor, interval)


def cut_points(period: Period, zone: ZoneInfo) -> list[datetime]:
    """Three hours into every local day whose UTC offset changes, and mid-afternoon halfway through."""
    first = period.start.astimezone(zone).date()
    days = (period.end.astimezone(zone).date() - first).days
    cuts = [datetime.combine(first + timedelta(days // 2), datetime.min.time(), zone) + timedelta(hours=13, minutes=37)]
    for n in range(days):
        midnight = datetime.combine(first + timedelta(n), datetime.min.time(), zone)
        if midnight.utcoffset() != (midnight + timedelta(days=1)).utcoffset():
            cuts.append(midnight.astimezone(timezone.utc) + timedelta(hours=3))
    return sorted({c.astimezone(timezone.utc) for c in cuts if period.start < c < period.end})


@pytest.mark.parametrize("tz, anchor, year, interval", MATRIX)
def test_periods_tile_and_start_on_the_clamped_anchor(tz, anchor, year, interval):
    zone = ZoneInfo(tz)
    periods = year_of_periods(tz, anchor, year, interval)
    assert all(a.end == b.start for a, b in zip(periods, periods[1:]))
    for period in periods:
        start = period.start.astimezone(zone)
        assert start.time() == datetime.min.time()
        assert start.day == min(anchor, calendar.monthrange(start.year, start.month)[1])
        assert (start.month - 1) % INTERVALS[interval] == 0
        assert billing_period(period.start, tz, anchor, interval) == period
        assert billing_period(period.end - timedelta(microseconds=1), tz, anchor, interval) == period
        assert proration(period, period, "second") == (period.seconds, period.seconds)
        local_days = (period.end.astimezone(zone).date() - start.date()).days
        assert proration(period, period, "day", tz=tz) == (local_days, local_days)


@pytest.mark.parametrize("tz, anchor, year, interval", MATRIX)
def test_split_periods_prorate_to_the_full_amount(tz, anchor, year, interval):
    zone = ZoneInfo(tz)
    for full in year_of_periods(tz, anchor, year, interval):
        moments = [full.start, *cut_points(full, zone), full.end]
        pieces = [Period(a, b) for a, b in zip(moments, moments[1:])]
        for mode, by, amount in product(RoundingMode, ("day", "second"), AMOUNTS):
            policy = RoundingPolicy(mode=mode)
            assert sum(prorate(amount, p, full, by, tz=tz, policy=policy) for p in pieces) == amount


@settings(max_examples=150, deadline=None, database=None)
@given(st.sampled_from(MATRIX), st.integers(0, 366 * 86_400), st.integers(1, 10**6),
       st.integers(-10**9, 10**9), st.sampled_from(list(RoundingMode)), st.sampled_from(["day", "second"]))
def test_a_plan_change_anywhere_splits_the_fee_exactly(case, offset, where, amount, mode, by):
    tz, anchor, year, interval = case
    at = datetime(year, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=offset)
    full = billing_period(at, tz, anchor, interval)
    change = full.start + (full.end - full.start) * where // (10**6 + 1)
    policy = RoundingPolicy(mode=mode)
    old = prorate(amount, Period(full.start, change), full, by, tz=tz, policy=policy)
    new = prorate(amount, Period(change, full.end), full, by, tz=tz, policy=policy)
    assert old + new == amount
