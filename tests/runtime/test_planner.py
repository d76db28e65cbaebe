"""The fact planner: manifests unioned into a Fact Plan, and fact packs cut down to it."""

import json
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from billing_dagster.domain.accounts import PriceSpec, SubscriptionSpec, TaxSpec, TenantAccount
from billing_dagster.domain.facts import build_fact_pack
from billing_dagster.domain.periods import month_period
from billing_dagster.domain.programs import ProgramStep, program_for
from billing_dagster.runtime.catalog import ModuleCatalog, default_modules_dir
from billing_dagster.runtime.planner import (
    PACK_KINDS, build_planned_fact_pack, pack_for_plan, plan_facts, planned_usage_metrics)

FEB = month_period(datetime(2026, 2, 1).date())
TIERS = ({"up_to": None, "unit_price": "0.01"},)


def account(subscription=True) -> TenantAccount:
    prices = (PriceSpec("base_fee", "base_fee", "Base", amount_minor=2000),
              PriceSpec("api_calls", "usage", "API", metric="api_calls", tier_mode="graduated", tiers=TIERS),
              PriceSpec("tokens", "usage", "Tokens", metric="llm_tokens", tier_mode="volume", tiers=TIERS))
    sub = SubscriptionSpec("pro", datetime(2026, 2, 15, tzinfo=timezone.utc), None) if subscription else None
    return TenantAccount("acme", "USD", 30, TaxSpec("US-TX", "TX sales tax", Decimal("0.0625"), False), sub,
                         prices if subscription else ())


USAGE = {"api_calls": {"count": 2, "sum": "1500", "min": "500", "max": "1000"},
         "llm_tokens": {"count": 1, "sum": "9", "min": "9", "max": "9"},
         "storage_gb": {"count": 1, "sum": "4", "min": "4", "max": "4"}}


@pytest.fixture(scope="module")
def catalog():
    return ModuleCatalog(default_modules_dir())


def test_plan_of_the_standard_program_unions_the_manifests(catalog):
    plan = plan_facts(catalog, program_for(account()), period=FEB, known_keys={"usage": ["a", "b", "c"]})
    assert plan.problems == ()
    assert [(p.pack, p.fields, p.keys, p.modules, p.estimated_records) for p in plan.packs] == [
        # the period's manual adjustments, which every implied program applies before tax
        ("adjustments", ("amount", "category", "description", "kind", "reason", "taxable"), None,
         ("manual-adjustments",), None),
        ("subscription", ("active_days", "active_seconds", "period_days", "period_seconds", "plan", "quantity"),
         None, ("fixed-fee", "usage-tiers"), 1),
        # fixed-fee is scoped per subscription: the fan-out list, used when the builder has it
        ("subscriptions", ("active_days", "active_seconds", "id", "period_days", "period_seconds", "plan",
                           "quantity"), None,
         ("fixed-fee",), None),
        ("tax", ("components", "exempt", "exempt_categories", "name", "rate", "regions"), None, ("tax",), 1),
        # two metrics named by the usage-tiers configs, one usage_daily row per metric and day of February
        ("usage", ("count", "max", "min", "sum"), ("api_calls", "llm_tokens"), ("usage-tiers",), 2 * 28),
    ]
    assert [(m.module, m.version, m.steps) for m in plan.modules] == [
        ("fixed-fee", "1.1.0", (0,)), ("usage-tiers", "1.0.0", (1, 2)), ("manual-adjustments", "1.0.0", (3,)),
        ("tax", "1.1.0", (4,))]
    assert plan.modules[0].sha256 == catalog.get("fixed-fee").sha256
    assert plan.to_dict()["packs"][4]["filters"] == {"metrics": ["api_calls", "llm_tokens"]}


def test_a_module_that_names_no_metric_reads_every_metric(catalog, tmp_path):
    _fake(tmp_path, "usage-report", {"usage": ["count"]})
    local = ModuleCatalog(tmp_path)
    local.register_file(default_modules_dir() / "usage-tiers.wasm")
    steps = [ProgramStep("usage-tiers", "producer", {"metric": "api_calls"}), ProgramStep("usage-report", "producer")]
    plan = plan_facts(local, steps, period=FEB, known_keys={"usage": ["a", "b", "c"]})
    usage = plan.pack("usage")
    assert usage.keys is None and usage.fields == ("count", "max", "min", "sum") and usage.estimated_records == 3 * 28
    assert planned_usage_metrics(plan) is None
    assert plan_facts(local, steps).pack("usage").estimated_records is None


def test_an_absent_subscription_is_estimated_at_zero_records(catalog):
    plan = plan_facts(catalog, [ProgramStep("fixed-fee", "producer", {})], absent=["subscription"])
    assert plan.pack("subscription").estimated_records == 0 and plan.problems == ()


