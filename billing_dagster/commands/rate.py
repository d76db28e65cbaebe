"""`billing-dagster rate`: rates one tenant-period from a self-contained JSON document.

    {"context": {"tenant": "acme", "currency": "USD", "period": "2026-02",
                 "rounding": "half_even", "net_terms_days": 30},  (optional: rounding or policy, net terms)
     "facts": {"customer": {...}, "subscription": {...}, "usage": {...}, "tax": {...}},
     "program": [{"module": "fixed-fee", "version": "1.0.0", "config": {...}}, ...]}
"""

import argparse
import json
import sys
from pathlib import Path

from billing_dagster.close import rate_period
from billing_dagster.commands import exits
from billing_dagster.commands.document_keys import document_problems
from billing_dagster.commands.fact_notes import absent_facts
from billing_dagster.commands.program_file import DocumentError, Program, load_program, parse_month, read_json
from billing_dagster.domain.context import module_context as pipeline_context
from billing_dagster.domain.currency import UnknownCurrency
from billing_dagster.domain.periods import Period
from billing_dagster.domain.rounding import RoundingPolicy, RoundingPolicyError
from billing_dagster.runtime.catalog import InvalidManifest, ModuleCatalog, default_modules_dir
from billing_dagster.runtime.config_check import step_config_errors
from billing_dagster.runtime.host import Limits, WasmHost
from billing_dagster.runtime.planner import pack_for_plan, plan_facts
from billing_dagster.runtime.pricer import Pricer


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "rate", help="rate one tenant-period from a JSON document (context, facts, program)",
        description="Prints the Charge IR, invoice totals and one execution record per module call. Exit 0 ok, "
                    "1 a module failed or the document is invalid (an unknown key, a step config its module's "
                    "config_schema rejects), 2 a required fact pack or field is missing, "
                    "3 a module version conflict.")
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--modules-dir", type=Path, help="built modules and manifests (default wasm/dist)")
    parser.add_argument("--tier", choices=("system", "partner", "tenant"), default="system",
                        help="sandbox limits of this trust tier (default system)")
    parser.add_argument("--fuel", type=int, help="fuel per module call (default: the tier's)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(handler=run)


def read_document(path: Path, catalog: ModuleCatalog) -> tuple[dict, dict, Period, int, Program]:
    """The document, its context, period, net terms and program; every unknown key and every step config that
    breaks its module's config_schema is collected into one DocumentError."""
    document = read_json(path)
    if not isinstance(document, dict) or not isinstance(document.get("facts"), dict):
        raise DocumentError("expected an object with context, facts (an object) and program")
    problems = document_problems(document)
    try:
        context, period, net_terms = module_context(document.get("context"))
        program = load_program(document.get("program"), catalog, path.parent)
    except DocumentError as error:
        raise DocumentError(*problems, *error.problems) from None
    problems += step_config_errors(catalog, program.steps)
    if problems:
        raise DocumentError(*problems)
    return document, context, period, net_terms, program


def module_context(document: dict) -> tuple[dict, Period, int]:
    """The ABI context exactly as the pipeline builds it (domain/context.module_context), the period and the
    net terms. `rounding` is shorthand for `policy.mode`; `policy` takes every RoundingPolicy field."""
    if not isinstance(document, dict):
        raise DocumentError("context: expected an object")
    for key in ("tenant", "currency"):
        if not isinstance(document.get(key), str):
            raise DocumentError(f"context.{key}: expected a string")
    if not isinstance(document.get("period"), (str, dict)):
        raise DocumentError("context.period: expected \"YYYY-MM\" or an object (start and end, or a cycle)")
    period = parse_month(document["period"])
    policy = dict(document.get("policy") or {})
    if "rounding" in document:
        policy["mode"] = document["rounding"]
    net_terms = document.get("net_terms_days", 30)
    if isinstance(net_terms, bool) or not isinstance(net_terms, int) or net_terms < 0:
        raise DocumentError("context.net_terms_days: expected a non-negative integer")
    try:
        context = pipeline_context(document["tenant"], document["currency"], period, RoundingPolicy.from_dict(policy))
    except (UnknownCurrency, RoundingPolicyError) as error:
        raise DocumentError(f"context: {error}") from None
    return context, period, net_terms


def run(args: argparse.Namespace) -> int:
    catalog = ModuleCatalog(args.modules_dir or default_modules_dir())
    try:
        document, context, period, net_terms, program = read_document(args.input, catalog)
    except (DocumentError, InvalidManifest) as error:
        for problem in getattr(error, "problems", [str(error)]):
            print(f"rate: {problem}", file=sys.stderr)
        return exits.FAILED
    plan = plan_facts(catalog, program.steps, program.versions, period)
    conflicts, missing = program.pin_problems(catalog) + plan.conflicts, plan.missing
    code = exits.for_problems(conflicts, missing)
    if code != exits.OK:
        for problem in conflicts + missing:
            print(f"rate: {problem.code}: {problem.message}", file=sys.stderr)
        return code
    facts = document["facts"]
    for note in absent_facts(catalog, program.steps, plan, facts):
        print(f"rate: note: {note}", file=sys.stderr)
    rating = rate_period(Pricer(WasmHost(_limits(args)), catalog), program.steps, context,
                         pack_for_plan(facts, plan), period, net_terms)
    if rating.invoice_error is not None:
        print(f"rate: {rating.invoice_error}", file=sys.stderr)
        return exits.FAILED
    result, invoice = rating.run, rating.invoice
    if args.json:
        print(json.dumps(_as_json(result, invoice), indent=2, ensure_ascii=False))
    else:
        print(_as_text(result, invoice, context["currency"]["exponent"]))
    return exits.OK if result.error is None else exits.FAILED


def _as_json(result, invoice) -> dict:
    totals = None if invoice is None else {
        "currency": invoice.currency, "subtotal": invoice.subtotal, "discount": invoice.discount,
        "tax": invoice.tax, "total": invoice.total, "issue_date": invoice.issue_date.isoformat(),
        "due_date": invoice.due_date.isoformat()}
    return {"charges": result.charges, "invoice": totals,
            "executions": [_execution(e) for e in result.executions],
            "error": None if result.error is None else str(result.error)}


def _execution(e) -> dict:
    return {"step": e.step, "module_id": e.module_id, "module_version": e.module_version,
            "module_sha256": e.module_sha256, "input_sha256": e.input_sha256, "output_sha256": e.output_sha256,
            "fuel": e.fuel, "duration_us": e.duration_us, "warnings": e.warnings, "error": e.error,
            "scope": e.scope}


def _as_text(result, invoice, exponent: int) -> str:
    out = ["Charge IR"]
    for line in result.charges:
        out.append(f"  {line['rule_id']:<14} {line['kind']:<10} {line['description'][:40]:<40} "
                   f"{line['quantity']:>12} x {line['unit_price']:<10} {_money(line['amount'], exponent):>12}")
    if invoice is not None:
        out += ["", f"Invoice ({invoice.currency}, issued {invoice.issue_date}, due {invoice.due_date})"]
        for label, amount in (("subtotal", invoice.subtotal), ("discount", -invoice.discount),
                              ("tax", invoice.tax), ("total", invoice.total)):
            out.append(f"  {label:<10}{_money(amount, exponent):>14}")
    out += ["", "Executions"]
    for e in result.executions:
        scope = f" [{e.scope}]" if e.scope else ""
        status = f"error {e.error}" if e.error else f"out {e.output_sha256[:12]}"
        out.append(f"  {e.step} {e.module_id} {e.module_version}{scope} sha256 {e.module_sha256[:12]} "
                   f"in {e.input_sha256[:12]} {status} fuel {e.fuel:,} {e.duration_us} us")
        out += [f"      warning: {w}" for w in e.warnings]
    return "\n".join(out)


def _money(amount: int, exponent: int) -> str:
    sign, digits = ("-" if amount < 0 else ""), str(abs(amount)).rjust(exponent + 1, "0")
    return sign + (digits if exponent == 0 else f"{digits[:-exponent]}.{digits[-exponent:]}")


def _limits(args: argparse.Namespace) -> Limits:
    limits = Limits.for_tier(args.tier)
    return limits if args.fuel is None else limits.with_(fuel=args.fuel)
