"""One record of a request, checked: the Event contract (parse_event) decides what is an event, the API key
decides the tenant. A record that passes becomes an InboxEvent: the validated event's JSON text and its UTC
day; one that does not yields its problems, each naming the field.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from billing_dagster.api.body import RawRecord
from billing_dagster.domain.contracts_usage import EVENT_FIELDS, EventRejected, parse_event
from billing_dagster.usage.inbox import InboxEvent

_FIELD_ORDER = {name: position for position, name in enumerate(("record",) + EVENT_FIELDS)}


@dataclass(frozen=True, slots=True)
class RecordError:
    index: int
    event_id: str | None
    field: str
    reason: str

    def to_dict(self) -> dict:
        """As answered; text that is not Unicode (a lone surrogate) is shown escaped (\\ud800)."""
        return {"index": self.index, "event_id": None if self.event_id is None else _printable(self.event_id),
                "field": _printable(self.field), "reason": _printable(self.reason)}


def check_record(record: RawRecord, tenant_id: str) -> InboxEvent | list[tuple[str, str]]:
    """The record as an InboxEvent of `tenant_id`, or its problems as (field, reason) pairs. A record without
    tenant_id is the key's tenant's; a record naming any other tenant is refused."""
    text, problems = record.text, []
    if isinstance(record.value, dict):
        if "tenant_id" not in record.value:
            text = _with_tenant(text, tenant_id)
        elif record.value["tenant_id"] != tenant_id:
            problems.append(("tenant_id", f"tenant_id: this API key writes tenant {tenant_id!r} only, "
                                          f"not {_shown(record.value['tenant_id'])}"))
    try:
        event = parse_event(text)
    except EventRejected as error:
        problems.append((error.field, error.reason))
    if problems:
        return sorted(problems, key=lambda problem: _FIELD_ORDER.get(problem[0], len(_FIELD_ORDER)))
    if "\x00" in event.event_id:
        return [("event_id", "event_id: contains a NUL character, which the billing database cannot store")]
    return InboxEvent(event.event_id, event.model_dump_json(), utc_day(event.timestamp))


def utc_day(timestamp: str | datetime) -> date:
    """The UTC date of an instant: the day whose landing partition holds the event."""
    moment = timestamp if isinstance(timestamp, datetime) else datetime.fromisoformat(timestamp)
    if moment.tzinfo is None:
        raise ValueError(f"no UTC offset in {timestamp!s}")
    return moment.astimezone(timezone.utc).date()


def record_event_id(record: RawRecord) -> str | None:
    """The record's event_id when it is a JSON string (to name the record in an error), else None."""
    value = record.value.get("event_id") if isinstance(record.value, dict) else None
    return value if type(value) is str else None


def _with_tenant(text: str, tenant_id: str) -> str:
    """The object text with `"tenant_id": <tenant_id>` as its first member."""
    rest = text[1:]
    separator = "" if rest.lstrip(" \t\n\r").startswith("}") else ","
    return f'{{"tenant_id":{json.dumps(tenant_id)}{separator}{rest}'


def _printable(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
