"""A usage event as a client sends it (one JSONL line, CSV row or Parquet row in a landing file, or one
ingestion API record): the ingest contract.

The rules live here once. The Pydantic model `Event` publishes them (schemas/event.schema.json) and validates
them in Python; `parse_event` applies them to a record's JSON text exactly as the DuckDB ingest does, which
reads the constants below as bound parameters (sql/create_classified_events.sql). tests/usage checks that the
two agree on a table of tricky inputs and on generated ones.

Quantities are exact decimals held by the lake as DECIMAL(38, 12): at most 26 integer and 12 fractional
digits. A quantity is a decimal string ("12", "0.5", "1.50") or a JSON integer (12): a JSON number with a
fraction or an exponent (1.5, 1e3) is refused, since most JSON parsers, DuckDB's and Pydantic's among them,
read it through a double. Never rounded: a quantity the lake cannot hold exactly is refused with its reason.
"""

import json
import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainValidator, ValidationError, StrictInt

from billing_dagster.domain.contracts_types import Key

# The lake's quantity type, and the digits it holds.
QUANTITY_PRECISION, QUANTITY_SCALE = 38, 12
QUANTITY_INTEGER_DIGITS = QUANTITY_PRECISION - QUANTITY_SCALE
LAKE_QUANTITY_TYPE = f"DECIMAL({QUANTITY_PRECISION}, {QUANTITY_SCALE})"
QUANTITY_INTEGER_MAX = 10**QUANTITY_INTEGER_DIGITS - 1
# Any plain decimal: what is not even this is "not a decimal number" ("1_000", "1e3", " 12", "+1", "1.").
DECIMAL_SYNTAX = r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$"
# A quantity: a plain non-negative decimal the lake holds exactly.
QUANTITY_PATTERN = rf"^(0|[1-9][0-9]{{0,{QUANTITY_INTEGER_DIGITS - 1}}})(\.[0-9]{{1,{QUANTITY_SCALE}}})?$"
# Ingest refuses a quantity above its metric's maximum, so that SUM over a month cannot overflow the lake type:
# at the default, 10^11 events of one tenant and metric fit in a month; at the ceiling, 10^6.
DEFAULT_MAX_QUANTITY = 10**15
MAX_QUANTITY_CEILING = 10**20

EVENT_ID_MAX_LENGTH = 200
# Not empty, not only JSON whitespace. An explicit class: `\S` means different things in RE2, Rust and Python.
EVENT_ID_PATTERN = r"[^ \t\n\r]"
DIMENSIONS_MAX_ENTRIES = 32
DIMENSION_VALUE_MAX_LENGTH = 200
# RFC 3339, upper-case T, Z or a ±HH:MM offset, up to nanoseconds (the lake keeps microseconds, truncating).
TIMESTAMP_PATTERN = (r"^([0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})"
                     r"-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
                     r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?"
                     r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$")
# The fields in the order their problems are reported: the first failing one names a rejected record.
EVENT_FIELDS = ("event_id", "tenant_id", "metric", "quantity", "timestamp", "dimensions")


def quantity_problem(text: str, *, json_number: bool = False) -> str | None:
    """Why `text` (a decimal string, or the literal of a JSON number) is not a quantity, or None.

    The same checks, in the same order and words, as sql/create_classified_events.sql."""
    if json_number and not re.fullmatch(r"-?[0-9]+", text):
        return f"JSON number {text} has a fraction or exponent; send it as a decimal string"
    if not re.fullmatch(DECIMAL_SYNTAX, text):
        return f"not a decimal number ({_quoted(text)})"
    if text.startswith("-"):
        return f"negative ({text})"
    if not re.fullmatch(QUANTITY_PATTERN, text):
        whole, _, fraction = text.partition(".")
        if len(fraction) > QUANTITY_SCALE:
            return f"more than {QUANTITY_SCALE} fractional digits ({text})"
        return f"more than {QUANTITY_INTEGER_DIGITS} integer digits ({text})"
    return None


class JsonFraction:
    """A JSON number with a fraction or exponent, as `parse_event` reads it: its literal text, never a float
    (and not a str either, so no string field takes it)."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _quantity(value: Any) -> int | str:
    if isinstance(value, (JsonFraction, Decimal)):  # a JSON number's literal, as parse_event or the API reads it
        problem = quantity_problem(value.text if isinstance(value, JsonFraction) else str(value), json_number=True)
    elif isinstance(value, float):
        problem = f"JSON number {value!r} has a fraction or exponent; send it as a decimal string"
    elif isinstance(value, bool) or not isinstance(value, (int, str)):
        problem = f"not a number or decimal string (a JSON {json_kind(value)})"
    else:
        problem = quantity_problem(str(value), json_number=isinstance(value, int))
    if problem:
        raise ValueError(problem)
    return int(value) if isinstance(value, Decimal) else value


_QUANTITY_TEXT = Annotated[str, Field(pattern=QUANTITY_PATTERN)]
_QUANTITY_INT = Annotated[StrictInt, Field(ge=0, le=QUANTITY_INTEGER_MAX)]
Quantity = Annotated[int | str, PlainValidator(_quantity, json_schema_input_type=_QUANTITY_INT | _QUANTITY_TEXT)]


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def json_kind(value: Any) -> str:
    """The JSON type of a parsed value, as a client names it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float, Decimal, JsonFraction)):
        return "number"
    return "string" if isinstance(value, str) else "object" if isinstance(value, dict) else "array"


