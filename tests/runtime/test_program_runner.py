"""The program runner: scope fan-out, transformer order, fact visibility, execution records, failures.

Most tests use a recording host (the runner's logic, not the sandbox); the last ones run the real modules
in wasm/dist, the hand-written WAT flat-credit among them, through WasmHost.
"""

import json
from pathlib import Path

import pytest

from billing_dagster.domain.canonical import canonical_json
from billing_dagster.domain.facts import visible_facts
from billing_dagster.domain.programs import ProgramStep
from billing_dagster.runtime.catalog import ModuleCatalog, default_modules_dir
from billing_dagster.runtime.host import CallResult, Limits, ModuleError, WasmHost
from billing_dagster.runtime.program import run_program

CONTEXT = {"tenant": "t1", "currency": {"code": "USD", "exponent": 2},
           "period": {"start": "2026-02-01T00:00:00Z", "end": "2026-03-01T00:00:00Z"},
           "policy": {"rounding": "half_even"}}
PACK = {
    "customer": {"tenant": "t1", "currency": "USD"},
    "subscription": {"plan": "pro", "active_days": 28, "period_days": 28, "start": "2025-01-01T00:00:00Z"},
    "usage": {"api_calls": {"count": 2, "sum": "150", "min": "50", "max": "100"},
              "storage_gb": {"count": 1, "sum": "3", "min": "3", "max": "3"}},
    "tax": {"region": "US-TX", "name": "TX", "rate": "0.0625", "exempt": False},
}


def line(rule_id, amount, kind="fee", taxable=True):
    return {"amount": amount, "description": rule_id, "kind": kind, "metric": None, "quantity": "1",
            "rule_id": rule_id, "taxable": taxable, "unit_price": "1"}


class RecordingHost:
    """Stands in for WasmHost: records every input document and answers with `respond(module, doc)`."""

    def __init__(self, respond):
        self.respond = respond
        self.calls: list[tuple[str, dict]] = []
        self.by_sha: dict[str, str] = {}

    def load(self, sha256, wasm):
        self.by_sha[sha256] = wasm.decode()

    def call(self, sha256, document):
        module, doc = self.by_sha[sha256], json.loads(document)
        self.calls.append((module, doc))
        output = self.respond(module, doc)
        if isinstance(output, ModuleError):
            raise output
        return CallResult(output, canonical_json(output).encode(), 100 + len(self.calls), 5)


@pytest.fixture
def catalog(tmp_path):
    """Fake modules: the .wasm file holds the module id (the recording host never compiles it)."""
    manifests = {
        "base": ("producer", "tenant", {"subscription": ["active_days", "period_days"]}),
        "per-sub": ("producer", "subscription", {"subscription": ["plan"], "usage": ["sum"]}),
        "per-line": ("producer", "contract_line", {"contract_line": ["amount"]}),
        "tax": ("transformer", "tenant", {"tax": ["rate"]}),
        "first-n-free": ("transformer", "tenant", {}),
        "zz-custom": ("transformer", "tenant", {}),
    }
    for module_id, (kind, scope, reads) in manifests.items():
        (tmp_path / f"{module_id}.wasm").write_bytes(module_id.encode())
        (tmp_path / f"{module_id}.manifest.json").write_text(json.dumps(
            {"id": module_id, "version": "1.0.0", "kind": kind, "abi": 1, "scope": scope, "reads": reads}))
    return ModuleCatalog(tmp_path)


def echo_config(module, doc):
    """Producers emit one line named after config.rule_id; transformers pass lines through."""
    if module in ("tax", "first-n-free", "zz-custom"):
        return {"charges": doc["charges"] + [line(f"by-{module}", 1, "adjustment")], "warnings": [f"{module} ran"]}
    return {"charges": [line(doc["config"].get("rule_id", module), 100)], "warnings": []}


def test_transformers_run_after_producers_in_the_platform_order(catalog):
    host = RecordingHost(echo_config)
    steps = [ProgramStep("zz-custom", "transformer"), ProgramStep("tax", "transformer"),
             ProgramStep("base", "producer", {"rule_id": "fee"}), ProgramStep("first-n-free", "transformer")]
    run = run_program(host, catalog, steps, CONTEXT, PACK)
    assert [m for m, _ in host.calls] == ["base", "first-n-free", "tax", "zz-custom"]
    assert [c["rule_id"] for c in run.charges] == ["fee", "by-first-n-free", "by-tax", "by-zz-custom"]
    assert [e.step for e in run.executions] == [0, 1, 2, 3]
    assert run.executions[2].warnings == ["tax ran"]
    # A passed-through line keeps the origin of the module that made it.
    assert run.charges[0]["module_id"] == "base" and run.charges[2]["module_id"] == "tax"


