"""The landing files of one day, read into the temp table landing_lines, one row per record; every file is
either read or rejected with its reason.

Formats (extension, any case): .jsonl and .jsonl.gz (one JSON event per line), .csv (a header naming
event_id, tenant_id, metric, quantity, timestamp and optionally dimensions, a JSON object's text) and .parquet
(columns of the same names). The day's folder is read recursively; names starting with "." (files or folders)
are skipped: that is how a writer hides a file it has not finished (write ".x.tmp", rename to "x.jsonl").

landing_lines: source_file (relative to the lake root), line_no (from 1, blank lines counted; a Parquet row's
number), raw (the record's text: the line without its line break, a UTF-8 BOM starting the file or the \\r of
a \\r\\n; the CSV record; for Parquet the JSON document built from the row), doc (the JSON text to classify
when it is not raw: CSV and Parquet records), raw_bytes (the record's original bytes where they are not raw
encoded as UTF-8, else NULL) and defect (a reason decided while reading, e.g. "record: not valid UTF-8").
"""

import codecs
import csv
import gzip
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from billing_dagster.usage.queries import sql

FORMATS = {".jsonl": "jsonl", ".jsonl.gz": "jsonl.gz", ".csv": "csv", ".parquet": "parquet"}
REQUIRED_COLUMNS = ("event_id", "tenant_id", "metric", "quantity", "timestamp")
OPTIONAL_COLUMNS = ("dimensions",)
BOM = "\ufeff"
_BOM_BYTES = BOM.encode()
# read_text() expands these as a glob, so it could read another file than the one named.
_GLOB_CHARACTERS = frozenset("*?[]{}\\")
_LINES = pa.schema([("source_file", pa.string()), ("line_no", pa.int64()), ("raw", pa.string()),
                    ("raw_bytes", pa.binary()), ("defect", pa.string())])
_RECORDS = pa.schema([*_LINES, *((name, pa.string()) for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS))])


@dataclass(frozen=True, slots=True)
class RejectedFile:
    source_file: str
    reason: str


@dataclass(frozen=True, slots=True)
class LandingFile:
    path: Path
    source_file: str  # relative to the lake root
    format: str


def landing_files(folder: Path, root: Path) -> tuple[list[LandingFile], list[RejectedFile]]:
    """Every file under the day's folder (recursively, in name order), to read or rejected with its reason."""
    readable, rejected = [], []
    if not folder.is_dir():
        return readable, rejected
    for path in sorted(_walk(folder), key=lambda p: p.relative_to(folder).parts):
        name = str(path.relative_to(root))
        lower = path.name.lower()
        kind = next((FORMATS[ext] for ext in sorted(FORMATS, key=len, reverse=True) if lower.endswith(ext)), None)
        if not path.is_file():
            rejected.append(RejectedFile(name, "not a regular file"))
        elif kind is None:
            rejected.append(RejectedFile(name, f"unsupported file type {''.join(path.suffixes) or path.name!r}: "
                                               "landing files are .jsonl, .jsonl.gz, .csv or .parquet"))
        else:
            readable.append(LandingFile(path, name, kind))
    return readable, rejected


def _walk(folder: Path) -> Iterator[Path]:
    for entry in folder.iterdir():
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from _walk(entry)
        else:
            yield entry


def create_landing_lines(con: duckdb.DuckDBPyConnection, files: list[LandingFile]) -> list[RejectedFile]:
    """Fill landing_lines from the files; returns the files found unreadable on the way (nothing of those is
    in landing_lines)."""
    con.execute(sql("create_landing_lines"))
    rejected: list[RejectedFile] = []
    with tempfile.TemporaryDirectory(prefix="billing-landing-") as scratch:
        plain: list[tuple[Path, str]] = []
        for number, file in enumerate(files):
            if file.format == "jsonl":
                plain.append((file.path, file.source_file))
            elif file.format == "jsonl.gz":
                unpacked = Path(scratch) / f"{number}.jsonl"
                problem = _gunzip(file.path, unpacked)
                if problem:
                    rejected.append(RejectedFile(file.source_file, problem))
                else:
                    plain.append((unpacked, file.source_file))
            else:
                reader = _read_csv if file.format == "csv" else _read_parquet
                records = reader(file.path, file.source_file)
                if isinstance(records, RejectedFile):
                    rejected.append(records)
                else:
                    _insert(con, "insert_record_lines", "record_rows", records)
        _insert_jsonl(con, plain)
    return rejected


