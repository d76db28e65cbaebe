"""`billing-dagster rate` refuses what would change money silently: unknown keys anywhere in the document and
step configs their module's config_schema rejects, all reported at once; its notes name only what the program
reads and the document lacks."""

import json
from pathlib import Path

import pytest

from billing_dagster.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = json.loads((ROOT / "examples" / "rate-standard.json").read_text())
USAGE_TIERS = {"rule_id": "api_calls", "description": "API calls", "metric": "api_calls", "mode": "graduated",
               "tiers": [{"up_to": "10000", "unit_price": "0"}, {"up_to": None, "unit_price": "0.005"}]}


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("BILLING_HOME", str(tmp_path / "home"))


def example() -> dict:
    return json.loads(json.dumps(EXAMPLE))


def rate(tmp_path, capsys, document) -> tuple[int, str, list[str]]:
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(document))
    code = main(["rate", "--input", str(path), "--json"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err.splitlines()


def with_coupon(document: dict, coupon: dict) -> dict:
    document["program"].append({"module": "category-coupons", "config": {"coupons": [coupon]}})
    return document


@pytest.mark.parametrize("change, error", [
    (lambda d: d["program"][1]["config"]["tiers"][1].update(flat=200),
     'step 1 (usage-tiers): config.tiers[1]: unknown key "flat" (did you mean "flat_fee"?)'),
    (lambda d: with_coupon(d, {"rule_id": "c", "description": "10 % off", "percent": "10", "categorie": ["usage"]}),
     'step 5 (category-coupons): config.coupons[0]: unknown key "categorie" (did you mean "categories"?)'),
    (lambda d: d["program"][0]["config"].update(quantity=2), 'step 0 (fixed-fee): config: unknown key "quantity"'),
    (lambda d: d["context"].update(net_terms=15), 'context: unknown key "net_terms" (did you mean "net_terms_days"?)'),
    (lambda d: d.update(contxt={}), 'document: unknown key "contxt" (did you mean "context"?)'),
    (lambda d: d["context"].update(policy={"levle": "invoice"}),
     'context.policy: unknown key "levle" (did you mean "level"?)'),
    (lambda d: d["facts"].update(usages={}), 'facts: unknown key "usages" (did you mean "usage"?)'),
    (lambda d: d["facts"]["subscription"].update(active_day=3),
     'facts.subscription: unknown key "active_day" (did you mean "active_days"?)'),
    (lambda d: d["facts"]["usage"]["api_calls"].update(total="1"), 'facts.usage.api_calls: unknown key "total"'),
    (lambda d: d["program"][3].update(versoin="1.0.0"),
     'program[3]: unknown key "versoin" (did you mean "version"?)'),
])
def test_a_typo_is_refused_before_anything_is_rated(tmp_path, capsys, change, error):
    document = example()
    change(document)
    code, out, err = rate(tmp_path, capsys, document)
    assert (code, out) == (1, "")
    assert f"rate: {error}" == err[0]


def test_every_problem_is_reported_at_once(tmp_path, capsys):
    document = example()
    document["context"]["net_terms"] = 15
    document["program"][0]["config"]["quantity"] = 2
    document["program"][1]["config"]["tiers"][1]["flat"] = 200
    code, _, err = rate(tmp_path, capsys, document)
    assert code == 1
    assert err == ['rate: context: unknown key "net_terms" (did you mean "net_terms_days"?)',
                   'rate: step 0 (fixed-fee): config: unknown key "quantity"',
                   'rate: step 1 (usage-tiers): config.tiers[1]: unknown key "flat" (did you mean "flat_fee"?)']


def test_the_flat_fee_spelt_right_is_charged(tmp_path, capsys):
    document = example()
    document["program"][1]["config"]["tiers"][1]["flat_fee"] = 200
    code, out, err = rate(tmp_path, capsys, document)
    assert (code, err) == (0, [])
    assert ("api_calls", 200) in [(c["rule_id"], c["amount"]) for c in json.loads(out)["charges"]]


def usage_only(config: dict, usage: dict | None = None) -> dict:
    usage = {"api_calls": {"count": 3, "sum": "12345", "min": "345", "max": "12000"}} if usage is None else usage
    return {"context": {"tenant": "acme", "currency": "USD", "period": "2026-02"}, "facts": {"usage": usage},
            "program": [{"module": "usage-tiers", "config": config}]}


def test_a_usage_only_document_rates_without_a_note(tmp_path, capsys):
    code, out, err = rate(tmp_path, capsys, usage_only(USAGE_TIERS))
    assert (code, err) == (0, [])
    assert json.loads(out)["invoice"]["total"] == 1172


def test_notes_name_what_the_program_reads_and_the_document_lacks(tmp_path, capsys):
    code, _, err = rate(tmp_path, capsys, usage_only({**USAGE_TIERS, "metric": "llm_tokens"}))
    assert (code, err) == (0, ['rate: note: facts.usage has no "llm_tokens": read by step 0 (usage-tiers)'])
    code, _, err = rate(tmp_path, capsys, usage_only({**USAGE_TIERS, "plan": "pro"}))
    assert (code, err) == (0, ["rate: note: facts.subscription is absent: read by step 0 (usage-tiers)"])
    document = usage_only(USAGE_TIERS)
    document["program"].insert(0, example()["program"][0])
    code, _, err = rate(tmp_path, capsys, document)
    assert (code, err) == (0, ["rate: note: facts.subscription is absent: read by step 0 (fixed-fee)"])


def test_a_fan_out_list_stands_in_for_the_subscription(tmp_path, capsys):
    document = example()
    subscription = document["facts"].pop("subscription")
    document["facts"]["subscriptions"] = [{**subscription, "id": "sub_1"}]
    code, _, err = rate(tmp_path, capsys, document)
    assert (code, err) == (0, [])
