"""The scalar types every contract is built from: exact decimals, instants, dates, integers, hashes.

No floats anywhere: money is integer minor units, quantities and rates are decimal text, and every
integer field is strict (1.5, "1" and true are refused where an integer is expected).
"""

from datetime import date, datetime
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, ConfigDict, Field, PlainValidator, StrictBool, StrictInt
from typing_extensions import TypeAliasType

DECIMAL_PATTERN = r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$"
UNSIGNED_DECIMAL_PATTERN = r"^(0|[1-9][0-9]*)(\.[0-9]+)?$"
INSTANT_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

SAFE_INT_MAX = 2**53 - 1  # modules trap on input integers of 2^53 or more (ABI v1)
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

# Contracts the host controls refuse unknown fields; strict mode keeps "1" out of integers.
HOST_CONTRACT = ConfigDict(extra="forbid", strict=True, frozen=True)


def _real_instant(text: str) -> str:
    try:
        datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        raise ValueError(f"not a calendar date-time ({text!r})") from None
    return text


def _real_date(text: str) -> str:
    try:
        date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a calendar date ({text!r})") from None
    return text


DecimalText = Annotated[str, Field(pattern=DECIMAL_PATTERN, max_length=64)]
"""Exact decimal text: "12", "-2.5", "0.0005". No exponent, no leading "+" or zeros."""

UnsignedDecimalText = Annotated[str, Field(pattern=UNSIGNED_DECIMAL_PATTERN, max_length=64)]

Instant = Annotated[str, Field(pattern=INSTANT_PATTERN, json_schema_extra={"format": "date-time"}),
                    AfterValidator(_real_instant)]
"""RFC 3339 in UTC with a Z suffix: "2026-10-01T00:00:00Z" (fractional seconds allowed)."""

Date = Annotated[str, Field(pattern=DATE_PATTERN, json_schema_extra={"format": "date"}), AfterValidator(_real_date)]

SafeInt = Annotated[StrictInt, Field(ge=-SAFE_INT_MAX, le=SAFE_INT_MAX)]
Count = Annotated[StrictInt, Field(ge=0, le=SAFE_INT_MAX)]
Minor = Annotated[StrictInt, Field(ge=INT64_MIN, le=INT64_MAX)]
"""Money: integer minor units of the document's currency (USD cents, JPY yen, KWD fils)."""

Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
ModuleId = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]
SemVer = Annotated[str, Field(pattern=r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$", max_length=32)]
Key = Annotated[str, Field(pattern=r"^\S+$", max_length=64)]
"""A non-empty identifier without whitespace (tenant, metric, plan, rule, entry ids)."""

Text = Annotated[str, Field(max_length=300)]
RoundingName = Literal["half_even", "half_up", "up", "down"]

# JSON without floats, at any depth (module config, config schemas).
_JsonShape = TypeAliasType(
    "JsonValue", Union[str, StrictInt, StrictBool, None, list["_JsonShape"], dict[str, "_JsonShape"]])


def _float_free(value: Any, path: str) -> None:
    if isinstance(value, float):
        raise ValueError(f"{path}: float refused; use a decimal string or integer minor units")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{path}: object keys must be strings")
            _float_free(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _float_free(item, f"{path}.{index}")
    elif value is not None and not isinstance(value, (str, int)):
        raise ValueError(f"{path}: {type(value).__name__} is not a JSON value")


def _json_object(value: Any) -> dict:
    if not isinstance(value, dict):
        raise ValueError(f"expected a JSON object, got {type(value).__name__}")
    _float_free(value, "$")
    return value


JsonObject = Annotated[dict[str, Any], PlainValidator(_json_object, json_schema_input_type=dict[str, _JsonShape])]
"""A JSON object whose values, at any depth, are strings, integers, booleans, null, arrays or objects."""


def drop_property_defaults(schema: dict) -> None:
    """Optional fields are absent, never null: keep `"default": null` out of the published schema."""
    for prop in schema.get("properties", {}).values():
        if prop.get("default", 0) is None:
            del prop["default"]


def instant_order(text: str) -> tuple[str, str]:
    """A sort key for Instant text that also orders fractional seconds of different lengths."""
    whole, _, fraction = text.rstrip("Z").partition(".")
    return whole, fraction.ljust(9, "0")
