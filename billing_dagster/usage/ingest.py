"""Validate and deduplicate one day of landed events into the lake; rejects go to the quarantine.

Every landed record ends in exactly one of: accepted (in the day's events file), duplicate (its
(tenant_id, event_id) was accepted with the same body, that day or another: counted, not stored again),
conflict (same key, another body: quarantined with both bodies) or quarantined (refused by the Event contract
or the day's context, with the reason naming the field). Files that cannot be read are rejected files. See
docs/ingestion.md.
"""

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

import duckdb
import pyarrow as pa

from billing_dagster.domain import contracts_usage as contract
from billing_dagster.usage import event_index
from billing_dagster.usage.landing import create_landing_lines, landing_files
from billing_dagster.usage.lake import Lake, write_parquet, write_relation_parquet
from billing_dagster.usage.queries import sql

# The Event contract's rules, as the classification query binds them.
CONTRACT_PARAMETERS = {
    "decimal_syntax": contract.DECIMAL_SYNTAX,
    "quantity_pattern": contract.QUANTITY_PATTERN,
    "integer_digits": contract.QUANTITY_INTEGER_DIGITS,
    "fraction_digits": contract.QUANTITY_SCALE,
    "event_id_pattern": contract.EVENT_ID_PATTERN,
    "event_id_max_length": contract.EVENT_ID_MAX_LENGTH,
    "timestamp_pattern": contract.TIMESTAMP_PATTERN,
    "dimensions_max_entries": contract.DIMENSIONS_MAX_ENTRIES,
    "dimension_value_max_length": contract.DIMENSION_VALUE_MAX_LENGTH,
}
_TEMP_TABLES = ("landing_lines", "checked_events", "prior_events", "dedup_outcomes")
_REJECTED_SCHEMA = pa.schema([("source_file", pa.string()), ("reason", pa.string())])


@dataclass(frozen=True, slots=True)
class IngestCounts:
    events_in: int
    accepted: int
    duplicate: int
    quarantined: int  # refused by the contract or the day's context (conflicts not included)
    quarantine_reasons: dict[str, int]  # by field; conflicts under "conflict"
    landing_files: int  # files read
    conflict: int = 0
    rejected_files: dict[str, str] = field(default_factory=dict)  # file -> why it was not read
    days_probed: int = 0  # other days whose events were read to settle a key found in the id index
    seconds: dict[str, float] = field(default_factory=dict, compare=False, repr=False)  # by phase

    def balanced(self) -> bool:
        """Every record read ended in exactly one outcome."""
        return self.events_in == self.accepted + self.duplicate + self.conflict + self.quarantined

    def complete(self) -> bool:
        """Balanced, and every landing file was read."""
        return self.balanced() and not self.rejected_files