def test_undeclarable_packs_and_fields_are_missing(catalog, tmp_path):
    _fake(tmp_path, "greedy", {"tax": ["rate", "vat_number"], "crm": ["segment"]})
    plan = plan_facts(ModuleCatalog(tmp_path), [ProgramStep("greedy", "producer")])
    assert [p.code for p in plan.problems] == ["missing_pack", "missing_field"]
    assert "crm" in plan.problems[0].message and "vat_number" in plan.problems[1].message
    assert plan.missing and not plan.conflicts


def test_two_steps_requiring_different_versions_conflict(catalog):
    steps = [ProgramStep("usage-tiers", "producer", {"metric": "a"}),
             ProgramStep("usage-tiers", "producer", {"metric": "b"})]
    plan = plan_facts(catalog, steps, versions=["1.0.0", "2.0.0"])
    assert [p.code for p in plan.conflicts] == ["version_conflict"]
    assert "1.0.0 (steps 0)" in plan.conflicts[0].message and "2.0.0 (steps 1)" in plan.conflicts[0].message
    catalog_mismatch = plan_facts(catalog, steps[:1], versions=["2.0.0"])
    assert "the catalog has 1.0.0" in catalog_mismatch.conflicts[0].message
    assert plan_facts(catalog, steps, versions=["1.0.0", None]).problems == ()


def test_scoped_producers_add_their_fan_out_list_as_optional(tmp_path):
    _fake(tmp_path, "per-sub", {"subscription": ["plan"]}, scope="subscription")
    plan = plan_facts(ModuleCatalog(tmp_path), [ProgramStep("per-sub", "producer")])
    listed = plan.pack("subscriptions")
    assert listed.fields == ("id", "plan") and not listed.required and plan.problems == ()
    pack = {"subscription": {"plan": "a", "start": "x"}, "subscriptions": [{"id": "s1", "plan": "a", "start": "x"}]}
    assert pack_for_plan(pack, plan) == {"subscription": {"plan": "a"}, "subscriptions": [{"id": "s1", "plan": "a"}]}


def test_pack_for_plan_drops_undeclared_packs_fields_and_metrics(catalog):
    plan = plan_facts(catalog, program_for(account()))
    full = build_fact_pack(account(), FEB, USAGE)
    cut = pack_for_plan(full, plan)
    assert set(cut) == {"subscription", "tax", "usage"}  # no customer pack: nothing reads it
    assert cut["usage"] == {name: USAGE[name] for name in ("api_calls", "llm_tokens")}  # no storage_gb
    assert cut["tax"] == {"exempt": False, "name": "TX sales tax", "rate": "0.0625"}
    assert set(cut["subscription"]) == {"active_days", "active_seconds", "period_days", "period_seconds", "plan"}
    # the planned builder adds the packs the program reads even when empty: no adjustments this period
    assert build_planned_fact_pack(account(), FEB, USAGE, plan) == {**cut, "adjustments": {}}


def test_planned_facts_rate_exactly_like_full_facts(catalog):
    """A module sees the same input with the planned pack as with the full one (bar unplanned metrics)."""
    from billing_dagster.domain.facts import visible_facts

    plan = plan_facts(catalog, program_for(account()))
    full = build_fact_pack(account(), FEB, {k: v for k, v in USAGE.items() if k != "storage_gb"})
    planned = pack_for_plan(full, plan)
    for step in program_for(account()):
        reads = catalog.get(step.module).reads
        assert visible_facts(planned, reads) == visible_facts(full, reads)


def test_no_subscription_means_no_subscription_pack(catalog):
    plan = plan_facts(catalog, program_for(account(subscription=False)))
    assert [m.module for m in plan.modules] == ["manual-adjustments", "tax"]
    assert build_planned_fact_pack(account(subscription=False), FEB, USAGE, plan) == {
        "adjustments": {}, "tax": {"exempt": False, "name": "TX sales tax", "rate": "0.0625"}}
    assert planned_usage_metrics(plan) == []


def test_pack_kinds_match_what_the_fact_pack_builder_builds():
    pack = build_fact_pack(account(), FEB, USAGE)
    built = {name: set(next(iter(value.values())) if name == "usage" else value) for name, value in pack.items()}
    not_built_yet = {"time_entries", "buckets", "adjustments"}  # rate documents carry them; the builder does not yet
    # optional fields the builder leaves out: tax components, and a subscription's fan-out id, seats and trial
    optional = {"tax": {"components", "exempt_categories", "regions"},
                "subscription": {"id", "quantity", "trial_end"}}
    assert built == {name: set(kind.fields) - optional.get(name, set()) for name, kind in PACK_KINDS.items()
                     if name not in not_built_yet}


def _fake(directory, module_id, reads, kind="producer", scope="tenant"):
    (directory / f"{module_id}.wasm").write_bytes(b"\0asm\1\0\0\0")
    (directory / f"{module_id}.manifest.json").write_text(json.dumps(
        {"id": module_id, "version": "1.0.0", "kind": kind, "abi": 1, "scope": scope, "reads": reads}))
