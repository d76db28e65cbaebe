"""Step configs against their module's config_schema: unknown keys and wrong types named with the plan, the step
and the key path; every problem collected; each module's validator compiled once; the close's Fact Plan."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from billing_dagster.domain.programs import ProgramStep
from billing_dagster.runtime.catalog import InvalidManifest, ModuleCatalog, default_modules_dir, module_ref
from billing_dagster.runtime.config_check import config_errors, config_validator, step_config_errors
from billing_dagster.runtime.host import Limits, WasmHost
from billing_dagster.runtime.pricer import Pricer

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = json.loads((ROOT / "examples" / "rate-standard.json").read_text())


@pytest.fixture(scope="module")
def catalog():
    return ModuleCatalog(default_modules_dir())


def steps() -> list[ProgramStep]:
    """The shipped example's program: fixed-fee, usage-tiers x2, tax, flat-credit."""
    return [ProgramStep(s["module"], "", json.loads(json.dumps(s["config"]))) for s in EXAMPLE["program"]]


def test_every_system_manifest_config_schema_is_a_valid_draft_2020_12_schema(catalog):
    ids = catalog.ids()
    assert "usage-tiers" in ids and len(ids) == len(list(default_modules_dir().glob("*.manifest.json"))) >= 11
    for module_id in ids:
        schema = catalog.get(module_id).manifest["config_schema"]
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema", module_id
        Draft202012Validator.check_schema(schema)
        assert schema.get("additionalProperties") is False, module_id


def test_a_valid_program_has_no_problems(catalog):
    assert step_config_errors(catalog, steps(), "pro") == []


def test_a_usage_tier_flat_typo_is_named_with_plan_step_and_key_path(catalog):
    program = steps()
    program[1].config["tiers"][1]["flat"] = 200
    assert step_config_errors(catalog, program, "pro") == [
        'plan "pro", step 1 (usage-tiers): config.tiers[1]: unknown key "flat" (did you mean "flat_fee"?)']


def test_a_coupon_categorie_typo_and_a_fixed_fee_quantity_are_both_reported(catalog):
    program = steps()
    program[0].config["quantity"] = 2
    program.append(ProgramStep("category-coupons", "transformer", {"coupons": [
        {"rule_id": "c", "description": "10 % off usage", "percent": "10", "categorie": ["usage"]}]}))
    assert step_config_errors(catalog, program) == [
        'step 0 (fixed-fee): config: unknown key "quantity"',
        'step 5 (category-coupons): config.coupons[0]: unknown key "categorie" (did you mean "categories"?)']


def test_wrong_types_values_and_missing_keys_are_rejected(catalog):
    usage_tiers = catalog.get("usage-tiers")
    config = {"rule_id": "api", "description": "API", "metric": "api_calls", "mode": "graduate",
              "tiers": [{"up_to": None, "unit_price": 0.005}], "minimum": "100"}
    assert config_errors(usage_tiers, config) == [
        'config.mode: "graduate" is not one of "graduated", "volume", "per_unit", "package", "percentage", '
        '"graduated_percentage"',
        "config.tiers[0].unit_price: expected string, got 0.005",
        'config.minimum: expected integer, got "100"']
    assert config_errors(catalog.get("fixed-fee"), {"rule_id": "f", "description": "Fee"}) == [
        'config: missing required key "amount"', 'config: missing required key "proration"']
    assert config_errors(catalog.get("category-coupons"), {"coupons": [
        {"rule_id": "c", "description": "both", "percent": "5", "amount": 100}]}) == [
        'config.coupons[0]: needs exactly one of "percent", "amount", it has "percent", "amount"']
    assert config_errors(catalog.get("tax"), []) == ["config: expected object, got []"]


def test_each_module_validator_is_compiled_once(catalog):
    module = catalog.get("usage-tiers")
    assert config_validator(module) is config_validator(module)


def test_a_manifest_whose_config_schema_is_not_a_schema_is_refused():
    manifest = {"id": "odd", "version": "1.0.0", "kind": "producer", "abi": 1, "reads": {},
                "config_schema": {"type": "objekt"}}
    with pytest.raises(InvalidManifest, match="config_schema is not a valid Draft 2020-12 schema"):
        config_errors(module_ref(b"\0asm\1\0\0\0", manifest), {})


def test_the_pricers_fact_plan_carries_config_problems_computed_once_per_program(catalog):
    pricer = Pricer(WasmHost(Limits()), catalog)
    program = steps()
    program[1].config["tiers"][1]["flat"] = 200
    plan = pricer.plan(program, "basic")
    assert [(p.code, p.message) for p in plan.invalid_configs] == [(
        "config",
        'plan "basic", step 1 (usage-tiers): config.tiers[1]: unknown key "flat" (did you mean "flat_fee"?)')]
    assert pricer.plan(steps(), "basic").problems == ()
    assert pricer.plan(program, "basic") is plan
    assert pricer.plan(program).problems[0].message.startswith("step 1 (usage-tiers)")