def test_a_module_sees_only_the_packs_and_fields_it_declared(catalog):
    host = RecordingHost(echo_config)
    run_program(host, catalog, [ProgramStep("base", "producer"), ProgramStep("tax", "transformer")], CONTEXT, PACK)
    (_, base), (_, tax) = host.calls
    assert base["facts"] == {"subscription": {"active_days": 28, "period_days": 28}}
    assert tax["facts"] == {"tax": {"rate": "0.0625"}}
    assert base["charges"] == [] and len(tax["charges"]) == 1


def test_visible_facts_filters_keyed_packs_by_field_and_skips_absent_packs():
    reads = {"usage": ["sum"], "subscription": ["plan", "nope"], "missing": ["x"]}
    assert visible_facts(PACK, reads) == {
        "subscription": {"plan": "pro"},
        "usage": {"api_calls": {"sum": "150"}, "storage_gb": {"sum": "3"}}}
    assert visible_facts(PACK, {}) == {}


def test_subscription_scope_fans_out_over_the_subscriptions_list(catalog):
    pack = {**PACK, "subscriptions": [{"id": "sub_a", "plan": "basic", "extra": 1}, {"id": "sub_b", "plan": "pro"}]}
    host = RecordingHost(lambda module, doc: {"charges": [line(doc["facts"]["subscription"]["plan"], 5)]})
    run = run_program(host, catalog, [ProgramStep("per-sub", "producer")], CONTEXT, pack)
    docs = [doc for _, doc in host.calls]
    assert [d["facts"]["subscription"] for d in docs] == [{"plan": "basic"}, {"plan": "pro"}]
    assert [d["context"]["scope"] for d in docs] == [
        {"kind": "subscription", "index": 0, "id": "sub_a"}, {"kind": "subscription", "index": 1, "id": "sub_b"}]
    assert all("subscriptions" not in d["facts"] for d in docs)
    assert [c["rule_id"] for c in run.charges] == ["basic", "pro"]
    assert [(e.step, e.scope) for e in run.executions] == [(0, "subscription:sub_a"), (0, "subscription:sub_b")]
    assert len({e.input_sha256 for e in run.executions}) == 2


def test_without_the_list_a_scoped_producer_runs_once_with_the_tenant_context(catalog):
    host = RecordingHost(echo_config)
    run = run_program(host, catalog, [ProgramStep("per-sub", "producer"), ProgramStep("per-line", "producer")],
                      CONTEXT, PACK)
    assert [doc["context"] for _, doc in host.calls] == [CONTEXT, CONTEXT]
    assert [e.scope for e in run.executions] == [None, None]


def test_contract_line_scope_and_an_empty_list_means_no_call(catalog):
    pack = {**PACK, "contract_lines": [{"amount": 7}, {"amount": 9}], "subscriptions": []}
    host = RecordingHost(lambda module, doc: {"charges": [line("l", doc["facts"]["contract_line"]["amount"])]})
    run = run_program(host, catalog, [ProgramStep("per-line", "producer"), ProgramStep("per-sub", "producer")],
                      CONTEXT, pack)
    assert [c["amount"] for c in run.charges] == [7, 9]
    assert [e.scope for e in run.executions] == ["contract_line:0", "contract_line:1"]


def test_a_failing_call_stops_the_program_and_is_recorded(catalog):
    def respond(module, doc):
        if module == "tax":
            return ModuleError("out_of_fuel", "fuel exhausted", 999)
        return echo_config(module, doc)

    run = run_program(RecordingHost(respond), catalog,
                      [ProgramStep("base", "producer"), ProgramStep("tax", "transformer"),
                       ProgramStep("zz-custom", "transformer")], CONTEXT, PACK)
    assert run.charges == [] and run.error.reason == "out_of_fuel"
    assert [(e.module_id, e.error, e.output_sha256) for e in run.executions] == [
        ("base", None, run.executions[0].output_sha256), ("tax", "out_of_fuel: fuel exhausted", None)]
    assert run.executions[1].fuel == 999


