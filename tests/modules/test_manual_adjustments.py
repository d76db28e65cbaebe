"""manual-adjustments: operator-entered credits and charges with reasons, in adjustment id order."""

import pytest
from transformer_harness import added, error, line, run

FEE = [line("base_fee", "fee", 9900)]


def adjustment(kind, amount, description="Goodwill", reason="Outage on 3 Feb", **more):
    return {"kind": kind, "amount": amount, "description": description, "reason": reason, **more}


def test_credits_and_charges_in_id_order_with_their_reasons():
    facts = {"adjustments": {"b-2": adjustment("charge", 1500, "Onsite training", "Booked by sales"),
                             "a-1": adjustment("credit", 2000)}}
    out = run("manual-adjustments", {"rule_id": "manual"}, facts, FEE)
    assert out["charges"][0] == FEE[0]
    assert out["charges"][1:] == [
        line("manual", "adjustment", -2000, taxable=False, description="Goodwill (Outage on 3 Feb)",
             unit_price="-20.00"),
        line("manual", "adjustment", 1500, taxable=False, description="Onsite training (Booked by sales)")]


def test_ids_sort_by_code_point_like_canonical_json():
    facts = {"adjustments": {key: adjustment("charge", amount) for key, amount in
                             (("é", 3), ("z", 2), ("B", 1), ("😀", 5), ("\uffef", 4))}}
    assert [a for _, _, a in added("manual-adjustments", {"rule_id": "m"}, facts)] == [1, 2, 3, 4, 5]


def test_a_manual_invoice_is_only_adjustments():
    facts = {"adjustments": {"1": adjustment("charge", 25000, "Consulting", "")}}
    out = run("manual-adjustments", {"rule_id": "manual"}, facts, [])
    assert [(c["description"], c["amount"]) for c in out["charges"]] == [("Consulting", 25000)]


def test_a_long_description_and_reason_are_clipped_to_300_code_points():
    description, reason = "Credit for the incident " + "😀" * 200, "x" * 120
    (out,) = run("manual-adjustments", {"rule_id": "m"}, {"adjustments": {"x": adjustment("credit", 1, description,
                                                                                          reason)}})["charges"]
    assert len(out["description"]) == 300 and out["description"] == (description + " (" + reason)[:299] + "…"


def test_taxable_and_category_are_carried():
    facts = {"adjustments": {"x": adjustment("charge", 100, taxable=True, category="services")}}
    (out,) = run("manual-adjustments", {"rule_id": "m"}, facts)["charges"]
    assert (out["taxable"], out["category"]) == (True, "services")


def test_a_credit_larger_than_the_invoice_is_not_clipped():
    facts = {"adjustments": {"x": adjustment("credit", 20000)}}
    assert added("manual-adjustments", {"rule_id": "m"}, facts, FEE) == [("m", "adjustment", -20000)]


@pytest.mark.parametrize("facts", [{}, {"adjustments": {}}])
def test_no_adjustments_pass_the_lines_through(facts):
    assert run("manual-adjustments", {"rule_id": "m"}, facts, FEE) == {"charges": FEE, "warnings": []}


@pytest.mark.parametrize(("config", "entry", "message"), [
    ({}, adjustment("credit", 1), "config.rule_id: missing"),
    ({"rule_id": "m"}, adjustment("refund", 1), "facts.adjustments.x.kind: must be one of credit, charge"),
    ({"rule_id": "m"}, adjustment("credit", 0), "facts.adjustments.x.amount: must be positive"),
    ({"rule_id": "m"}, adjustment("credit", -5), "facts.adjustments.x.amount: must be positive"),
    ({"rule_id": "m"}, adjustment("credit", "5"), "facts.adjustments.x.amount: must be an integer"),
    ({"rule_id": "m"}, {"kind": "credit", "amount": 5, "description": "d"}, "facts.adjustments.x.reason: missing"),
    ({"rule_id": "m"}, adjustment("charge", 5, taxable="yes"), "facts.adjustments.x.taxable: must be a boolean"),
    ({"rule_id": "m"}, adjustment("charge", 5, category=""), "facts.adjustments.x.category: must not be empty"),
])
def test_invalid_adjustments_are_errors(config, entry, message):
    assert error("manual-adjustments", config, {"adjustments": {"x": entry}}, FEE).startswith(message)
