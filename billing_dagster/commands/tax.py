"""`billing-dagster tax set-region FILE | show REGION`: the tax regions of the billing database (BILLING_DB_URL).

set-region replaces a region and all of its components from one JSON or TOML file (see tax_region_file), all or
nothing: an invalid file changes nothing and the error names the field. `show --json` prints the same form.
"""

import argparse
import json
import sys
from pathlib import Path

from billing_dagster.commands import exits


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "tax", help="set or show a tax region and its components",
        description="Exit 0 ok, 1 the file is invalid or the billing database could not be used, 2 unknown region.")
    actions = parser.add_subparsers(dest="action", required=True)
    set_region = actions.add_parser("set-region", help="create or replace a region and its components from a file")
    set_region.add_argument("file", metavar="FILE", type=Path, help="a .json file, or TOML (any other suffix)")
    set_region.set_defaults(handler=_set_region)
    show = actions.add_parser("show", help="a region, its components and their windows")
    show.add_argument("region", metavar="REGION", help="the region code")
    show.add_argument("--json", action="store_true", help="print the set-region file form")
    show.set_defaults(handler=_show)


def _run(action) -> int:
    """Run `action(engine)`, turning a database that cannot be used into exit 1 with its reason."""
    from sqlalchemy.exc import SQLAlchemyError

    from billing_dagster.settings import billing_db_url
    from billing_dagster.store.database import make_engine

    engine = make_engine(billing_db_url())
    try:
        return action(engine)
    except SQLAlchemyError as error:
        print(f"tax: the billing database could not be used ({type(error).__name__}: "
              f"{str(error).splitlines()[0]}); is it migrated? run billing-dagster migrate", file=sys.stderr)
        return exits.FAILED
    finally:
        engine.dispose()


def _set_region(args: argparse.Namespace) -> int:
    from sqlalchemy.orm import Session

    from billing_dagster.commands.tax_region_file import RegionFileError, read_region_file
    from billing_dagster.store.tax_store import replace_region

    try:
        region = read_region_file(args.file)
    except RegionFileError as error:
        print(f"tax set-region {args.file}: {error}; nothing was changed", file=sys.stderr)
        return exits.FAILED

    def action(engine) -> int:
        with Session(engine) as s, s.begin():
            replace_region(s, region)
        print(f"tax region {region.code} set: {len(region.components)} component(s)")
        return exits.OK

    return _run(action)


def _show(args: argparse.Namespace) -> int:
    from sqlalchemy.orm import Session

    from billing_dagster.commands.tax_region_file import region_document
    from billing_dagster.store.tax_store import region_specs

    def action(engine) -> int:
        with Session(engine) as s:
            region = region_specs(s, [args.region]).get(args.region)
        if region is None:
            print(f"tax show: no tax region {args.region!r} in the billing database", file=sys.stderr)
            return exits.MISSING
        document = region_document(region)
        print(json.dumps(document, indent=2) if args.json else _table(document))
        return exits.OK

    return _run(action)


def _table(region: dict) -> str:
    rows = [f"{region['code']}  {region['name']}  rate {region['rate']}"
            + ("" if region["components"] else "  (no components: the single rate applies)")]
    if region["components"]:
        rows.append(f"{'#':<3}{'name':<20}{'jurisdiction':<16}{'rate':<10}{'compound':<10}{'from':<22}to")
    for index, c in enumerate(region["components"]):
        rows.append(f"{index:<3}{c['name']:<20}{c['jurisdiction']:<16}{c['rate']:<10}"
                    f"{'yes' if c['compound'] else 'no':<10}{c.get('effective_from', '-'):<22}"
                    f"{c.get('effective_to', '-')}")
    return "\n".join(rows)