def _insert(con: duckdb.DuckDBPyConnection, query: str, name: str, table: pa.Table) -> None:
    if table.num_rows:
        con.register(name, table)
        try:
            con.execute(sql(query))
        finally:
            con.unregister(name)


def _insert_jsonl(con: duckdb.DuckDBPyConnection, files: list[tuple[Path, str]]) -> None:
    """JSONL files: split and numbered inside DuckDB (read_text), except the files read_text cannot open as
    named (a glob character in the path) or decode (not valid UTF-8), which Python splits line by line."""
    by_python = [(path, name) for path, name in files if _GLOB_CHARACTERS & set(str(path.absolute()))]
    while True:
        by_duckdb = [(path, name) for path, name in files if (path, name) not in by_python]
        if not by_duckdb:
            break
        try:
            con.execute(sql("insert_jsonl_lines"), {"paths": [str(path.absolute()) for path, _ in by_duckdb],
                                                    "names": [name for _, name in by_duckdb]})
            break
        except duckdb.InvalidInputException as error:
            if "UTF-8" not in str(error):
                raise
            # Python and DuckDB agree on what is valid UTF-8; should they not, Python reads them all.
            by_python += [(p, n) for p, n in by_duckdb if not _is_utf8(p)] or by_duckdb
    for path, name in by_python:
        _insert(con, "insert_fallback_lines", "fallback_lines", _split_lines(path, name))


def _gunzip(source: Path, target: Path) -> str | None:
    try:
        with gzip.open(source, "rb") as packed, open(target, "wb") as out:
            while chunk := packed.read(1 << 22):
                out.write(chunk)
    except (OSError, EOFError, zlib.error) as error:
        return f"not a readable gzip file ({error})"
    return None


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as handle:
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _split_lines(path: Path, name: str) -> pa.Table:
    """As insert_jsonl_lines.sql, in Python: lines end at \\n only; a line that is not valid UTF-8 is kept as
    its bytes (raw shows it decoded with U+FFFD) with the defect "record: not valid UTF-8"."""
    rows = {field: [] for field in _LINES.names}
    data = path.read_bytes()
    for number, line in enumerate(data.split(b"\n"), start=1):
        original = line
        if number == 1 and line.startswith(_BOM_BYTES):
            line = line[len(_BOM_BYTES):]
        if line.endswith(b"\r"):
            line = line[:-1]
        try:
            text, defect = line.decode("utf-8"), None
        except UnicodeDecodeError:
            text, defect = line.decode("utf-8", errors="replace"), "record: not valid UTF-8"
        if defect is None and (not text or text.isspace()):
            continue
        for field, value in zip(_LINES.names, (name, number, text, original if original != line or defect else None,
                                               defect)):
            rows[field].append(value)
    return pa.table(rows, schema=_LINES)


class _PhysicalLines:
    """The lines of a CSV file for csv.reader, each with its line break, remembering which lines the current
    record took; a line that is not valid UTF-8 is set aside (never given to the reader)."""

    def __init__(self, data: bytes):
        self._parts = data.split(b"\n")
        if self._parts and self._parts[-1] == b"":
            self._parts.pop()
        self._next = 0
        self.taken: list[tuple[int, bytes]] = []
        self.undecodable: list[tuple[int, bytes]] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        while self._next < len(self._parts):
            number, line = self._next + 1, self._parts[self._next]
            self._next += 1
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                self.undecodable.append((number, line))
                continue
            self.taken.append((number, line))
            return text + "\n"
        raise StopIteration


