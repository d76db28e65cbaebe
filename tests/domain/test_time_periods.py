"""Billing periods from (time zone, anchor, interval) and proration by day or by second."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_dagster.domain.periods import (
    Period, billing_period, isoformat_utc, local_midnight, periods_between, prorate, proration)
from billing_dagster.domain.rounding import RoundingMode, RoundingPolicy

UTC = timezone.utc
ZONES = ["UTC", "America/New_York", "Europe/London", "Australia/Sydney", "Pacific/Chatham", "Australia/Lord_Howe",
         "America/Santiago", "Asia/Kathmandu", "Pacific/Apia", "America/St_Johns"]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(tz: str, *args) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def starts(tz, anchor, interval, first, last, anchor_month=1):
    return [p.start.astimezone(ZoneInfo(tz)).date().isoformat()
            for p in periods_between(first, last, tz, anchor, interval, anchor_month)]


def test_anchor_31_clamps_to_month_end_without_drifting():
    assert starts("UTC", 31, "month", utc(2024, 1, 31), utc(2024, 6, 1)) == [
        "2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30", "2024-05-31"]
    assert starts("UTC", 30, "month", utc(2025, 1, 30), utc(2025, 3, 31))[:3] == ["2025-01-30", "2025-02-28",
                                                                                "2025-03-30"]


def test_quarters_and_years_follow_the_anchor_month():
    assert starts("UTC", 31, "quarter", utc(2023, 11, 30), utc(2024, 9, 1), anchor_month=11) == [
        "2023-11-30", "2024-02-29", "2024-05-31", "2024-08-31"]
    assert starts("UTC", 29, "year", utc(2024, 3, 1), utc(2028, 3, 1), anchor_month=2) == [
        "2024-02-29", "2025-02-28", "2026-02-28", "2027-02-28", "2028-02-29"]


def test_weeks_start_on_the_anchor_weekday():
    period = billing_period(utc(2024, 3, 13, 12), "UTC", 1, "week")  # a Wednesday; weeks start Monday
    assert (period.start, period.end) == (utc(2024, 3, 11), utc(2024, 3, 18))
    sunday = billing_period(utc(2024, 3, 13, 12), "UTC", 7, "week")
    assert sunday.start == utc(2024, 3, 10)


def test_boundaries_are_local_midnights_in_utc():
    period = billing_period(utc(2024, 4, 15), "Europe/London", 1)
    assert (period.start, period.end) == (utc(2024, 3, 31, 23), utc(2024, 4, 30, 23))
    assert period.start.tzinfo is UTC
    chatham = billing_period(utc(2024, 4, 15), "Pacific/Chatham", 31)
    assert chatham.start == local("Pacific/Chatham", 2024, 3, 31) == utc(2024, 3, 30, 10, 15)


def test_an_instant_on_a_boundary_belongs_to_the_later_period():
    boundary = local("America/New_York", 2024, 11, 30)
    assert billing_period(boundary, "America/New_York", 30).start == boundary
    assert billing_period(boundary - timedelta(microseconds=1), "America/New_York", 30).end == boundary


def test_skipped_and_midnight_dst_days_still_tile():
    apia = periods_between(utc(2011, 11, 1), utc(2012, 3, 1), "Pacific/Apia", 30)  # 2011-12-30 never happened
    santiago = periods_between(utc(2022, 8, 1), utc(2023, 5, 1), "America/Santiago", 11)  # 2022-09-11 00:00 skipped
    for periods in (apia, santiago):
        assert all(a.end == b.start for a, b in zip(periods, periods[1:]))
    assert local_midnight(date(2022, 9, 11), ZoneInfo("America/Santiago")) == utc(2022, 9, 11, 4)


def test_day_and_second_proration_across_a_dst_change():
    full = billing_period(utc(2024, 3, 15), "America/New_York", 1)
    assert proration(full, full, "second") == (31 * 86_400 - 3_600,) * 2
    assert proration(full, full, "day", tz="America/New_York") == (31, 31)
    late = Period(local("America/New_York", 2024, 3, 20, 14), full.end)  # changed at 14:00 local
    assert proration(late, full, "day", tz="America/New_York") == (12, 31)


def test_mid_period_change_pieces_sum_to_the_full_amount():
    full = billing_period(utc(2024, 2, 10), "UTC", 1)  # 29 days
    change = utc(2024, 2, 15)
    old, new = Period(full.start, change), Period(change, full.end)
    assert prorate(10_000, old, full, "day", tz="UTC") == 4828  # 14/29 of 100.00
    assert prorate(10_000, new, full, "day", tz="UTC") == 5172


@pytest.mark.parametrize("mode", list(RoundingMode))
def test_thirds_telescope_where_independent_rounding_would_not(mode):
    full = Period(utc(2024, 1, 1), utc(2024, 1, 4))
    pieces = [Period(utc(2024, 1, d), utc(2024, 1, d + 1)) for d in (1, 2, 3)]
    parts = [prorate(10, p, full, "day", tz="UTC", policy=RoundingPolicy(mode=mode)) for p in pieces]
    assert sum(parts) == 10 and max(parts) - min(parts) <= 1


def test_naive_datetimes_are_refused_everywhere():
    naive, aware = datetime(2024, 1, 1), utc(2024, 1, 1)
    calls = [lambda: billing_period(naive, "UTC", 1), lambda: periods_between(naive, aware, "UTC", 1),
             lambda: periods_between(aware, naive, "UTC", 1), lambda: Period(naive, aware),
             lambda: Period(aware - timedelta(1), aware).overlap(naive, None), lambda: isoformat_utc(naive)]
    for call in calls:
        with pytest.raises(ValueError, match="naive"):
            call()


@pytest.mark.parametrize("kwargs, message", [
    ({"tz": "Mars/Olympus"}, "unknown time zone"), ({"tz": None}, "unknown time zone"),
    ({"anchor_day": 0}, "anchor_day"), ({"anchor_day": 32}, "anchor_day"), ({"anchor_day": True}, "anchor_day"),
    ({"anchor_day": 8, "interval": "week"}, "anchor_day"), ({"anchor_month": 13}, "anchor_month"),
    ({"interval": "fortnight"}, "fortnight")])
def test_bad_inputs_are_refused_clearly(kwargs, message):
    args = {"at": utc(2024, 1, 1), "tz": "UTC", "anchor_day": 1, "interval": "month"} | kwargs
    with pytest.raises(ValueError, match=message):
        billing_period(**args)


def test_proration_refusals():
    full = Period(utc(2024, 1, 1), utc(2024, 2, 1))
    with pytest.raises(ValueError, match="needs the tenant's time zone"):
        proration(full, full, "day")
    with pytest.raises(ValueError, match="within the full period"):
        proration(Period(utc(2023, 12, 31), utc(2024, 1, 2)), full, "second")
    with pytest.raises(ValueError, match="within one local day"):
        proration(Period(utc(2024, 1, 1, 1), utc(2024, 1, 1, 2)), Period(utc(2024, 1, 1), utc(2024, 1, 1, 5)),
                  "day", tz="UTC")
    with pytest.raises(TypeError):
        prorate(100.0, full, full, "second")
    with pytest.raises(ValueError, match="end must be after start"):
        periods_between(utc(2024, 2, 1), utc(2024, 1, 1), "UTC", 1)


instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC))
grids = st.one_of(
    st.tuples(st.sampled_from(["month", "quarter", "year"]), st.integers(1, 31), st.integers(1, 12)),
    st.tuples(st.just("week"), st.integers(1, 7), st.just(1)))


@settings(max_examples=300, deadline=None, database=None)
@given(instants, st.sampled_from(ZONES), grids)
def test_the_period_of_an_instant_contains_it_and_meets_its_neighbours(at, tz, grid):
    interval, anchor, anchor_month = grid
    period = billing_period(at, tz, anchor, interval, anchor_month)
    assert period.start <= at < period.end
    assert billing_period(period.start, tz, anchor, interval, anchor_month) == period
    assert billing_period(period.end, tz, anchor, interval, anchor_month).start == period.end
    assert billing_period(period.start - timedelta(microseconds=1), tz, anchor, interval, anchor_month).end \
        == period.start
    zone = ZoneInfo(tz)
    assert period.start == local_midnight(period.start.astimezone(zone).date(), zone)


@settings(max_examples=200, deadline=None, database=None)
@given(instants, st.sampled_from(ZONES), grids, st.lists(st.integers(0, 10**6), max_size=5),
       st.integers(-10**9, 10**9), st.sampled_from(list(RoundingMode)), st.sampled_from(["day", "second"]))
def test_pieces_of_a_period_sum_to_its_amount(at, tz, grid, cuts, amount, mode, by):
    interval, anchor, anchor_month = grid
    full = billing_period(at, tz, anchor, interval, anchor_month)
    moments = sorted({full.start + (full.end - full.start) * c // 10**6 for c in cuts} | {full.start, full.end})
    pieces = [Period(a, b) for a, b in zip(moments, moments[1:])]
    policy = RoundingPolicy(mode=mode)
    parts = [prorate(amount, p, full, by, tz=tz, policy=policy) for p in pieces]
    assert sum(parts) == amount
    assert all(part * amount >= 0 for part in parts)
    for piece, part in zip(pieces, parts):
        numerator, denominator = proration(piece, full, by, tz=tz)
        assert abs(part * denominator - amount * numerator) <= denominator  # within one minor unit
