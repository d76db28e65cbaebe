"""`billing-dagster modules dry-run`: one module on one fixture, output, fuel and warnings."""

import json
from pathlib import Path

from billing_dagster.cli import main

ROOT = Path(__file__).resolve().parents[2]
FLAT_CREDIT = ROOT / "wasm" / "dist" / "flat-credit.wasm"
FIXTURES = ROOT / "wasm" / "wat" / "flat-credit" / "fixtures"


def test_dry_run_prints_output_fuel_and_warnings(capsys):
    assert main(["modules", "dry-run", str(FLAT_CREDIT), "--fixture", str(FIXTURES / "nothing-to-credit.json")]) == 0
    out = capsys.readouterr().out
    assert "module    flat-credit 1.0.0 (transformer, scope tenant)" in out
    assert "warnings  flat-credit: no positive total to credit" in out and "fuel      " in out
    assert out.rstrip().endswith("ok")


def test_json_output_and_hidden_facts(tmp_path, capsys):
    fixture = {"facts": {"usage": {"api_calls": {"sum": "1"}}}, "charges": [],
               "config": {"rule_id": "c", "description": "d", "amount": 1}}
    (tmp_path / "f.json").write_text(json.dumps(fixture))
    assert main(["modules", "dry-run", str(FLAT_CREDIT), "--fixture", str(tmp_path / "f.json"), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["hidden_facts"] == ["usage"]  # flat-credit declares no reads
    assert result["fuel"] > 0 and result["error"] is None and result["module"]["id"] == "flat-credit"


def test_an_unmet_expectation_or_a_failure_is_exit_1(tmp_path, capsys):
    fixture = json.loads((FIXTURES / "partial-credit.json").read_text())
    fixture["expect"]["charges"][-1]["amount"] = -499
    (tmp_path / "f.json").write_text(json.dumps(fixture))
    assert main(["modules", "dry-run", str(FLAT_CREDIT), "--fixture", str(tmp_path / "f.json")]) == 1
    assert "charges differ from expect.charges" in capsys.readouterr().out
    (tmp_path / "g.json").write_text(json.dumps({"config": {}}))
    assert main(["modules", "dry-run", str(FLAT_CREDIT), "--fixture", str(tmp_path / "g.json"),
                 "--tier", "system"]) == 1
    assert "error     module_error" in capsys.readouterr().out


def test_a_module_without_manifest_gets_facts_unfiltered(tmp_path, capsys):
    (tmp_path / "m.wasm").write_bytes(FLAT_CREDIT.read_bytes())
    (tmp_path / "f.json").write_text(json.dumps({"config": {"rule_id": "c", "description": "d", "amount": 1},
                                                 "charges": [], "facts": {"x": {}}}))
    assert main(["modules", "dry-run", str(tmp_path / "m.wasm"), "--fixture", str(tmp_path / "f.json")]) == 0
    assert "no manifest: facts passed unfiltered" in capsys.readouterr().out
    assert main(["modules", "dry-run", str(tmp_path / "missing.wasm"), "--fixture", str(tmp_path / "f.json")]) == 1


def test_a_config_its_schema_rejects_or_an_unknown_fixture_key_is_a_mismatch(tmp_path, capsys):
    fixture = {"config": {"rule_id": "c", "description": "d", "amount": 1, "amout": 2}, "charges": [],
               "expcet": {"charges": []}}
    (tmp_path / "f.json").write_text(json.dumps(fixture))
    assert main(["modules", "dry-run", str(FLAT_CREDIT), "--fixture", str(tmp_path / "f.json"), "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["config_problems"] == ['config: unknown key "amout" (did you mean "amount"?)']
    assert result["mismatches"] == [
        'fixture: unknown key "expcet" (did you mean "expect"?)',
        'config: unknown key "amout" (did you mean "amount"?) (a program with this config is refused before it runs)']
    fixture = {"config": {"rule_id": "c", "description": "d", "amount": -1}, "expect": {"error": "module_error"}}
    (tmp_path / "g.json").write_text(json.dumps(fixture))
    assert main(["modules", "dry-run", str(FLAT_CREDIT), "--fixture", str(tmp_path / "g.json")]) == 0
    assert "config    config.amount: -1 is less than the minimum of 0" in capsys.readouterr().out