def ingest_day(con: duckdb.DuckDBPyConnection, lake: Lake, day: date, tenants: list[str], metrics: list[str],
               max_quantity: Mapping[str, int | str | Decimal] | None = None) -> IngestCounts:
    """Ingest the landing files of `day`: write its events, quarantine, rejected files and id index.

    `max_quantity` maps metrics to the largest quantity one event may carry (default
    contracts_usage.DEFAULT_MAX_QUANTITY, at most MAX_QUANTITY_CEILING), which keeps the aggregates' SUM
    within the lake's DECIMAL(38, 12)."""
    metric_list = list(dict.fromkeys(metrics))
    maxima = _maxima(metric_list, max_quantity or {})
    files, rejected = landing_files(lake.landing_dir(day), lake.root)
    day_start = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    con.execute("SET TimeZone = 'UTC'")
    con.execute(sql("create_ingest_macros"))
    seconds: dict[str, float] = {}
    clock = _Clock(seconds)
    with event_index.index_lock(lake):
        try:
            rejected += create_landing_lines(con, files)
            clock("read")
            con.execute(sql("create_checked_events"), {
                **CONTRACT_PARAMETERS, "day_start": day_start, "day_end": day_start + timedelta(days=1),
                "tenants": tenants, "metrics": metric_list, "max_quantities": maxima,
                "plain_layouts": _plain_layouts(con)})
            clock("check")
            version = event_index.key_version(con)
            other_days = event_index.refresh(con, lake, version, day)
            clock("index_refresh")
            days_probed = event_index.create_prior_events(con, lake, version, other_days)
            clock("index_probe")
            con.execute(sql("create_dedup_outcomes"), {"day": day})
            clock("dedup")
            events_path, quarantine_path = lake.events_file(day), lake.quarantine_file(day)
            write_relation_parquet(con.sql(sql("select_accepted_events")), events_path)
            write_relation_parquet(con.sql(sql("select_quarantined_events"), params={"day": day}), quarantine_path)
            write_parquet(pa.table({"source_file": [r.source_file for r in rejected],
                                    "reason": [r.reason for r in rejected]}, schema=_REJECTED_SCHEMA),
                          lake.rejected_files_file(day))
            clock("write")
            event_index.write_day(con, lake, version, day)
            clock("index_write")
            paths = {"events_path": str(events_path), "quarantine_path": str(quarantine_path)}
            events_in, accepted, duplicate, conflict, quarantined = con.execute(
                sql("count_ingest_outcomes"), paths).fetchall()[0]
            reasons = dict(con.execute(sql("count_quarantine_reasons"), {"quarantine_path": paths["quarantine_path"]})
                           .fetchall())
        finally:
            for table in _TEMP_TABLES:
                con.execute(f"DROP TABLE IF EXISTS {table}")  # noqa: S608 (fixed names)
    rejected_names = {r.source_file for r in rejected}
    return IngestCounts(events_in, accepted, duplicate, quarantined, reasons,
                        landing_files=sum(f.source_file not in rejected_names for f in files), conflict=conflict,
                        rejected_files={r.source_file: r.reason for r in rejected}, days_probed=days_probed,
                        seconds=seconds)


class _Clock:
    """Adds the time since the previous call to seconds[phase]."""

    def __init__(self, seconds: dict[str, float]):
        self.seconds, self.last = seconds, time.perf_counter()

    def __call__(self, phase: str) -> None:
        now = time.perf_counter()
        self.seconds[phase] = round(self.seconds.get(phase, 0.0) + now - self.last, 4)
        self.last = now


def _plain_layouts(con: duckdb.DuckDBPyConnection) -> list[list[str]]:
    """The usual key lists of the day's lines that name only Event fields, none twice: lines with one of them
    need no repeated-key or unknown-field test (an optimisation only; any other line gets the tests)."""
    layouts = [keys for keys, in con.execute(sql("select_key_layouts")).fetchall()]
    return [keys for keys in layouts if len(set(keys)) == len(keys) and set(keys) <= set(contract.EVENT_FIELDS)]


def _maxima(metrics: list[str], configured: Mapping[str, int | str | Decimal]) -> list[str]:
    """The maximum quantity of each metric, as exact decimal text, checked."""
    unknown = sorted(set(configured) - set(metrics))
    if unknown:
        raise ValueError(f"max_quantity names metrics that do not exist: {', '.join(unknown)}")
    texts = []
    for metric in metrics:
        value = configured.get(metric, contract.DEFAULT_MAX_QUANTITY)
        try:
            number = Decimal(value) if isinstance(value, (int, str, Decimal)) and not isinstance(value, bool) \
                else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or not 0 < number <= contract.MAX_QUANTITY_CEILING \
                or -number.as_tuple().exponent > contract.QUANTITY_SCALE:
            raise ValueError(f"max_quantity of metric {metric!r}: {value!r} is not a decimal in "
                             f"(0, {contract.MAX_QUANTITY_CEILING}] with at most {contract.QUANTITY_SCALE} "
                             "fractional digits")
        texts.append(format(number, "f"))
    return texts
