"""BillingCycle: every period closes in exactly one month partition, in order, with no gap."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_dagster.domain.billing_cycle import BillingCycle


def _months(first: date, count: int) -> list[date]:
    months, month = [], first
    for _ in range(count):
        months.append(month)
        month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return months


CYCLES = st.one_of(
    st.builds(BillingCycle, st.sampled_from(["UTC", "America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe",
                                             "Pacific/Chatham", "Europe/London"]),
              st.sampled_from(["month", "quarter", "year"]), st.integers(1, 31), st.integers(1, 12)),
    st.builds(BillingCycle, st.sampled_from(["UTC", "America/Sao_Paulo", "Asia/Tokyo"]), st.just("week"),
              st.integers(1, 7)),
)


@settings(max_examples=60, deadline=None, database=None)
@given(CYCLES, st.integers(2020, 2030), st.integers(1, 12))
def test_the_months_partition_the_periods(cycle, year, month):
    periods = [p for m in _months(date(year, month, 1), 26) for p in cycle.closing_in(m)]
    assert periods, "26 months hold at least one period of any interval up to a year"
    for before, after in zip(periods, periods[1:]):
        assert before.end == after.start  # consecutive: no gap, no overlap, none closed twice
    for m in _months(date(year, month, 1), 26):
        assert all(cycle.last_day(p).replace(day=1) == m for p in cycle.closing_in(m))


def test_examples_of_each_interval():
    october = date(2026, 10, 1)
    assert [cycle_keys(BillingCycle(interval="week", anchor_day=1), october)] == [
        ["2026-09-28", "2026-10-05", "2026-10-12", "2026-10-19"]]
    assert cycle_keys(BillingCycle(anchor_day=15), october) == ["2026-09-15"]
    assert cycle_keys(BillingCycle(interval="year", anchor_day=10, anchor_month=10), october) == ["2025-10-10"]
    assert cycle_keys(BillingCycle(interval="year", anchor_day=10, anchor_month=10), date(2026, 11, 1)) == []
    assert cycle_keys(BillingCycle(anchor_day=31), date(2027, 3, 1)) == ["2027-02-28"]  # ends March 30th


def cycle_keys(cycle, month):
    return [cycle.key(p).isoformat() for p in cycle.closing_in(month)]


def test_a_mid_day_change_splits_local_days_without_overlap():
    cycle = BillingCycle("America/New_York")
    [november] = cycle.closing_in(date(2026, 11, 1))
    from datetime import datetime, timezone
    change = datetime(2026, 11, 21, 19, tzinfo=timezone.utc)  # 14:00 EST
    assert cycle.local_days(november, november.start, change) == 20
    assert cycle.local_days(november, change, november.end) == 10
    assert november.seconds == 721 * 3600


@pytest.mark.parametrize("fields, problem", [
    ({"timezone": "Mars/Olympus"}, "unknown time zone"), ({"interval": "fortnight"}, "fortnight"),
    ({"anchor_day": 32}, "anchor_day"), ({"interval": "week", "anchor_day": 8}, "anchor_day"),
    ({"anchor_month": 0}, "anchor_month")])
def test_a_bad_cycle_is_refused_naming_the_field(fields, problem):
    with pytest.raises(ValueError, match=problem):
        BillingCycle(**fields)