def test_output_that_is_not_charge_ir_is_a_schema_violation(catalog):
    host = RecordingHost(lambda module, doc: {"charges": [{"amount": 1.5}], "warnings": []})
    run = run_program(host, catalog, [ProgramStep("base", "producer")], CONTEXT, PACK)
    assert run.error.reason == "schema_violation" and run.executions[0].error.startswith("schema_violation")


# --- the real sandbox ----------------------------------------------------------------------------------

def _steps_with_credit():
    return [
        ProgramStep("flat-credit", "transformer", {"rule_id": "credit", "description": "Credit", "amount": 1000}),
        ProgramStep("tax", "transformer", {"rule_id": "sales_tax"}),
        ProgramStep("fixed-fee", "producer", {"rule_id": "base_fee", "description": "Base", "amount": 9900,
                                              "proration": "none"}),
        ProgramStep("usage-tiers", "producer", {
            "rule_id": "api", "description": "API", "metric": "api_calls", "mode": "volume",
            "tiers": [{"up_to": None, "unit_price": "0.01"}]}),
    ]


@pytest.fixture(scope="module")
def real_host():
    return WasmHost(Limits(), disk_cache=False)


def test_wat_module_runs_through_the_program_runner(real_host):
    run = run_program(real_host, ModuleCatalog(default_modules_dir()), _steps_with_credit(), CONTEXT, PACK)
    assert run.error is None
    assert [(c["rule_id"], c["kind"], c["amount"]) for c in run.charges] == [
        ("base_fee", "fee", 9900), ("api", "usage", 150), ("sales_tax", "tax", 628), ("credit", "discount", -1000)]
    assert run.charges[3]["unit_price"] == "-10.00" and run.charges[3]["module_id"] == "flat-credit"
    assert run.charges[2]["module_id"] == "tax" and run.charges[0]["module_id"] == "fixed-fee"
    assert [e.module_id for e in run.executions] == ["fixed-fee", "usage-tiers", "tax", "flat-credit"]
    assert all(e.fuel > 0 and e.output_sha256 and e.error is None for e in run.executions)


def test_same_inputs_give_byte_identical_charge_ir(real_host):
    catalog = ModuleCatalog(default_modules_dir())
    first = run_program(real_host, catalog, _steps_with_credit(), CONTEXT, PACK)
    again = run_program(WasmHost(Limits(), disk_cache=False), ModuleCatalog(default_modules_dir()),
                        _steps_with_credit(), CONTEXT, json.loads(json.dumps(PACK)))
    assert canonical_json(first.charges) == canonical_json(again.charges)
    assert [(e.input_sha256, e.output_sha256, e.fuel) for e in first.executions] == \
        [(e.input_sha256, e.output_sha256, e.fuel) for e in again.executions]


def test_a_real_module_error_fails_only_its_program(real_host):
    catalog = ModuleCatalog(default_modules_dir())
    bad = [ProgramStep("fixed-fee", "producer", {"rule_id": "x", "description": "x", "amount": -1,
                                                 "proration": "none"})]
    failed = run_program(real_host, catalog, bad, CONTEXT, PACK)
    assert failed.error.reason == "module_error" and "config.amount" in failed.error.detail
    assert run_program(real_host, catalog, _steps_with_credit(), CONTEXT, PACK).error is None


def test_catalog_reads_scope_and_refuses_a_bad_manifest(tmp_path):
    from billing_dagster.runtime.catalog import InvalidManifest, VersionMismatch

    catalog = ModuleCatalog(default_modules_dir())
    assert catalog.get("flat-credit").scope == "tenant" and catalog.get("flat-credit").kind == "transformer"
    with pytest.raises(VersionMismatch):
        catalog.get("tax", "9.9.9")
    (tmp_path / "bad.wasm").write_bytes(b"\0asm")
    (tmp_path / "bad.manifest.json").write_text(json.dumps({"id": "bad", "version": "1", "kind": "maker", "abi": 2}))
    with pytest.raises(InvalidManifest, match="kind must be one of"):
        ModuleCatalog(tmp_path).get("bad")
    assert "flat-credit" in catalog.ids() and Path(default_modules_dir(), "flat-credit.wasm").is_file()
