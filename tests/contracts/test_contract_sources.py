"""What the code builds today conforms to the contracts: fact packs, module inputs, manifests, programs,
Charge IR and invoices."""

import ast
import dataclasses
import json
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from billing_dagster.domain.accounts import PriceSpec, SubscriptionSpec, TaxSpec, TenantAccount
from billing_dagster.domain.contracts import (
    PACK_ENTRIES, ChargeDocument, ChargeLine, Context, FactPack, FactsView, Invoice, ModuleInput, ModuleManifest,
    Program, TracedChargeLine)
from billing_dagster.domain.contracts_types import RoundingName
from billing_dagster.domain.currency import currency, supported_codes
from billing_dagster.domain.facts import build_fact_pack, visible_facts
from billing_dagster.domain.invoicing import build_invoice
from billing_dagster.domain.periods import isoformat_utc, month_period
from billing_dagster.domain.programs import program_for
from billing_dagster.domain.rounding import RoundingMode

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = sorted((ROOT / "wasm" / "modules").glob("*/manifest.json")) + sorted(
    (ROOT / "wasm" / "dist").glob("*.manifest.json"))
PERIOD = month_period(date(2026, 10, 1))
USAGE = {"api_calls": {"count": 3, "sum": Decimal("61"), "min": Decimal("1"), "max": Decimal("50")},
         "storage_gb": {"count": 2, "sum": Decimal("3.750"), "min": Decimal("1.25"), "max": Decimal("2.5")}}


def _account(subscribed: bool = True, code: str = "USD") -> TenantAccount:
    subscription = SubscriptionSpec("standard", datetime(2026, 10, 15, tzinfo=timezone.utc), None)
    prices = (PriceSpec("base_fee", "base_fee", "Standard plan", amount_minor=9900),
              PriceSpec("api_calls", "usage", "API calls", metric="api_calls", tier_mode="graduated",
                        tiers=({"up_to": "10000", "unit_price": "0"}, {"up_to": None, "unit_price": "0.0005"})))
    return TenantAccount("t0001", code, 30, TaxSpec("US-CA", "Sales tax", Decimal("0.0825"), False),
                         subscription if subscribed else None, prices if subscribed else ())


def _context(code: str = "USD") -> dict:
    cur = currency(code)
    return {"tenant": "t0001", "currency": {"code": cur.code, "exponent": cur.exponent},
            "period": {"start": isoformat_utc(PERIOD.start), "end": isoformat_utc(PERIOD.end)},
            "policy": {"rounding": "half_even"}}


