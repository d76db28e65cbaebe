"""`billing-dagster plan-inputs`: the Fact Plan from the billing DB or a program file, and its exit codes."""

import json
from datetime import datetime, timezone

import pytest
from sqlalchemy.orm import Session

from billing_dagster.cli import main
from billing_dagster.store.database import make_engine, migrate
from billing_dagster.store.seed import upsert_reference

TIERS = [{"up_to": "1000", "unit_price": "0"}, {"up_to": None, "unit_price": "0.01"}]


@pytest.fixture
def seeded(billing_env, db_url):
    engine = make_engine(db_url)
    migrate(engine)
    plans = {"pro": ("Pro", {"USD": [
        {"rule_id": "base_fee", "component": "base_fee", "description": "Pro", "amount_minor": 10000},
        {"rule_id": "api_calls", "component": "usage", "description": "API calls", "metric": "api_calls",
         "tier_mode": "graduated", "tiers": TIERS}]})}
    tenants = [
        {"id": "acme", "name": "Acme", "currency": "USD", "tax_region": "US-TX", "tax_exempt": False,
         "net_terms_days": 30, "subscription": {"plan_id": "pro", "starts_at": datetime(2025, 1, 1, tzinfo=timezone.utc),
                                                "ends_at": None}},
        {"id": "gone", "name": "Gone", "currency": "USD", "tax_region": "US-TX", "tax_exempt": False,
         "net_terms_days": 30, "subscription": {"plan_id": "pro", "starts_at": datetime(2025, 1, 1, tzinfo=timezone.utc),
                                                "ends_at": datetime(2025, 6, 1, tzinfo=timezone.utc)}}]
    with Session(engine) as session, session.begin():
        upsert_reference(session, plans=plans, tenants=tenants,
                         metrics={"api_calls": ("API calls", "call"), "llm_tokens": ("LLM tokens", "token"),
                                  "storage_gb": ("Storage", "GB")},
                         tax_regions={"US-TX": ("Texas sales tax", "0.0825")})
    engine.dispose()


def write(tmp_path, name, document):
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return path


