"""`billing-dagster plan-inputs`: the Fact Plan of a tenant's program for one period."""

import argparse
import json
import sys
from pathlib import Path

from billing_dagster.commands import exits
from billing_dagster.commands.program_file import DocumentError, load_program, parse_month, read_json
from billing_dagster.runtime.catalog import InvalidManifest, ModuleCatalog, default_modules_dir
from billing_dagster.runtime.config_check import step_config_errors
from billing_dagster.runtime.planner import FactPlan, Problem, plan_facts


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "plan-inputs", help="print the Fact Plan (packs, fields, filters, module versions, record estimates)",
        description="Exit 0 ok, 1 unreadable input, unknown tenant/module or a step config its module's "
                    "config_schema rejects, 2 a required fact pack or field is "
                    "missing, 3 a module version conflict.")
    parser.add_argument("--tenant", required=True)
    parser.add_argument("--period", required=True, help="YYYY-MM")
    parser.add_argument("--program", type=Path, help="a JSON program file (default: the tenant's program from "
                                                     "the billing DB, BILLING_DB_URL)")
    parser.add_argument("--modules-dir", type=Path, help="built modules and manifests (default wasm/dist)")
    parser.add_argument("--json", action="store_true", help="print the plan as JSON")
    parser.add_argument("--validate-only", action="store_true", help="print only the verdict")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    catalog = ModuleCatalog(args.modules_dir or default_modules_dir())
    try:
        period = parse_month(args.period)
        if args.program:
            program = load_program(read_json(args.program), catalog, args.program.parent)
            plan = plan_facts(catalog, program.steps, program.versions, period)
            problems = program.pin_problems(catalog)
            configs = [Problem("config", m) for m in step_config_errors(catalog, program.steps)]
            source = str(args.program)
        else:
            plan, source, configs = _plan_from_database(catalog, args.tenant, period)
            problems = []
    except (DocumentError, InvalidManifest, LookupError) as error:
        print(f"plan-inputs: {error}", file=sys.stderr)
        return exits.FAILED
    conflicts, missing = problems + plan.conflicts, plan.missing + configs
    code = exits.for_problems(conflicts, plan.missing)
    if code == exits.OK and configs:
        code = exits.FAILED  # the close refuses a config its module's config_schema rejects
    if args.json:
        print(json.dumps({"tenant": args.tenant, "period": args.period, "program": source, "exit": code,
                          **plan.to_dict(), "problems": [vars_of(p) for p in conflicts + missing]}, indent=2))
    elif args.validate_only:
        for problem in conflicts + missing:
            print(f"{problem.code}: {problem.message}")
        print(_verdict(plan, code))
    else:
        print(render(plan, f"Fact Plan for tenant {args.tenant}, period {args.period} (program: {source})"))
        for problem in conflicts + missing:
            print(f"{problem.code}: {problem.message}")
        print(_verdict(plan, code))
    return code


def _plan_from_database(catalog: ModuleCatalog, tenant: str, period) -> tuple[FactPlan, str, list[Problem]]:
    from billing_dagster.domain.programs import program_for
    from billing_dagster.settings import billing_db_url
    from billing_dagster.store.database import make_engine
    from billing_dagster.store.repository import BillingRepository

    engine = make_engine(billing_db_url())
    try:
        repo = BillingRepository(engine)
        account = repo.accounts([tenant], period)[tenant]
        metrics = repo.metric_codes()
    finally:
        engine.dispose()
    absent = [] if account.subscription is not None else ["subscription"]
    steps = program_for(account)
    plan = plan_facts(catalog, steps, period=period, known_keys={"usage": metrics}, absent=absent)
    plan_id = account.subscription.plan_id if account.subscription else None
    configs = [Problem("config", message) for message in step_config_errors(catalog, steps, plan_id)]
    return plan, f"billing DB, plan {plan_id or 'none'}", configs


def vars_of(problem) -> dict:
    return {"code": problem.code, "message": problem.message}


def render(plan: FactPlan, title: str) -> str:
    rows = [("pack", "fields", "filters", "records", "read by", "source")]
    for pack in plan.packs:
        filters = "-" if pack.keys is None else ", ".join(pack.keys)
        if pack.keys is not None:
            filters = ("metrics: " if pack.pack == "usage" else "keys: ") + filters
        records = "?" if pack.estimated_records is None else str(pack.estimated_records)
        source = pack.source if pack.required else f"{pack.source} [optional]"
        rows.append((pack.pack, ", ".join(pack.fields), filters, records, ", ".join(pack.modules), source))
    modules = [("step", "module", "version", "kind", "scope", "sha256")]
    for module in plan.modules:
        modules.append((",".join(map(str, module.steps)), module.module, module.version, module.kind, module.scope,
                        module.sha256[:16]))
    return "\n".join([title, "", *_table(rows), "", *_table(modules)])


def _table(rows: list[tuple]) -> list[str]:
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]


def _verdict(plan: FactPlan, code: int) -> str:
    counts = f"{len(plan.packs)} packs, {len(plan.modules)} modules"
    return {exits.OK: f"ok: {counts}", exits.FAILED: f"invalid config: {counts}",
            exits.MISSING: f"missing: {counts}", exits.CONFLICT: f"version conflict: {counts}"}[code]
