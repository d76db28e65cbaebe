"""`billing-dagster quarantine list|show|replay`: inspect what ingest refused, and re-ingest days once fixed.

The landing files stay the record of what arrived, so a replay re-materializes `usage_events` and
`usage_daily` for the days through Dagster: lines refused for a reason that has since been fixed (a tenant or
metric created, for example) are accepted then, and every day still balances.
"""

import argparse
import json
import sys
from datetime import date

import duckdb

from billing_dagster.commands import exits
from billing_dagster.settings import billing_home
from billing_dagster.usage.lake import Lake
from billing_dagster.usage.queries import sql


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("quarantine", help="inspect quarantined usage records and replay fixed days",
                                 description="Exit 0 ok, 1 nothing found or a replay run failed.")
    actions = parser.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="quarantined records per day and field, or each record")
    _days(listing)
    listing.add_argument("--field", help="only reasons about this field (e.g. tenant_id, quantity, conflict)")
    listing.add_argument("--records", action="store_true", help="one line per record instead of counts")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=run_list)
    show = actions.add_parser("show", help="one record: reason, original bytes, and both bodies of a conflict")
    show.add_argument("--day", type=date.fromisoformat, required=True)
    show.add_argument("--file", required=True, help="source_file as listed (landing/date=…/name)")
    show.add_argument("--line", type=int, required=True)
    show.set_defaults(handler=run_show)
    replay = actions.add_parser("replay", help="re-ingest days through Dagster after fixing the cause")
    _days(replay, required=True)
    replay.set_defaults(handler=run_replay)


def _days(parser: argparse.ArgumentParser, required: bool = False) -> None:
    parser.add_argument("--from", dest="first", type=date.fromisoformat, required=required, help="YYYY-MM-DD")
    parser.add_argument("--to", dest="last", type=date.fromisoformat, help="YYYY-MM-DD (default: --from)")


def records(lake: Lake, first: date | None, last: date | None) -> list[dict]:
    paths = sorted(str(p) for p in (lake.root / "lake" / "quarantine").glob("date=*/quarantine.parquet")
                   if _within(p.parent.name.removeprefix("date="), first, last))
    if not paths:
        return []
    cursor = duckdb.connect().execute(sql("select_quarantine_records"), {"paths": paths})
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _within(day: str, first: date | None, last: date | None) -> bool:
    """Every day when no --from is given; else --from to --to (or --from alone)."""
    return first is None or first.isoformat() <= day <= (last or first).isoformat()


def run_list(args: argparse.Namespace) -> int:
    found = [r for r in records(Lake(billing_home()), args.first, args.last)
             if args.field is None or r["field"] == args.field]
    if args.records:
        rows = [{"day": r["day"].isoformat(), "file": r["source_file"], "line": r["line_no"], "reason": r["reason"]}
                for r in found]
    else:
        counts: dict[tuple, int] = {}
        for r in found:
            counts[r["day"].isoformat(), r["field"]] = counts.get((r["day"].isoformat(), r["field"]), 0) + 1
        rows = [{"day": day, "field": field, "records": n} for (day, field), n in sorted(counts.items())]
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for row in rows:
            print("  ".join(str(value) for value in row.values()))
    if not rows:
        print("quarantine: nothing quarantined for that selection", file=sys.stderr)
    return exits.OK if rows else exits.FAILED


def run_show(args: argparse.Namespace) -> int:
    match = [r for r in records(Lake(billing_home()), args.day, args.day)
             if r["source_file"] == args.file and r["line_no"] == args.line]
    if not match:
        print(f"quarantine: no record {args.file} line {args.line} on {args.day}", file=sys.stderr)
        return exits.FAILED
    record = match[0]
    out = {"day": record["day"].isoformat(), "file": record["source_file"], "line": record["line_no"],
           "status": record["status"], "reason": record["reason"], "raw": record["raw"],
           "raw_bytes": repr(bytes(record["raw_bytes"])) if record["raw_bytes"] is not None else None}
    if record["status"] == "conflict":
        out.update(body=record["body"], accepted_body=record["accepted_body"],
                   accepted_at=f"{record['accepted_file']} line {record['accepted_line']} ({record['accepted_day']})")
    print(json.dumps(out, indent=2, default=str))
    return exits.OK


def run_replay(args: argparse.Namespace) -> int:
    import dagster as dg

    from billing_dagster.definitions import defs
    from billing_dagster.schedules import day_range_tags
    last = args.last or args.first
    before = len(records(Lake(billing_home()), args.first, last))
    result = defs.resolve_job_def("usage_job").execute_in_process(
        instance=dg.DagsterInstance.get(), tags=day_range_tags(args.first.isoformat(), last.isoformat()),
        raise_on_error=False)
    after = len(records(Lake(billing_home()), args.first, last))
    days = (last - args.first).days + 1
    print(f"replayed {days} day(s) {args.first}..{last} in run {result.run_id}: "
          f"{'ok' if result.success else 'FAILED'}; quarantined records {before:,} -> {after:,}")
    return exits.OK if result.success else exits.FAILED

