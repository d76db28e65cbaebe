"""`billing-dagster time-entries import|list`: the time entries the hourly module bills (BILLING_DB_URL)."""

import argparse
import json
import sys
from pathlib import Path

from billing_dagster.commands import exits
from billing_dagster.commands.db import run_with_engine
from billing_dagster.commands.time_entry_file import FORMATS


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "time-entries", help="import or list time entries (hourly billing)",
        description="Exit 0 ok, 1 the file or the billing database could not be used or a row is invalid "
                    "(nothing imported; an unknown tenant is a bad row), 2 list: unknown tenant.")
    actions = parser.add_subparsers(dest="action", required=True)
    load = actions.add_parser(
        "import", help="import a CSV (header row) or JSONL file: every row or none",
        description="Columns: tenant_id (or --tenant), entry_id, user, user_type, start (RFC 3339 with an offset), "
                    "seconds (whole, >= 0), billable (true/false), description (optional). An entry belongs to "
                    "the billing period its start falls in.")
    load.add_argument("file", type=Path, metavar="FILE")
    load.add_argument("--tenant", help="the tenant of rows without a tenant_id (rows naming another are refused)")
    load.add_argument("--format", choices=FORMATS, help="default: from the suffix (.csv, .jsonl, .ndjson)")
    load.add_argument("--replace", action="store_true",
                      help="overwrite entries already imported with other values (default: refuse them)")
    load.set_defaults(handler=_import)
    listing = actions.add_parser("list", help="list a tenant's time entries")
    listing.add_argument("--tenant", required=True)
    listing.add_argument("--from", dest="start", help="entries starting at or after this instant (RFC 3339)")
    listing.add_argument("--to", dest="end", help="entries starting before this instant (RFC 3339)")
    listing.add_argument("--json", action="store_true", help="print one JSON array")
    listing.set_defaults(handler=_list)


def _import(args: argparse.Namespace) -> int:
    from billing_dagster.store.time_entries import ImportRefused, import_time_entries

    source = args.file.name
    try:
        rows, problems = _read(args.file, args.format, args.tenant)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        print(f"time-entries import: {error}", file=sys.stderr)
        return exits.FAILED

    def action(engine) -> int:
        try:
            counts = import_time_entries(engine, rows, source, args.replace, problems)
        except ImportRefused as error:
            print(f"time-entries import: {error}", file=sys.stderr)
            return exits.FAILED
        print(f"{source}: {len(rows)} row(s): {counts.inserted} imported, {counts.replaced} replaced, "
              f"{counts.unchanged} unchanged")
        return exits.OK

    return run_with_engine("time-entries import", action)


def _read(path: Path, given_format: str | None, tenant: str | None) -> tuple[list, list[str]]:
    """The file's valid rows as (line, TimeEntryRow) and a "file:line: field: message" text per problem."""
    from billing_dagster.commands.time_entry_file import file_format, read_rows
    from billing_dagster.domain.time_entry_rows import RowError, parse_row

    fmt = file_format(path, given_format)
    rows, problems = [], []
    for row in read_rows(path, fmt):
        try:
            if row.error is not None:
                raise RowError([row.error])
            rows.append((row.line, parse_row(row.fields, tenant, text_values=fmt == "csv")))
        except RowError as error:
            problems += [f"{path.name}:{row.line}: {problem}" for problem in error.problems]
    return rows, problems


def _list(args: argparse.Namespace) -> int:
    from billing_dagster.domain.periods import isoformat_utc
    from billing_dagster.domain.time_entry_rows import parse_instant
    from billing_dagster.store.time_entries import UnknownTenant, list_time_entries

    try:
        start = None if args.start is None else parse_instant(args.start, "--from")
        end = None if args.end is None else parse_instant(args.end, "--to")
    except ValueError as error:
        print(f"time-entries list: {error}", file=sys.stderr)
        return exits.FAILED

    def action(engine) -> int:
        try:
            stored = list_time_entries(engine, args.tenant, start, end)
        except UnknownTenant as error:
            print(f"time-entries list: {error}", file=sys.stderr)
            return exits.MISSING
        entries = [{"entry_id": s.entry.entry_id, "user": s.entry.user, "user_type": s.entry.user_type,
                    "start": isoformat_utc(s.entry.start), "seconds": s.entry.seconds, "billable": s.entry.billable,
                    "description": s.entry.description, "source": s.source} for s in stored]
        _print_entries(entries, args.json)
        return exits.OK

    return run_with_engine("time-entries list", action)



def _print_entries(entries: list[dict], as_json: bool) -> None:
    if as_json:
        print(json.dumps(entries, indent=2))
        return
    print(f"{'entry_id':<20}  {'start (UTC)':<20}  {'seconds':>8}  {'billable':<8}  {'user':<16}  "
          f"{'user_type':<12}  description")
    for e in entries:
        print(f"{e['entry_id']:<20}  {e['start']:<20}  {e['seconds']:>8}  {str(e['billable']).lower():<8}  "
              f"{e['user']:<16}  {e['user_type']:<12}  {e['description']}")
    print(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}, "
          f"{sum(e['seconds'] for e in entries if e['billable'])} billable seconds")
