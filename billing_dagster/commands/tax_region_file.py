"""A tax region file (JSON or TOML) as `billing-dagster tax set-region` reads it and `tax show --json` writes it.

    code = "US-XS"                 # the region code tenants' tax_region names (at most 16 characters)
    name = "X state sales tax"     # the single name and rate, used when the region has no components
    rate = "0.0825"                # rates are decimal strings: "0.0625" is 6.25 %; numbers are refused
    [[components]]                 # in the order the tax module charges them
    name = "State"
    jurisdiction = "US-XS"         # components of one jurisdiction round together (level = jurisdiction)
    rate = "0.06"
    effective_to = "2026-02-15T00:00:00Z"    # [effective_from, effective_to), UTC; absent: open
    [[components]]
    name = "State"
    jurisdiction = "US-XS"
    rate = "0.0625"
    effective_from = "2026-02-15T00:00:00Z"
    [[components]]
    name = "Surcharge"
    jurisdiction = "US-XS"
    rate = "0.01"
    compound = true                # charged on the base plus the components before it
"""

import json
import tomllib
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from billing_dagster.domain.accounts import TaxComponentSpec, TaxRegionSpec
from billing_dagster.domain.contracts_facts import TaxComponent
from billing_dagster.domain.contracts_types import UnsignedDecimalText
from billing_dagster.domain.decimals import decimal_text
from billing_dagster.domain.periods import isoformat_utc

NAME_LENGTH = 120  # tax_regions.name and tax_components.name


class RegionFileError(ValueError):
    """The file cannot be read or a field of it is invalid; the message names the field."""


class _RegionFile(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    code: Annotated[str, Field(pattern=r"^\S+$", max_length=16)]
    name: Annotated[str, Field(min_length=1, max_length=NAME_LENGTH)]
    rate: UnsignedDecimalText
    components: list[TaxComponent] = Field(default=[], max_length=50)


def read_region_file(path: Path) -> TaxRegionSpec:
    """The region a JSON (.json) or TOML (any other suffix) file describes, validated as a whole."""
    data = _toml_instants(_load(path))
    try:
        region = _RegionFile.model_validate(data)
    except ValidationError as error:
        raise RegionFileError(_first_problem(error)) from None
    components = tuple(_component(c) for c in region.components)
    _check_names(region.components)
    _check_windows(components)
    return TaxRegionSpec(region.code, region.name, Decimal(region.rate), components)


def region_document(region: TaxRegionSpec) -> dict:
    """The file form of a stored region (what `tax show --json` prints and set-region reads back)."""
    return {"code": region.code, "name": region.name, "rate": decimal_text(region.rate),
            "components": [_component_document(c) for c in region.components]}


def _load(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RegionFileError(f"cannot read {path}: {error}") from None
    try:
        return json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as error:
        raise RegionFileError(f"{path.name} is not valid {'JSON' if path.suffix.lower() == '.json' else 'TOML'}: "
                              f"{error}") from None


def _toml_instants(data: object) -> object:
    """TOML offset date-times (effective_from = 2026-02-15T00:00:00Z) as the RFC 3339 UTC text JSON carries."""
    if not isinstance(data, dict) or not isinstance(data.get("components"), list):
        return data
    for index, item in enumerate(data["components"]):
        for key, value in (item.items() if isinstance(item, dict) else ()):
            if isinstance(value, datetime):
                if value.tzinfo is None:
                    raise RegionFileError(f"components[{index}].{key}: a UTC instant needs its offset "
                                          "(2026-02-15T00:00:00Z)")
                item[key] = isoformat_utc(value)
    return data


def _first_problem(error: ValidationError) -> str:
    detail = error.errors()[0]
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in detail["loc"]).lstrip(".")
    message = detail["msg"]
    if where.endswith("rate") and detail["type"] == "string_type":
        message = 'must be a decimal string such as "0.0625" (a number is refused: no floats)'
    elif where.endswith("rate") and detail["type"] == "string_pattern_mismatch":
        message = 'must be a non-negative decimal string such as "0.0625"'
    return f"{where or 'file'}: {message}"


def _component(c: TaxComponent) -> TaxComponentSpec:
    return TaxComponentSpec(c.name, c.jurisdiction, Decimal(c.rate), bool(c.compound), _instant(c.effective_from),
                            _instant(c.effective_to))


def _instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _check_names(components: list[TaxComponent]) -> None:
    for index, c in enumerate(components):
        if len(c.name) > NAME_LENGTH:
            raise RegionFileError(f"components[{index}].name: at most {NAME_LENGTH} characters")


def _check_windows(components: tuple[TaxComponentSpec, ...]) -> None:
    """Two components of one name and jurisdiction (a rate and its successor) must not be in effect together."""
    for later, c in enumerate(components):
        for earlier, other in enumerate(components[:later]):
            if (c.name, c.jurisdiction) == (other.name, other.jurisdiction) and _overlap(c, other):
                raise RegionFileError(
                    f"components[{later}]: {c.name} ({c.jurisdiction}) is in effect together with components"
                    f"[{earlier}]; a rate change needs adjoining windows (effective_to of one = effective_from "
                    "of the next)")


def _overlap(a: TaxComponentSpec, b: TaxComponentSpec) -> bool:
    a_before_b_ends = b.effective_to is None or a.effective_from is None or a.effective_from < b.effective_to
    b_before_a_ends = a.effective_to is None or b.effective_from is None or b.effective_from < a.effective_to
    return a_before_b_ends and b_before_a_ends


def _component_document(c: TaxComponentSpec) -> dict:
    item = {"name": c.name, "jurisdiction": c.jurisdiction, "rate": decimal_text(c.rate), "compound": c.compound}
    if c.effective_from is not None:
        item["effective_from"] = isoformat_utc(c.effective_from)
    if c.effective_to is not None:
        item["effective_to"] = isoformat_utc(c.effective_to)
    return item