def _read_csv(path: Path, name: str) -> pa.Table | RejectedFile:
    """One row per CSV record; quantities stay text. Empty fields are absent fields."""
    data = path.read_bytes()
    bom = data.startswith(_BOM_BYTES)
    lines = _PhysicalLines(data[len(_BOM_BYTES):] if bom else data)
    reader = csv.reader(lines, strict=True)
    rows = {field: [] for field in _RECORDS.names}
    header: list[str] | None = None

    def add(number: int, text: str, original: bytes | None, defect: str | None, values: dict) -> None:
        for field, value in (("source_file", name), ("line_no", number), ("raw", text), ("raw_bytes", original),
                             ("defect", defect)):
            rows[field].append(value)
        for column in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS):
            rows[column].append(values.get(column))

    while True:
        lines.taken.clear()
        try:
            row = next(reader)
            problem = None
        except StopIteration:
            break
        except csv.Error as error:
            row, problem = None, f"record: not valid CSV ({error})"
        taken = list(lines.taken)
        for number, line in lines.undecodable:
            add(number, line.decode("utf-8", errors="replace"), line, "record: not valid UTF-8", {})
        lines.undecodable.clear()
        if not taken:
            continue
        number = taken[0][0]
        original = b"\n".join(line for _, line in taken)
        stripped = original[:-1] if original.endswith(b"\r") else original
        text = stripped.decode("utf-8")
        if bom and number == 1:
            original = _BOM_BYTES + original
        if problem is None and (not row or all(not field.strip() for field in row)):
            continue  # a blank line
        if header is None:
            if problem:
                return RejectedFile(name, f"csv: the header is not valid CSV ({problem.split('(', 1)[1][:-1]})")
            header = [field.strip() for field in row]
            missing = [column for column in REQUIRED_COLUMNS if column not in header]
            repeated = sorted({column for column in header if header.count(column) > 1})
            if missing or repeated:
                return RejectedFile(name, "csv: the header " + (
                    f"lacks {', '.join(missing)}" if missing else f"repeats {', '.join(repeated)}")
                    + f" (it must name {', '.join(REQUIRED_COLUMNS)} and optionally dimensions)")
            continue
        if problem is None and len(row) != len(header):
            problem = f"record: {len(row)} fields where the header has {len(header)}"
        values = {} if problem else {column: value for column, value in zip(header, row) if value != ""}
        add(number, text, original if original != stripped or bom and number == 1 else None, problem, values)
    for number, line in lines.undecodable:
        add(number, line.decode("utf-8", errors="replace"), line, "record: not valid UTF-8", {})
    return pa.table(rows, schema=_RECORDS)


def _read_parquet(path: Path, name: str) -> pa.Table | RejectedFile:
    """One row per Parquet row, its fields as text: quantity from a string, decimal or integer column (never
    floating point), timestamp from a string or time-zone-aware timestamp column, dimensions a JSON object's
    text."""
    try:
        table = pq.read_table(path)
    except Exception as error:  # pyarrow raises ArrowInvalid, OSError, ...: any of them means unreadable
        return RejectedFile(name, f"not a readable Parquet file ({error})")
    names = table.schema.names
    missing = [column for column in REQUIRED_COLUMNS if column not in names]
    if missing:
        return RejectedFile(name, f"parquet: no column {', '.join(missing)}")
    if len(set(names)) != len(names):
        return RejectedFile(name, "parquet: repeated column names")
    columns = {}
    for column in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS):
        if column not in names:
            columns[column] = pa.nulls(table.num_rows, pa.string())
            continue
        values = table.column(column).combine_chunks()
        text = _parquet_text(column, values)
        if isinstance(text, str):
            return RejectedFile(name, f"parquet: column {column} is {values.type}: {text}")
        columns[column] = text
    rows = {"source_file": pa.array([name] * table.num_rows, pa.string()),
            "line_no": pa.array(np.arange(1, table.num_rows + 1, dtype=np.int64)),
            "raw": pa.nulls(table.num_rows, pa.string()), "raw_bytes": pa.nulls(table.num_rows, pa.binary()),
            "defect": pa.nulls(table.num_rows, pa.string()), **columns}
    return pa.table(rows, schema=_RECORDS)


def _parquet_text(column: str, values: pa.Array) -> pa.Array | str:
    """The column as strings, or why it cannot be read exactly."""
    kind = values.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return values.cast(pa.string())
    if column == "quantity":
        if pa.types.is_floating(kind):
            return "floating-point quantities are not exact; write them as strings or decimals"
        if pa.types.is_integer(kind):
            return values.cast(pa.string())
        if pa.types.is_decimal(kind):
            return pa.array([None if value is None else _decimal_text(value) for value in values.to_pylist()],
                            pa.string())
    if column == "timestamp" and pa.types.is_timestamp(kind):
        if kind.tz is None:
            return "a timestamp without a time zone is not an instant"
        utc = values.cast(pa.timestamp(kind.unit, tz="UTC"))
        return pc.binary_join_element_wise(pc.strftime(utc, format="%Y-%m-%dT%H:%M:%S"), "Z", "")
    expected = "string or decimal" if column == "quantity" else (
        "string or timestamp with a time zone" if column == "timestamp" else "string")
    return f"expected {expected}"


def _decimal_text(value: Decimal) -> str:
    """Plain decimal text without trailing fractional zeros: Decimal("1.500") -> "1.5", Decimal("0E-18") -> "0"."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