@pytest.mark.parametrize("subscribed", [True, False])
def test_built_fact_pack_is_a_fact_pack(subscribed):
    pack = build_fact_pack(_account(subscribed), PERIOD, USAGE)
    assert FactPack.model_validate(pack).model_dump(exclude_unset=True) == pack


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_system_manifests_are_manifests(path):
    ModuleManifest.model_validate_json(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_what_a_module_sees_is_a_module_input(path):
    manifest = ModuleManifest.model_validate_json(path.read_text(encoding="utf-8"))
    pack = build_fact_pack(_account(), PERIOD, USAGE)
    line = {"amount": 9900, "description": "Standard plan", "kind": "fee", "metric": None, "quantity": "1",
            "rule_id": "base_fee", "taxable": True, "unit_price": "99"}
    document = {"abi": 1, "context": _context(), "facts": visible_facts(pack, manifest.reads), "config": {},
                "charges": [line] if manifest.kind == "transformer" else []}
    parsed = ModuleInput.model_validate_json(json.dumps(document))
    assert parsed.model_dump(mode="json", exclude_unset=True) == document


def test_facts_view_refuses_undeclared_packs_but_not_missing_fields():
    FactsView.model_validate({"subscription": {"active_days": 17}, "usage": {"api_calls": {"sum": "61"}}})
    with pytest.raises(ValidationError):
        FactsView.model_validate({"usage": {"api_calls": {"sum": 61.0}}})


@pytest.mark.parametrize("code", supported_codes())
def test_context_of_every_supported_currency(code):
    Context.model_validate(_context(code))


def test_program_of_a_plan_is_a_program():
    steps = [dataclasses.asdict(step) for step in program_for(_account())]
    assert Program.model_validate({"steps": steps}).model_dump(exclude_unset=True) == {"steps": steps}


def test_built_invoice_is_an_invoice():
    def traced(line, module):
        return {**line, "module_id": module, "module_sha256": "a" * 64, "input_sha256": "b" * 64}
    charges = [traced({"amount": 9900, "description": "Standard plan", "kind": "fee", "metric": None,
                       "quantity": "1", "rule_id": "base_fee", "taxable": True, "unit_price": "99"}, "fixed-fee"),
               traced({"amount": -1000, "description": "Coupon", "kind": "discount", "metric": None,
                       "quantity": "1", "rule_id": "welcome", "taxable": False, "unit_price": "-10"}, "coupons"),
               traced({"amount": 734, "description": "Sales tax", "kind": "tax", "metric": None,
                       "quantity": "8900", "rule_id": "sales_tax", "taxable": False, "unit_price": "0.0825"}, "tax")]
    ChargeDocument.model_validate(charges)
    draft = build_invoice(charges, "USD", PERIOD, 30)
    Invoice.model_validate({
        "tenant": "t0001", "period": {"start": isoformat_utc(PERIOD.start), "end": isoformat_utc(PERIOD.end)},
        "kind": "standard", "revision": 0, "status": "draft", "plan": "standard", "currency": draft.currency,
        "subtotal": draft.subtotal, "discount": draft.discount, "tax": draft.tax, "total": draft.total,
        "issue_date": draft.issue_date.isoformat(), "due_date": draft.due_date.isoformat(),
        "charges_sha256": "c" * 64, "lines": list(draft.lines)})


def test_rounding_names_are_the_rounding_modes():
    assert set(RoundingName.__args__) == {mode.value for mode in RoundingMode}


def test_charge_line_keeps_its_behaviour():
    line = ChargeLine(rule_id="r", kind="usage", description="", quantity="2.50", unit_price="0.1", amount=25,
                      taxable=True)
    assert line.quantity_decimal() == Decimal("2.5") and line.metric is None
    with pytest.raises(ValidationError, match="signed 64-bit"):
        ChargeLine.model_validate({**line.model_dump(), "amount": 2**63})
    with pytest.raises(ValidationError):
        line.amount = 1  # frozen
    traced = TracedChargeLine(**line.model_dump(), module_id="m", module_sha256="a" * 64, input_sha256="b" * 64)
    assert isinstance(traced, ChargeLine)


def test_pack_entries_cover_every_pack_a_module_can_read():
    assert set(PACK_ENTRIES) == set(FactsView.model_fields) == set(FactPack.model_fields) - {"subscriptions"}


def test_contracts_stay_pure():
    """The domain may import pydantic, never dagster or an I/O library."""
    allowed = {"datetime", "decimal", "json", "re", "typing", "typing_extensions", "pydantic", "pydantic_core",
               "billing_dagster"}
    for path in sorted((ROOT / "billing_dagster" / "domain").glob("contracts*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                roots = {(node.module or "").split(".")[0]}
            else:
                continue
            assert roots <= allowed, f"{path.name} imports {roots - allowed}"


class _RecordingHost:
    """A real WasmHost that keeps every input document it is handed."""

    def __init__(self):
        from billing_dagster.runtime.host import WasmHost
        self.host, self.documents = WasmHost(disk_cache=False), []

    def __getattr__(self, name):
        return getattr(self.host, name)

    def call(self, sha256, document):
        self.documents.append(document)
        return self.host.call(sha256, document)


def test_a_real_program_run_speaks_the_contracts():
    """The runtime's input documents are Module Inputs and its Charge IR is a Charge IR document."""
    from billing_dagster.runtime.catalog import ModuleCatalog, default_modules_dir
    from billing_dagster.runtime.program import run_program

    account = _account()
    host = _RecordingHost()
    run = run_program(host, ModuleCatalog(default_modules_dir()), program_for(account), _context(),
                      build_fact_pack(account, PERIOD, USAGE))
    assert run.error is None and len(host.documents) == 4  # fixed fee, usage, adjustments, tax
    for document in host.documents:
        ModuleInput.model_validate_json(document)
    ChargeDocument.model_validate(run.charges)
