"""Rows of a time-entry file with their line numbers: CSV with a header row, or JSONL (one object a line)."""

import csv
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

FORMATS = ("csv", "jsonl")


class FileRow:
    """One data row: its 1-based line in the file, its fields, or why it could not be read."""

    __slots__ = ("line", "fields", "error")

    def __init__(self, line: int, fields: dict | None, error: str | None = None):
        self.line, self.fields, self.error = line, fields, error


def file_format(path: Path, given: str | None) -> str:
    if given is not None:
        return given
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    raise ValueError(f"{path.name}: cannot tell the format from the suffix {suffix!r}; pass --format csv|jsonl")


def read_rows(path: Path, fmt: str) -> Iterator[FileRow]:
    with path.open(encoding="utf-8-sig", newline="") as handle:  # a spreadsheet's byte-order mark is not a column
        yield from (_csv_rows(handle) if fmt == "csv" else _jsonl_rows(handle))


def _csv_rows(handle) -> Iterator[FileRow]:
    reader = csv.DictReader(handle)
    if reader.fieldnames is None:
        return
    for fields in reader:
        if None in fields:
            yield FileRow(reader.line_num, None, f"{len(fields[None])} more value(s) than header columns")
        elif any(value is None for value in fields.values()):
            yield FileRow(reader.line_num, None, "fewer values than header columns")
        else:
            yield FileRow(reader.line_num, fields)


def _jsonl_rows(handle) -> Iterator[FileRow]:
    for line, text in enumerate(handle, start=1):
        if not text.strip():
            continue
        try:
            fields = json.loads(text, parse_float=Decimal)  # no float: 1.5 seconds is refused, not rounded
        except json.JSONDecodeError as error:
            yield FileRow(line, None, f"not JSON ({error.msg} at column {error.colno})")
            continue
        if isinstance(fields, dict):
            yield FileRow(line, fields)
        else:
            yield FileRow(line, None, f"expected a JSON object, got {type(fields).__name__}")
