"""The `billing-dagster` command line."""

import argparse
import sys
from datetime import date

from billing_dagster.commands import register as register_commands


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="billing-dagster", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="seed the demo world and close its month through Dagster")
    demo.add_argument("--month", default="2026-10", help="month to close, YYYY-MM (default 2026-10)")
    demo.add_argument("--tenants", type=int, default=50)
    commands.add_parser("migrate", help="bring the billing database (BILLING_DB_URL) to the latest schema")
    register_commands(commands)
    args = parser.parse_args(argv)
    if getattr(args, "handler", None) is not None:
        return args.handler(args)
    if args.command == "demo":
        from billing_dagster.demo.close import run_demo
        from billing_dagster.settings import apply_dagster_scale_settings
        apply_dagster_scale_settings()
        print(run_demo(_month(args.month), args.tenants))
        print("\nOpen the Dagster UI on this instance: make ui  (then http://127.0.0.1:3000)")
        return 0
    if args.command == "migrate":
        from billing_dagster.settings import billing_db_url
        from billing_dagster.store.database import make_engine, migrate
        migrate(make_engine(billing_db_url()))
        return 0
    return 2


def _month(text: str) -> date:
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError:
        raise SystemExit(f"--month: expected YYYY-MM, got {text!r}") from None


if __name__ == "__main__":
    sys.exit(main())
