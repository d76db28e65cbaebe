"""`billing-dagster rate-document`: the self-contained `rate` document of a closed tenant-period, from the billing
database: its context, its stored fact pack and its program pinned to the module versions and hashes that
priced it. `billing-dagster rate --input` on it reproduces the stored Charge IR byte for byte."""

import argparse
import json
import sys
from datetime import date

from billing_dagster.commands import exits
from billing_dagster.commands.db import run_with_engine
from billing_dagster.domain.periods import isoformat_utc
from billing_dagster.domain.programs import program_for
from billing_dagster.domain.rounding import RoundingPolicy


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("rate-document", help="print the rate document of a closed tenant-period "
                                 "(facts, context, pinned program) for auditing or re-rating")
    parser.add_argument("--tenant", required=True)
    parser.add_argument("--month", required=True, help="the month partition, YYYY-MM")
    parser.add_argument("--period-start", help="the period's local start date, YYYY-MM-DD, when several periods "
                                               "close in the month (a weekly tenant)")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    try:
        month = date.fromisoformat(f"{args.month}-01")
        start = date.fromisoformat(args.period_start) if args.period_start else None
    except ValueError as error:
        print(f"rate-document: {error}", file=sys.stderr)
        return exits.FAILED
    return run_with_engine("rate-document", lambda engine: _print(engine, args.tenant, month, start))


def _print(engine, tenant: str, month: date, start: date | None) -> int:
    from billing_dagster.runtime.catalog import ModuleCatalog, default_modules_dir
    from billing_dagster.store.repository import BillingRepository, NotFound

    repo = BillingRepository(engine)
    cycle = repo.billing_cycles([tenant]).get(tenant)
    if cycle is None:
        print(f"rate-document: no tenant {tenant!r} in the billing database", file=sys.stderr)
        return exits.FAILED
    periods = {cycle.key(p): p for p in cycle.closing_in(month)}
    chosen = start if start is not None else (next(iter(periods)) if len(periods) == 1 else None)
    if chosen not in periods:
        keys = ", ".join(k.isoformat() for k in periods) or "none"
        print(f"rate-document: --period-start: periods of {tenant} closing in {month:%Y-%m}: {keys}", file=sys.stderr)
        return exits.FAILED
    period = periods[chosen]
    account = repo.accounts([tenant], period)[tenant]
    try:
        facts, _ = repo.fact_pack(tenant, chosen)
    except NotFound as error:
        print(f"rate-document: {error}", file=sys.stderr)
        return exits.FAILED
    catalog = ModuleCatalog(default_modules_dir())
    program = [{"module": step.module, "kind": step.kind, "version": catalog.get(step.module).version,
                "sha256": catalog.get(step.module).sha256, "config": step.config} for step in program_for(account)]
    context = {"tenant": tenant, "currency": account.currency, "net_terms_days": account.net_terms_days,
               "period": {"start": isoformat_utc(period.start), "end": isoformat_utc(period.end)},
               "policy": RoundingPolicy.from_dict(account.rounding_policy or {}).to_dict()}
    print(json.dumps({"context": context, "facts": facts, "program": program}, indent=2, sort_keys=True))
    return exits.OK
