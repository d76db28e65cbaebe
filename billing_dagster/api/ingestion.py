"""One POST /v1/events request end to end, without HTTP: parse, check each record, append to the inbox.

Every record ends in exactly one of accepted (inserted now), duplicate (the same event_id with the same body,
earlier in the batch or already in the inbox) or rejected (with one error or more naming the field; a
conflict, the same event_id with another body, is rejected on event_id and the first body kept).
"""

from sqlalchemy import Engine

from billing_dagster.api.body import parse_records
from billing_dagster.api.records import RecordError, check_record, record_event_id
from billing_dagster.usage.inbox import InboxEvent, append_events


def ingest(engine: Engine, tenant_id: str, body: bytes) -> dict:
    """The 202 answer for `body` sent with a key of `tenant_id`, after the inbox transaction committed.
    Raises BodyError when the body as a whole cannot be read."""
    records = parse_records(body)
    errors: list[RecordError] = []
    firsts: dict[str, tuple[int, InboxEvent]] = {}
    repeats: list[tuple[int, InboxEvent]] = []
    for index, record in enumerate(records):
        checked = check_record(record, tenant_id)
        if isinstance(checked, InboxEvent):
            if checked.event_id in firsts:
                repeats.append((index, checked))
            else:
                firsts[checked.event_id] = (index, checked)
        else:
            event_id = record_event_id(record)
            errors += [RecordError(index, event_id, field, reason) for field, reason in checked]
    write = append_events(engine, tenant_id, [event for _, event in firsts.values()])
    accepted = duplicate = 0
    for event_id, (index, event) in firsts.items():
        if event_id in write.inserted:
            accepted += 1
        elif write.existing.get(event_id) == event.body:
            duplicate += 1
        else:
            errors.append(RecordError(index, event_id, "event_id", "event_id: conflict: this event_id was "
                                      "already received with a different body; the first one received is kept"))
    for index, event in repeats:
        first_index, first = firsts[event.event_id]
        kept = first.body if event.event_id in write.inserted else write.existing.get(event.event_id)
        if event.body == kept:
            duplicate += 1
        else:
            errors.append(RecordError(index, event.event_id, "event_id", "event_id: conflict: this event_id was "
                                      f"already received (index {first_index} of this batch, or before) with a "
                                      "different body; the first one received is kept"))
    errors.sort(key=lambda error: error.index)
    return {"accepted": accepted, "duplicate": duplicate, "rejected": len({error.index for error in errors}),
            "errors": [error.to_dict() for error in errors]}
