"""`billing-dagster plans set-program|show`: a plan's explicit pricing program in the billing database
(BILLING_DB_URL). A program is validated before it is written: every step names a catalog module, every config
conforms to its module's config_schema, every fact pack it reads can be built, versions match the catalog."""

import argparse
import json
import sys
from pathlib import Path

from billing_dagster.commands import exits
from billing_dagster.commands.document_keys import unknown_keys
from billing_dagster.commands.program_file import DocumentError, load_program, read_json
from billing_dagster.domain.programs import ProgramStep
from billing_dagster.runtime.catalog import InvalidManifest, ModuleCatalog, UnknownModule, default_modules_dir
from billing_dagster.runtime.config_check import step_config_errors, step_label
from billing_dagster.runtime.planner import plan_facts

STORED_STEP_KEYS = ("module", "kind", "config")  # what set-program writes and domain/programs.program_for reads


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "plans", help="show or set a plan's pricing program",
        description="Exit 0 ok, 1 the program is refused (nothing is written) or the billing database could not "
                    "be used, 2 no such plan.")
    actions = parser.add_subparsers(dest="action", required=True)
    setter = actions.add_parser("set-program", help="validate a JSON program and make it the plan's program")
    setter.add_argument("plan_id", metavar="PLAN_ID")
    setter.add_argument("file", metavar="FILE", type=Path,
                        help='[{"module": "usage-tiers", "config": {...}}, ...] (or {"program": [...]})')
    setter.add_argument("--modules-dir", type=Path, help="built modules and manifests (default wasm/dist)")
    setter.set_defaults(handler=_set_program)
    show = actions.add_parser("show", help="print the plan's program and any problems it has")
    show.add_argument("plan_id", metavar="PLAN_ID")
    show.add_argument("--modules-dir", type=Path, help="built modules and manifests (default wasm/dist)")
    show.set_defaults(handler=_show)


def checked_program(catalog: ModuleCatalog, plan_id: str, document: object, base_dir: Path) -> tuple[list, list]:
    """The steps to store ({module, kind, config}) and every problem that refuses them."""
    entries = document.get("program", document.get("steps")) if isinstance(document, dict) else document
    if isinstance(entries, list):
        paths = [f"program[{i}]: a plan's program names catalog modules (\"module\"), not a .wasm path"
                 for i, entry in enumerate(entries) if isinstance(entry, dict) and "wasm" in entry]
        if paths:
            return [], paths
    try:
        program = load_program(document, catalog, base_dir)
    except DocumentError as error:
        return [], error.problems
    problems = step_config_errors(catalog, program.steps, plan_id)
    plan = plan_facts(catalog, program.steps, program.versions)
    problems += [f"{p.code}: {p.message}" for p in program.pin_problems(catalog) + plan.conflicts + plan.missing]
    return [{"module": s.module, "kind": s.kind, "config": s.config} for s in program.steps], problems


def stored_problems(catalog: ModuleCatalog, plan_id: str, program: list) -> list[str]:
    """What a stored program would fail a close with (it may predate validation)."""
    steps, problems = [], []
    for index, entry in enumerate(program):
        module = entry.get("module") if isinstance(entry, dict) else None
        if not isinstance(module, str):
            problems.append(f"{step_label(index, '?', plan_id)}: expected an object with \"module\" (a catalog id)")
            continue
        label = step_label(index, module, plan_id)
        try:
            ref = catalog.get(module)
        except (UnknownModule, InvalidManifest) as error:
            problems.append(f"{label}: {error}")
            continue
        problems += unknown_keys(entry, STORED_STEP_KEYS, label)
        if entry.get("kind") != ref.kind:
            problems.append(f"{label}: kind {entry.get('kind')!r}, but {ref.id} is a {ref.kind}")
        steps.append(ProgramStep(ref.id, ref.kind, entry.get("config", {})))
    if problems:
        return problems
    problems = step_config_errors(catalog, steps, plan_id)
    return problems + [f"{p.code}: {p.message}" for p in plan_facts(catalog, steps).problems]


def _set_program(args: argparse.Namespace) -> int:
    from billing_dagster.store.plans import UnknownPlan, save_program

    catalog = ModuleCatalog(args.modules_dir or default_modules_dir())
    try:
        steps, problems = checked_program(catalog, args.plan_id, read_json(args.file), args.file.parent)
    except (DocumentError, InvalidManifest) as error:
        steps, problems = [], getattr(error, "problems", [str(error)])
    if problems:
        for problem in problems:
            print(f"plans set-program: {problem}", file=sys.stderr)
        print(f"plans set-program: plan {args.plan_id!r} unchanged", file=sys.stderr)
        return exits.FAILED

    def action(engine) -> int:
        try:
            save_program(engine, args.plan_id, steps)
        except UnknownPlan as error:
            print(f"plans set-program: {error}", file=sys.stderr)
            return exits.MISSING
        print(f"plan {args.plan_id!r}: program of {len(steps)} steps saved")
        return exits.OK

    return _with_database(action)


def _show(args: argparse.Namespace) -> int:
    from billing_dagster.store.plans import UnknownPlan, plan_program

    catalog = ModuleCatalog(args.modules_dir or default_modules_dir())

    def action(engine) -> int:
        try:
            plan = plan_program(engine, args.plan_id)
        except UnknownPlan as error:
            print(f"plans show: {error}", file=sys.stderr)
            return exits.MISSING
        print(json.dumps({"plan": plan.id, "name": plan.name, "program": plan.program}, indent=2,
                         ensure_ascii=False))
        if plan.program is None:
            print(f"plans show: plan {plan.id!r} has no explicit program; its prices imply one", file=sys.stderr)
            return exits.OK
        problems = stored_problems(catalog, plan.id, plan.program)
        for problem in problems:
            print(f"plans show: {problem}", file=sys.stderr)
        return exits.FAILED if problems else exits.OK

    return _with_database(action)


def _with_database(action) -> int:
    """Run `action(engine)`, turning a database that cannot be used into exit 1 with its reason."""
    from sqlalchemy.exc import SQLAlchemyError

    from billing_dagster.settings import billing_db_url
    from billing_dagster.store.database import make_engine

    engine = make_engine(billing_db_url())
    try:
        return action(engine)
    except SQLAlchemyError as error:
        print(f"plans: the billing database could not be used ({type(error).__name__}: "
              f"{str(error).splitlines()[0]}); is it migrated? run billing-dagster migrate", file=sys.stderr)
        return exits.FAILED
    finally:
        engine.dispose()
