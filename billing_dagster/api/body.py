"""The body of POST /v1/events: one event object, or {"events": [...]}, cut into the exact text of each record.

Each record's own JSON text is what the Event contract's parse_event reads, as it reads a landing line: the
same rules (numbers from their literal text, repeated keys, text that is not Unicode) decide at both entry
points. Here the body is only checked to be JSON of the right shape; NaN and Infinity are not JSON.
"""

import json
import re
from dataclasses import dataclass
from typing import Any

MAX_BATCH = 10_000
MAX_BODY_BYTES = 32 * 1024 * 1024


class BodyError(Exception):
    """The body as a whole cannot be read; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One record as sent: its JSON text, and that text parsed loosely (numbers other than integers left as
    their text) to find its tenant_id and event_id before the contract has read it."""

    text: str
    value: Any


class JsonNumberText(str):
    """A JSON number with a fraction or exponent, kept as its literal text (never a float)."""


def _not_json(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


# C-speed parsing that never builds a float; the contract's parse_event reads each record again, strictly.
_DECODER = json.JSONDecoder(parse_float=JsonNumberText, parse_constant=_not_json)
_SPACE = re.compile(r"[ \t\n\r]*")


def parse_records(body: bytes) -> list[RawRecord]:
    """The records the body holds, in order. Raises BodyError for a body that is not one event object or a
    batch of at most MAX_BATCH."""
    if not body.strip():
        raise BodyError(400, 'request body is empty: send one event object or {"events": [...]}')
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BodyError(400, f"request body is not valid UTF-8 (byte {error.start})") from None
    try:
        document = _DECODER.decode(text)
    except (ValueError, RecursionError) as error:  # JSONDecodeError is a ValueError
        raise BodyError(400, f"request body is not valid JSON: {error}") from None
    if not isinstance(document, dict):
        raise BodyError(422, 'request body: expected one event object or {"events": [...]}, '
                             f"got a JSON {json_kind(document)}")
    if "events" not in document:
        return [RawRecord(text.strip(" \t\n\r"), document)]
    others = sorted(set(document) - {"events"})
    if others:
        raise BodyError(422, f"request body: a batch holds only \"events\"; unexpected {', '.join(map(repr, others))}")
    events = document["events"]
    if not isinstance(events, list):
        raise BodyError(422, f"events: expected an array of event objects, got a JSON {json_kind(events)}")
    if len(events) > MAX_BATCH:
        raise BodyError(413, f"events: {len(events):,} events in one request; at most {MAX_BATCH:,} are accepted "
                             "(split the batch)")
    return _batch_records(text)


def _batch_records(text: str) -> list[RawRecord]:
    """Walk {"events": [r0, r1, ...]} (already known to be valid JSON with the one key "events") and cut out
    the text of each record."""
    position = _skip(text, 0) + 1  # past "{"
    records: list[RawRecord] | None = None
    while True:
        _, position = _DECODER.raw_decode(text, _skip(text, position))  # the key: "events", maybe escaped
        if records is not None:
            raise BodyError(422, "request body: duplicate key 'events'")
        position = _skip(text, _skip(text, position) + 1)  # past ":"
        position = _skip(text, position + 1)  # past "["
        records = []
        while text[position] != "]":
            value, end = _DECODER.raw_decode(text, position)
            records.append(RawRecord(text[position:end], value))
            position = _skip(text, end)
            if text[position] == ",":
                position = _skip(text, position + 1)
        position = _skip(text, position + 1)  # past "]"
        if text[position] == "}":
            return records
        position += 1  # past ","


def _skip(text: str, position: int) -> int:
    return _SPACE.match(text, position).end()


def json_kind(value: Any) -> str:
    """The JSON type of a parsed value, as a client would name it."""
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, str) and not isinstance(value, JsonNumberText):
        return "string"
    return "null" if value is None else "number"
