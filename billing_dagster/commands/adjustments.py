"""`billing-dagster adjustments add|list|void`: operator-entered credits and charges (BILLING_DB_URL), billed by
the manual-adjustments module in the billing period containing their applies-at instant."""

import argparse
import json
import sys

from billing_dagster.commands import exits
from billing_dagster.commands.db import run_with_engine


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "adjustments", help="add, list or void manual credits and charges",
        description="Exit 0 ok, 1 invalid input or the billing database could not be used, 2 unknown tenant or "
                    "adjustment.")
    actions = parser.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="record a credit or charge for a tenant's billing period")
    add.add_argument("--tenant", required=True)
    add.add_argument("--kind", required=True, choices=("credit", "charge"))
    add.add_argument("--amount", required=True,
                     help="major units of the tenant's currency, e.g. 12.50 USD, 1500 JPY, 1.250 KWD (no more "
                          "decimals than the currency has)")
    add.add_argument("--currency", help="refuse the adjustment unless this is the tenant's currency")
    add.add_argument("--reason", required=True, help="why (shown on the invoice line)")
    add.add_argument("--description", required=True, help="the invoice line's text")
    add.add_argument("--taxable", action="store_true", help="tax is charged on it (default: not taxed)")
    add.add_argument("--category", help="the category of its charge line")
    add.add_argument("--applies-at", help="an RFC 3339 instant with an offset in the billing period it belongs "
                                          "to (default: now)")
    add.add_argument("--id", dest="adjustment_id", help="its id (default: generated)")
    add.add_argument("--created-by", help="who entered it (kept for the audit)")
    add.set_defaults(handler=_add)
    listing = actions.add_parser("list", help="list a tenant's adjustments (not voided ones unless --all)")
    listing.add_argument("--tenant", required=True)
    listing.add_argument("--all", action="store_true", help="voided adjustments too")
    listing.add_argument("--json", action="store_true", help="print one JSON array")
    listing.set_defaults(handler=_list)
    void = actions.add_parser("void", help="void an adjustment: it reaches no later fact pack; the row stays")
    void.add_argument("adjustment_id", metavar="ID")
    void.add_argument("--tenant", required=True)
    void.add_argument("--reason", required=True)
    void.set_defaults(handler=_void)


def _add(args: argparse.Namespace) -> int:
    from billing_dagster.domain.time_entry_rows import parse_instant
    from billing_dagster.store.adjustments import NewAdjustment, add_adjustment

    try:
        applies_at = None if args.applies_at is None else parse_instant(args.applies_at, "--applies-at")
    except ValueError as error:
        print(f"adjustments add: {error}", file=sys.stderr)
        return exits.FAILED
    new = NewAdjustment(args.tenant, args.kind, args.amount, args.description, args.reason, args.taxable,
                        args.category, applies_at, args.adjustment_id, args.currency, args.created_by)

    def action(engine) -> int:
        stored = add_adjustment(engine, new)
        print(f"adjustment {stored.spec.adjustment_id} of tenant {stored.tenant_id}: {_amount(stored)} applies at "
              f"{stored.applies_at.isoformat()}")
        return exits.OK

    return _run("adjustments add", action)


def _list(args: argparse.Namespace) -> int:
    from billing_dagster.store.adjustments import list_adjustments

    def action(engine) -> int:
        stored = list_adjustments(engine, args.tenant, include_voided=args.all)
        if args.json:
            print(json.dumps([s.to_dict() for s in stored], indent=2))
            return exits.OK
        print(f"{'id':<24}  {'applies at (UTC)':<19}  {'amount':>16}  {'taxable':<7}  {'status':<27}  description")
        for s in stored:
            status = "active" if s.voided_at is None else f"voided {s.voided_at:%Y-%m-%d %H:%M:%S}"
            print(f"{s.spec.adjustment_id:<24}  {s.applies_at:%Y-%m-%d %H:%M:%S}  {_amount(s):>16}  "
                  f"{str(s.spec.taxable).lower():<7}  {status:<27}  {s.spec.description} ({s.spec.reason})")
        return exits.OK

    return _run("adjustments list", action)


def _void(args: argparse.Namespace) -> int:
    from billing_dagster.store.adjustments import void_adjustment

    def action(engine) -> int:
        stored = void_adjustment(engine, args.tenant, args.adjustment_id, args.reason)
        print(f"adjustment {stored.spec.adjustment_id} of tenant {stored.tenant_id} voided at "
              f"{stored.voided_at.isoformat()}")
        return exits.OK

    return _run("adjustments void", action)


def _run(command: str, action) -> int:
    """run_with_engine, with a refused adjustment as exit 1 and an unknown tenant or id as exit 2."""
    from billing_dagster.store.adjustments import AdjustmentRefused, UnknownRecord

    def guarded(engine) -> int:
        try:
            return action(engine)
        except AdjustmentRefused as error:
            print(f"{command}: {error}", file=sys.stderr)
            return exits.FAILED
        except UnknownRecord as error:
            print(f"{command}: {error}", file=sys.stderr)
            return exits.MISSING

    return run_with_engine(command, guarded)


def _amount(stored) -> str:
    """-12.50 USD for a credit of 1250 cents: major units from the currency's exponent, exactly."""
    from decimal import Decimal

    from billing_dagster.domain.currency import currency

    spec = stored.spec
    major = Decimal(spec.amount_minor).scaleb(-currency(spec.currency).exponent)
    return f"{'-' if spec.kind == 'credit' else ''}{major} {spec.currency}"
