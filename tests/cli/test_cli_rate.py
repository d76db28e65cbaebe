"""`billing-dagster rate`: one tenant-period from a self-contained document, as module authors and auditors
run it; examples/rate-standard.json is the shipped example."""

import json
import shutil
from pathlib import Path

import pytest

from billing_dagster.cli import main
from billing_dagster.domain.periods import month_period

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "rate-standard.json"


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("BILLING_HOME", str(tmp_path / "home"))  # the host's compiled-module cache goes here


def rate_json(capsys, path) -> tuple[int, dict | None]:
    code = main(["rate", "--input", str(path), "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out) if out else None


def test_the_shipped_example_rates_to_known_totals(capsys):
    code, result = rate_json(capsys, EXAMPLE)
    assert code == 0 and result["error"] is None
    assert [(c["rule_id"], c["amount"]) for c in result["charges"]] == [
        ("base_fee", 5000),      # 100.00 prorated 14/28 days
        ("api_calls", 0), ("api_calls", 1172),  # 2345 * 0.005 = 11.725 -> 11.72 (half even)
        ("llm_tokens", 150),     # volume: 150000 * 0.00001
        ("sales_tax", 458),      # 63.22 * 0.0725 = 4.58345
        ("welcome_credit", -2500)]
    assert result["invoice"] == {"currency": "USD", "subtotal": 6322, "discount": 2500, "tax": 458, "total": 4280,
                                 "issue_date": "2026-03-01", "due_date": "2026-03-31"}
    assert [e["module_id"] for e in result["executions"]] == [
        "fixed-fee", "usage-tiers", "usage-tiers", "tax", "flat-credit"]
    assert all(e["fuel"] > 0 and len(e["input_sha256"]) == 64 for e in result["executions"])


def test_rating_is_reproducible_for_auditors(capsys):
    _, first = rate_json(capsys, EXAMPLE)
    _, again = rate_json(capsys, EXAMPLE)
    strip = lambda r: [{k: v for k, v in e.items() if k != "duration_us"} for e in r["executions"]]  # noqa: E731
    assert first["charges"] == again["charges"] and strip(first) == strip(again)


def test_text_output(capsys):
    assert main(["rate", "--input", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "Charge IR" in out and "  total              42.80" in out and "4 flat-credit 1.0.0" in out


def test_context_matches_the_pipeline():
    from billing_dagster.domain.context import module_context as pipeline_context
    from billing_dagster.commands.rate import module_context

    context, period, terms = module_context({"tenant": "acme", "currency": "JPY", "period": "2026-02"})
    assert context == pipeline_context("acme", "JPY", month_period(period.start.date()))
    assert terms == 30
    context, _, _ = module_context({"tenant": "a", "currency": "USD", "period": "2026-02", "rounding": "up",
                                    "policy": {"level": "invoice"}})
    assert context["policy"]["rounding"] == "up" and context["policy"]["level"] == "invoice"


def test_an_authors_module_by_path_and_its_config_schema(tmp_path, capsys):
    shutil.copy(ROOT / "wasm" / "dist" / "flat-credit.wasm", tmp_path / "my-credit.wasm")
    manifest = json.loads((ROOT / "wasm" / "dist" / "flat-credit.manifest.json").read_text())
    (tmp_path / "my-credit.manifest.json").write_text(json.dumps({**manifest, "id": "my-credit"}))
    document = json.loads(EXAMPLE.read_text())
    document["program"][-1] = {"wasm": "my-credit.wasm",
                               "config": {"rule_id": "c", "description": "Mine", "amount": 100}}
    (tmp_path / "doc.json").write_text(json.dumps(document))
    code, result = rate_json(capsys, tmp_path / "doc.json")
    assert code == 0 and result["charges"][-1]["module_id"] == "my-credit"

    document["program"][-1]["config"]["amount"] = -1
    (tmp_path / "doc.json").write_text(json.dumps(document))
    # the author's manifest config_schema refuses it before the module runs
    assert main(["rate", "--input", str(tmp_path / "doc.json"), "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "rate: step 4 (my-credit): config.amount: -1 is less than the minimum of 0\n"


def test_exit_codes_for_invalid_documents_conflicts_and_missing_facts(tmp_path, capsys):
    document = json.loads(EXAMPLE.read_text())
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**document, "context": {**document["context"], "currency": "XXX"}}))
    assert main(["rate", "--input", str(bad)]) == 1
    assert "currency 'XXX' is not supported" in capsys.readouterr().err
    conflict = tmp_path / "conflict.json"
    program = [dict(step) for step in document["program"]]
    program[2]["version"] = "2.0.0"
    conflict.write_text(json.dumps({**document, "program": program}))
    assert main(["rate", "--input", str(conflict)]) == 3
    assert "version_conflict" in capsys.readouterr().err
    manifest = {"id": "crm", "version": "0.1.0", "kind": "producer", "abi": 1, "reads": {"crm": ["segment"]}}
    (tmp_path / "crm.manifest.json").write_text(json.dumps(manifest))
    (tmp_path / "crm.wasm").write_bytes(b"\0asm\1\0\0\0")
    missing = tmp_path / "missing.json"
    missing.write_text(json.dumps({**document, "program": [{"wasm": "crm.wasm"}]}))
    assert main(["rate", "--input", str(missing)]) == 2
    assert "missing_pack: pack 'crm'" in capsys.readouterr().err


def test_fuel_limit_applies(capsys):
    assert main(["rate", "--input", str(EXAMPLE), "--fuel", "1000", "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["error"].startswith("out_of_fuel") and len(result["executions"]) == 1