def test_plan_from_the_billing_db(seeded, capsys):
    assert main(["plan-inputs", "--tenant", "acme", "--period", "2026-02", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["program"] == "billing DB, plan pro" and plan["exit"] == 0
    assert [(p["pack"], p["fields"], p["filters"], p["estimated_records"]) for p in plan["packs"]] == [
        ("adjustments", ["amount", "category", "description", "kind", "reason", "taxable"], {}, None),
        ("subscription", ["active_days", "active_seconds", "period_days", "period_seconds", "plan",
                          "quantity"], {}, 1),
        ("subscriptions", ["active_days", "active_seconds", "id", "period_days", "period_seconds", "plan",
                           "quantity"], {}, None),
        ("tax", ["components", "exempt", "exempt_categories", "name", "rate", "regions"], {}, 1),
        ("usage", ["count", "max", "min", "sum"], {"metrics": ["api_calls"]}, 28)]
    assert [(m["module"], m["version"], m["steps"]) for m in plan["modules"]] == [
        ("fixed-fee", "1.1.0", [0]), ("usage-tiers", "1.0.0", [1]), ("manual-adjustments", "1.0.0", [2]),
        ("tax", "1.1.0", [3])]


def test_text_output_and_a_tenant_without_a_subscription(seeded, capsys):
    assert main(["plan-inputs", "--tenant", "acme", "--period", "2026-02"]) == 0
    text = capsys.readouterr().out
    assert "usage          count, max, min, sum" in text and "metrics: api_calls" in text and text.rstrip().endswith(
        "ok: 5 packs, 4 modules")
    assert main(["plan-inputs", "--tenant", "gone", "--period", "2026-02", "--validate-only"]) == 0
    # only adjustments and tax: no subscription, no prices
    assert capsys.readouterr().out == "ok: 2 packs, 2 modules\n"


def test_unknown_tenant_is_exit_1(seeded, capsys):
    assert main(["plan-inputs", "--tenant", "nobody", "--period", "2026-02"]) == 1
    assert "nobody" in capsys.readouterr().err


def test_program_file(tmp_path, capsys):
    program = write(tmp_path, "program.json", {"program": [
        {"module": "usage-tiers", "version": "1.0.0", "config": {
            "rule_id": "api_calls", "description": "API calls", "metric": "api_calls", "mode": "graduated",
            "tiers": TIERS}},
        {"module": "flat-credit", "config": {"rule_id": "c", "description": "c", "amount": 1}}]})
    assert main(["plan-inputs", "--tenant", "t", "--period", "2026-02", "--program", str(program),
                 "--validate-only"]) == 0
    assert capsys.readouterr().out == "ok: 2 packs, 2 modules\n"  # usage, and subscription (usage-tiers' plan)
    partial = write(tmp_path, "partial.json", [{"module": "usage-tiers", "config": {"metric": "api_calls"}}])
    assert main(["plan-inputs", "--tenant", "t", "--period", "2026-02", "--program", str(partial),
                 "--validate-only"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        'config: step 0 (usage-tiers): config: missing required key "rule_id"',
        'config: step 0 (usage-tiers): config: missing required key "description"',
        'config: step 0 (usage-tiers): config: missing required key "mode"',
        "invalid config: 2 packs, 1 modules"]


def test_version_conflict_is_exit_3(tmp_path, capsys):
    program = write(tmp_path, "program.json", [
        {"module": "usage-tiers", "version": "1.0.0", "config": {"metric": "a"}},
        {"module": "usage-tiers", "version": "1.1.0", "config": {"metric": "b"}}])
    assert main(["plan-inputs", "--tenant", "t", "--period", "2026-02", "--program", str(program),
                 "--validate-only"]) == 3
    out = capsys.readouterr().out
    assert "version_conflict: usage-tiers: the program requires 1.0.0 (steps 0); 1.1.0 (steps 1)" in out
    pinned = write(tmp_path, "pinned.json", [{"module": "tax", "sha256": "0" * 64, "config": {}}])
    assert main(["plan-inputs", "--tenant", "t", "--period", "2026-02", "--program", str(pinned), "--json"]) == 3
    assert json.loads(capsys.readouterr().out)["problems"][0]["code"] == "version_conflict"


def test_missing_pack_or_field_is_exit_2(tmp_path, capsys):
    manifest = {"id": "crm-discount", "version": "0.1.0", "kind": "transformer", "abi": 1, "scope": "tenant",
                "reads": {"crm": ["segment"], "customer": ["tenant", "vip"]}}
    write(tmp_path, "crm-discount.manifest.json", manifest)
    (tmp_path / "crm-discount.wasm").write_bytes(b"\0asm\1\0\0\0")
    program = write(tmp_path, "program.json", [{"wasm": "crm-discount.wasm", "config": {}}])
    assert main(["plan-inputs", "--tenant", "t", "--period", "2026-02", "--program", str(program)]) == 2
    out = capsys.readouterr().out
    assert "missing_pack: pack 'crm'" in out and "missing_field: pack 'customer' has no field vip" in out


def test_bad_documents_are_exit_1(tmp_path, capsys):
    for document in ([], [{"module": "nope"}], [{"module": "tax", "kind": "producer"}], {"x": 1}):
        path = write(tmp_path, "bad.json", document)
        assert main(["plan-inputs", "--tenant", "t", "--period", "2026-02", "--program", str(path)]) == 1
    assert main(["plan-inputs", "--tenant", "t", "--period", "2026-13", "--program", str(path)]) == 1
    assert "plan-inputs:" in capsys.readouterr().err


def test_a_plan_whose_config_its_schema_rejects_is_exit_1(seeded, db_url, capsys):
    engine = make_engine(db_url)
    with Session(engine) as session, session.begin():
        upsert_reference(session, plans={"pro": ("Pro", {"USD": [
            {"rule_id": "api_calls", "component": "usage", "description": "API calls", "metric": "api_calls",
             "tier_mode": "graduated", "tiers": [TIERS[0], {**TIERS[1], "flat": 200}]}]})},
                         metrics={}, tax_regions={}, tenants=[])
    engine.dispose()
    assert main(["plan-inputs", "--tenant", "acme", "--period", "2026-02", "--validate-only"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        'config: plan "pro", step 0 (usage-tiers): config.tiers[1]: unknown key "flat" (did you mean "flat_fee"?)',
        "invalid config: 4 packs, 3 modules"]