def _event_id(text: str) -> str:
    if not re.search(EVENT_ID_PATTERN, text):
        raise ValueError("empty or only whitespace")
    if len(text) > EVENT_ID_MAX_LENGTH:
        raise ValueError(f"longer than {EVENT_ID_MAX_LENGTH} characters")
    return text


def _instant(text: str) -> str:
    if not re.fullmatch(TIMESTAMP_PATTERN, text):
        raise ValueError(f"not RFC 3339 with Z or a +HH:MM offset ({_quoted(text)})")
    try:
        datetime.fromisoformat(text[:19])  # the pattern fixed the shape; this refuses 2026-02-30
    except ValueError:
        raise ValueError(f"not a calendar date-time ({_quoted(text)})") from None
    return text


EventId = Annotated[str, Field(json_schema_extra={"minLength": 1, "maxLength": EVENT_ID_MAX_LENGTH,
                                                  "pattern": EVENT_ID_PATTERN}), AfterValidator(_event_id)]
"""1 to 200 characters, not only whitespace; unique per tenant."""

EventInstant = Annotated[str, Field(json_schema_extra={"format": "date-time", "pattern": TIMESTAMP_PATTERN}),
                         AfterValidator(_instant)]
"""RFC 3339 with Z or a ±HH:MM offset: "2026-10-05T01:00:00Z", "2026-10-05T03:00:00.25+02:00"."""


class Event(BaseModel):
    """One usage event. Unknown fields are ignored, as ingest does; (tenant_id, event_id) makes a retry a
    duplicate, whenever it comes.

    quantity: a decimal string or a JSON integer (never a JSON number with a fraction or exponent), at most 26
    integer and 12 fractional digits. Ingest also checks what the document alone cannot: the tenant and metric
    exist, the quantity is within its metric's maximum, and the timestamp falls in the partition day.
    """

    model_config = ConfigDict(extra="ignore", strict=True, frozen=True)

    event_id: EventId = Field(
        description="Idempotency key within the tenant: the same (tenant_id, event_id) counts once.")
    tenant_id: Key
    metric: Key
    quantity: Quantity
    timestamp: EventInstant
    dimensions: dict[str, Annotated[str, Field(max_length=DIMENSION_VALUE_MAX_LENGTH)]] = Field(
        default_factory=dict, max_length=DIMENSIONS_MAX_ENTRIES, description="Grouping labels, string values only.")


class EventRejected(ValueError):
    """A record the contract refuses: `field` is an Event field or "record", `reason` starts with it."""

    def __init__(self, field: str, problem: str):
        self.field, self.reason = field, f"{field}: {problem}"
        super().__init__(self.reason)


class _Pairs(dict):
    """A JSON object as json.loads builds it, remembering its first repeated key."""
    repeated: str | None = None


def _object(pairs: list[tuple[str, Any]]) -> _Pairs:
    result = _Pairs(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        result.repeated = next(key for key, _ in pairs if key in seen or seen.add(key))
    return result


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _has_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= char <= "\udfff" for char in value)
    if isinstance(value, dict):
        return any(_has_lone_surrogate(key) or _has_lone_surrogate(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(item) for item in value)
    return False


def _may_hold_lone_surrogate(text: str) -> bool:
    """Whether the parsed document needs the (slow) surrogate walk: only a \\u escape or a surrogate
    already in the text can put one there; encoding finds the latter at C speed."""
    if "\\u" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def parse_event(record: str | bytes) -> Event:
    """The Event of one record's JSON text, or EventRejected naming the first field at fault.

    Strict JSON (no NaN, Infinity or trailing commas); a repeated key, at the top level or in dimensions, is
    refused rather than resolved; numbers are read from their literal text."""
    if isinstance(record, bytes):
        try:
            record = record.decode("utf-8")
        except UnicodeDecodeError:
            raise EventRejected("record", "not valid UTF-8") from None
    try:
        document = json.loads(record, object_pairs_hook=_object, parse_float=JsonFraction,
                              parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise EventRejected("record", "not valid JSON") from None
    if _may_hold_lone_surrogate(record) and _has_lone_surrogate(document):
        raise EventRejected("record", "not valid JSON")
    if not isinstance(document, dict):
        raise EventRejected("record", "not a JSON object")
    if document.repeated is not None:
        raise EventRejected("record", f"duplicate key {json.dumps(document.repeated, ensure_ascii=False)}")
    dimensions = document.get("dimensions")
    if isinstance(dimensions, _Pairs) and dimensions.repeated is not None:
        raise EventRejected("dimensions", f"duplicate key {json.dumps(dimensions.repeated, ensure_ascii=False)}")
    return validate_event(document)


def validate_event(document: dict) -> Event:
    """Event.model_validate, its first error (in EVENT_FIELDS order) raised as EventRejected."""
    try:
        return Event.model_validate(document)
    except ValidationError as error:
        problems = {}
        for detail in error.errors():
            field = str(detail["loc"][0]) if detail["loc"] else "record"
            problems.setdefault(field, detail["msg"].removeprefix("Value error, "))
        field = next((name for name in EVENT_FIELDS if name in problems), next(iter(problems)))
        raise EventRejected(field, problems[field]) from None
