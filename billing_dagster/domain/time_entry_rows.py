"""One row of a time-entry import (a CSV row of text, or a JSONL object) checked into a TimeEntrySpec.

Every problem of a row is reported at once, each naming its field; the caller adds the file and line.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from billing_dagster.domain.period_entries import TimeEntrySpec, key

MAX_TEXT = 300
MAX_SECONDS = 2**53 - 1
COLUMNS = ("tenant_id", "entry_id", "user", "user_type", "start", "seconds", "billable", "description")
REQUIRED = ("entry_id", "user", "user_type", "start", "seconds", "billable")
# RFC 3339 with a time offset (Z or +hh:mm): a local time without one is ambiguous and refused.
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})")


@dataclass(frozen=True, slots=True)
class TimeEntryRow:
    tenant_id: str
    entry: TimeEntrySpec


class RowError(ValueError):
    """Every problem of one row, as "field: message" texts."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def parse_row(raw: dict, tenant: str | None = None, text_values: bool = False) -> TimeEntryRow:
    """`raw` holds the row's fields; `tenant` (from --tenant) fills or must equal its tenant_id; `text_values`
    is true for CSV, where seconds and billable are text ("3600", "true")."""
    if text_values and raw.get("tenant_id") == "":
        raw = {name: value for name, value in raw.items() if name != "tenant_id"}  # an empty CSV cell
    problems = [f"{name}: unknown column (known: {', '.join(COLUMNS)})" for name in raw if name not in COLUMNS]
    problems += [f"{name}: missing" for name in REQUIRED if raw.get(name) is None]
    values = {name: _checked(name, raw[name], text_values, problems) for name in COLUMNS
              if raw.get(name) is not None}
    tenant_id = _tenant(values.get("tenant_id"), tenant, problems)
    if problems:
        raise RowError(problems)
    entry = TimeEntrySpec(values["entry_id"], values["user"], values["user_type"], values["start"],
                          values["seconds"], values["billable"], values.get("description", ""))
    return TimeEntryRow(tenant_id, entry)


def _tenant(in_row: str | None, given: str | None, problems: list[str]) -> str | None:
    if in_row is not None and given is not None and in_row != given:
        problems.append(f"tenant_id: {in_row!r} differs from --tenant {given!r}")
    elif in_row is None and given is None:
        problems.append("tenant_id: missing (give the column or --tenant)")
    return in_row if in_row is not None else given


def _checked(name: str, value, text_values: bool, problems: list[str]):
    try:
        if name == "start":
            return parse_instant(value, name)
        if name == "seconds":
            return _seconds(value, text_values)
        if name == "billable":
            return _boolean(value, text_values)
        if name == "description":
            return _text(value, name, MAX_TEXT)
        return key(value, name)
    except ValueError as error:
        problems.append(str(error))
        return None


def _text(value, name: str, limit: int) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise ValueError(f"{name}: expected text of at most {limit} characters, got {value!r}")
    return value


def parse_instant(value, name: str) -> datetime:
    """RFC 3339 with an offset ("2026-02-03T09:00:00Z", "...+01:00") as tz-aware UTC."""
    if not isinstance(value, str) or not _RFC3339.fullmatch(value):
        raise ValueError(f"{name}: expected an RFC 3339 instant with an offset such as 2026-02-03T09:00:00Z, "
                         f"got {value!r}")
    try:
        moment = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{name}: not a calendar date-time ({value!r})") from None
    return moment.astimezone(timezone.utc)


def _seconds(value, text_values: bool) -> int:
    if text_values and isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SECONDS:
        raise ValueError(f"seconds: expected a non-negative whole number of seconds, got {value!r}")
    return value


def _boolean(value, text_values: bool) -> bool:
    if text_values and value in ("true", "false"):
        return value == "true"
    if not isinstance(value, bool):
        raise ValueError(f"billable: expected {'true or false' if text_values else 'a JSON boolean'}, "
                         f"got {value!r}")
    return value
