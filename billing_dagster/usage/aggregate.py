"""DuckDB aggregation over the lake: daily aggregates, and monthly usage for a batch of tenants."""

from datetime import date, datetime, time, timedelta, timezone

import duckdb

from billing_dagster.domain.periods import Period
from billing_dagster.usage.lake import Lake, write_parquet
from billing_dagster.usage.queries import sql


class MissingUsage(RuntimeError):
    """An upstream day is not materialized: usage would be silently short."""


def aggregate_day(con: duckdb.DuckDBPyConnection, lake: Lake, day: date) -> int:
    events = lake.events_file(day)
    if not events.is_file():
        raise MissingUsage(f"usage_events for {day.isoformat()} is not materialized ({events} missing)")
    table = con.sql(sql("aggregate_usage_daily"), params={"events_path": str(events)}).to_arrow_table()
    write_parquet(table, lake.daily_file(day))
    return table.num_rows


def aggregated_and_accepted(con: duckdb.DuckDBPyConnection, lake: Lake, day: date) -> tuple[int, int]:
    """(events counted by the day's aggregates, accepted events of the day): equal when nothing was lost."""
    return con.execute(sql("count_daily_against_events"), {
        "daily_path": str(lake.daily_file(day)), "events_path": str(lake.events_file(day))}).fetchall()[0]


def monthly_usage(con: duckdb.DuckDBPyConnection, lake: Lake, days: list[date],
                  tenants: list[str]) -> dict[str, dict[str, dict]]:
    """{tenant: {metric: {count, sum, min, max}}}; every day of the month must be aggregated first."""
    paths = [lake.daily_file(day) for day in days]
    missing = [day.isoformat() for day, path in zip(days, paths) if not path.is_file()]
    if missing:
        raise MissingUsage(f"usage_daily is not materialized for {len(missing)} day(s): {', '.join(missing[:5])}")
    rows = con.execute(sql("aggregate_usage_monthly"),
                       {"daily_paths": [str(p) for p in paths], "tenants": tenants}).fetchall()
    usage: dict[str, dict[str, dict]] = {tenant: {} for tenant in tenants}
    for tenant, metric, count, total, low, high in rows:
        usage[tenant][metric] = {"count": count, "sum": total, "min": low, "max": high}
    return usage


def period_usage(con: duckdb.DuckDBPyConnection, lake: Lake, period: Period,
                 tenants: list[str]) -> dict[str, dict[str, dict]]:
    """{tenant: {metric: {count, sum, min, max}}} over [period.start, period.end), exactly: the UTC days the
    period covers whole from their daily aggregates, a day it covers in part from that day's events."""
    whole, partial = _covered_days(period)
    usage = monthly_usage(con, lake, whole, tenants) if whole else {tenant: {} for tenant in tenants}
    if not partial:
        return usage
    paths = [lake.events_file(day) for day in partial]
    missing = [day.isoformat() for day, path in zip(partial, paths) if not path.is_file()]
    if missing:
        raise MissingUsage(f"usage_events is not materialized for {len(missing)} day(s): {', '.join(missing)}")
    rows = con.execute(sql("aggregate_usage_between"), {"events_paths": [str(p) for p in paths], "tenants": tenants,
                                                        "start": period.start, "end": period.end}).fetchall()
    for tenant, metric, count, total, low, high in rows:
        known = usage[tenant].get(metric)
        usage[tenant][metric] = {"count": count, "sum": total, "min": low, "max": high} if known is None else {
            "count": known["count"] + count, "sum": known["sum"] + total,
            "min": min(known["min"], low), "max": max(known["max"], high)}
    return usage


def _covered_days(period: Period) -> tuple[list[date], list[date]]:
    """(UTC days inside the period whole, UTC days it covers only in part)."""
    start, end = period.start.astimezone(timezone.utc), period.end.astimezone(timezone.utc)
    whole, partial, day = [], [], start.date()
    while datetime.combine(day, time(), timezone.utc) < end:
        day_start = datetime.combine(day, time(), timezone.utc)
        (whole if start <= day_start and day_start + timedelta(days=1) <= end else partial).append(day)
        day += timedelta(days=1)
    return whole, partial
