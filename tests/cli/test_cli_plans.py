"""`billing-dagster plans set-program|show`: a program is validated before it is written; a refused one leaves
the plan as it was and names the plan, the step and the key."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from billing_dagster.cli import main
from billing_dagster.store import models as m
from billing_dagster.store.database import make_engine, migrate
from billing_dagster.store.plans import plan_program

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = json.loads((ROOT / "examples" / "rate-standard.json").read_text())["program"]


@pytest.fixture
def engine(billing_env, db_url):
    engine = make_engine(db_url)
    migrate(engine)
    with Session(engine) as session, session.begin():
        session.add(m.Plan(id="pro", name="Pro"))
    yield engine
    engine.dispose()


def program_file(tmp_path, program) -> Path:
    path = tmp_path / "program.json"
    path.write_text(json.dumps(program))
    return path


def typo(step: int, change) -> list[dict]:
    program = json.loads(json.dumps(PROGRAM))
    change(program[step]["config"])
    return program


COUPON_TYPO = [*PROGRAM, {"module": "category-coupons", "config": {"coupons": [
    {"rule_id": "c", "description": "10 % off usage", "percent": "10", "categorie": ["usage"]}]}}]


@pytest.mark.parametrize("program, error", [
    (typo(1, lambda c: c["tiers"][1].update(flat=200)),
     'plan "pro", step 1 (usage-tiers): config.tiers[1]: unknown key "flat" (did you mean "flat_fee"?)'),
    (COUPON_TYPO,
     'plan "pro", step 5 (category-coupons): config.coupons[0]: unknown key "categorie" (did you mean "categories"?)'),
    (typo(0, lambda c: c.update(quantity=2)), 'plan "pro", step 0 (fixed-fee): config: unknown key "quantity"'),
    (typo(0, lambda c: c.update(amount="100.00")), 'plan "pro", step 0 (fixed-fee): config.amount: expected integer, '
                                                   'got "100.00"'),
])
def test_a_typo_is_refused_and_nothing_is_written(engine, tmp_path, capsys, program, error):
    assert main(["plans", "set-program", "pro", str(program_file(tmp_path, program))]) == 1
    assert capsys.readouterr().err == f"plans set-program: {error}\nplans set-program: plan 'pro' unchanged\n"
    assert plan_program(engine, "pro").program is None


def test_every_problem_is_reported(engine, tmp_path, capsys):
    program = typo(0, lambda c: c.update(quantity=2))
    program[1]["config"]["tiers"][1]["flat"] = 200
    program[2]["confg"] = {}
    assert main(["plans", "set-program", "pro", str(program_file(tmp_path, program))]) == 1
    assert capsys.readouterr().err.splitlines()[0] == 'plans set-program: program[2]: unknown key "confg" ' \
                                                     '(did you mean "config"?)'
    del program[2]["confg"]
    assert main(["plans", "set-program", "pro", str(program_file(tmp_path, program))]) == 1
    assert capsys.readouterr().err.splitlines()[:2] == [
        'plans set-program: plan "pro", step 0 (fixed-fee): config: unknown key "quantity"',
        'plans set-program: plan "pro", step 1 (usage-tiers): config.tiers[1]: unknown key "flat" '
        '(did you mean "flat_fee"?)']


def test_a_valid_program_is_saved_and_shown(engine, tmp_path, capsys):
    assert main(["plans", "set-program", "pro", str(program_file(tmp_path, PROGRAM))]) == 0
    assert capsys.readouterr().out == "plan 'pro': program of 5 steps saved\n"
    stored = plan_program(engine, "pro").program
    assert [(s["module"], s["kind"]) for s in stored] == [
        ("fixed-fee", "producer"), ("usage-tiers", "producer"), ("usage-tiers", "producer"),
        ("tax", "transformer"), ("flat-credit", "transformer")]
    assert [s["config"] for s in stored] == [s["config"] for s in PROGRAM]
    assert main(["plans", "show", "pro"]) == 0
    assert json.loads(capsys.readouterr().out) == {"plan": "pro", "name": "Pro", "program": stored}


def test_show_names_the_problems_of_a_program_stored_before_validation(engine, capsys):
    bad = [{"module": "fixed-fee", "kind": "producer", "config": {
        "rule_id": "f", "description": "Fee", "amount": 100, "proration": "day", "quantity": 2}}]
    with Session(engine) as session, session.begin():
        session.execute(update(m.Plan).where(m.Plan.id == "pro").values(program=bad))
    assert main(["plans", "show", "pro"]) == 1
    assert capsys.readouterr().err == 'plans show: plan "pro", step 0 (fixed-fee): config: unknown key "quantity"\n'
    with Session(engine) as session, session.begin():
        session.execute(update(m.Plan).where(m.Plan.id == "pro").values(program=[
            {"module": "tax", "kind": "producer", "config": {"rule_id": "sales_tax"}}, {"modul": "tax"}]))
    assert main(["plans", "show", "pro"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "plans show: plan \"pro\", step 0 (tax): kind 'producer', but tax is a transformer",
        'plans show: plan "pro", step 1 (?): expected an object with "module" (a catalog id)']


def test_unknown_plans_module_paths_and_version_conflicts(engine, tmp_path, capsys):
    assert main(["plans", "set-program", "basic", str(program_file(tmp_path, PROGRAM))]) == 2
    assert "no plan 'basic'" in capsys.readouterr().err
    assert main(["plans", "show", "basic"]) == 2
    wasm = [{"wasm": "my.wasm", "config": {}}]
    assert main(["plans", "set-program", "pro", str(program_file(tmp_path, wasm))]) == 1
    assert "program[0]: a plan's program names catalog modules" in capsys.readouterr().err
    pinned = json.loads(json.dumps(PROGRAM))
    pinned[3]["version"] = "9.9.9"
    assert main(["plans", "set-program", "pro", str(program_file(tmp_path, pinned))]) == 1
    assert "version_conflict: tax: the program requires 9.9.9, the catalog has 1.1.0" in capsys.readouterr().err
    assert plan_program(engine, "pro").program is None


def test_the_installed_command_line_refuses_a_typo(engine, tmp_path):
    program = program_file(tmp_path, typo(1, lambda c: c["tiers"][1].update(flat=200)))
    done = subprocess.run([sys.executable, "-m", "billing_dagster.cli", "plans", "set-program", "pro", str(program)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 1
    assert 'step 1 (usage-tiers): config.tiers[1]: unknown key "flat" (did you mean "flat_fee"?)' in done.stderr
