"""tax: lines of some categories taxed in another region (facts.tax.regions). Every amount is worked by hand
beside it; the reference gives the same bytes (transformer_harness.run checks)."""

import pytest
from transformer_harness import error, line, run

ONSITE = {"region": "US-OS", "categories": ["onsite"], "name": "On-site", "rate": "0.05"}
QUEBEC = {"region": "QC", "categories": ["quebec"], "name": "Quebec", "rate": "0.14975",
          "components": [{"name": "GST", "rate": "0.05", "jurisdiction": "CA"},
                         {"name": "QST", "rate": "0.09975", "jurisdiction": "QC", "compound": True}]}


def tax(*regions, exempt=False, **more):
    return {"tax": {"region": "R", "name": "Sales tax", "rate": "0.1", "exempt": exempt, "regions": list(regions),
                    **more}}


def tax_lines(output):
    return [(c["description"], c["quantity"], c["unit_price"], c["amount"]) for c in output["charges"]
            if c["kind"] == "tax"]


def test_lines_of_a_region_category_are_taxed_there_and_nowhere_else():
    charges = [line("fee", "fee", 10000), line("visit", "fee", 5000, category="onsite"),
               line("course", "fee", 2000, category="training")]
    out = run("tax", {"rule_id": "t"}, tax(ONSITE, exempt_categories=["training"]), charges)
    # own region: 10000 x 10 % = 1000 (the course is exempt); on-site: 5000 x 5 % = 250
    assert tax_lines(out) == [("Sales tax 10%", "100.00", "0.1", 1000), ("On-site 5% (US-OS)", "50.00", "0.05", 250)]


def test_reductions_stay_with_the_region_of_their_category():
    charges = [line("fee", "fee", 10000), line("visit", "fee", 5000, category="onsite"),
               line("credit", "adjustment", -2000), line("visit_off", "discount", -1000, category="onsite")]
    out = run("tax", {"rule_id": "t"}, tax(ONSITE), charges)
    # own: (10000 - 2000 uncategorised credit) x 10 % = 800; on-site: (5000 - 1000) x 5 % = 200
    assert [amount for *_, amount in tax_lines(out)] == [800, 200]


def test_a_region_with_compound_components_and_inclusive_prices():
    charges = [line("fee", "fee", 10000), line("consult", "fee", 11547, category="quebec")]
    out = run("tax", {"rule_id": "t"}, tax(QUEBEC), charges, policy={"tax_inclusive": True})
    # own: 10000 x 0.1 / 1.1 = 909.09 -> 909. Quebec, factor 1 + 0.05 + 0.09975 x 1.05 = 1.1547375:
    # GST 11547 x 0.05 / 1.1547375 = 499.98 -> 500; QST 11547 x 0.1047375 / 1.1547375 = 1047.34 -> 1047.
    # One adjustment takes 909 + 500 + 1047 = 2456 out of the subtotal: the total stays 10000 + 11547.
    assert [(c["kind"], c["amount"]) for c in out["charges"][2:]] == [
        ("adjustment", -2456), ("tax", 909), ("tax", 500), ("tax", 1047)]
    assert tax_lines(out)[2][0] == "QST 9.975% (QC, compound, included)"
    assert sum(c["amount"] for c in out["charges"]) == 21547


def test_an_exempt_customer_pays_no_tax_in_any_region():
    out = run("tax", {"rule_id": "t"}, tax(ONSITE, exempt=True), [line("visit", "fee", 5000, category="onsite")])
    assert tax_lines(out) == []


def test_without_lines_of_its_categories_a_region_adds_nothing():
    out = run("tax", {"rule_id": "t"}, tax(ONSITE), [line("fee", "fee", 10000)])
    assert tax_lines(out) == [("Sales tax 10%", "100.00", "0.1", 1000)]


@pytest.mark.parametrize(("regions", "message"), [
    ([ONSITE, dict(ONSITE, region="US-OS2")], "facts.tax.regions[1].categories: onsite is already taxed by an "
                                              "earlier region"),
    ([dict(ONSITE, categories=[])], "facts.tax.regions[0].categories: must name at least one category"),
    ([dict(ONSITE, rate="-0.05")], "facts.tax.regions[0].rate: must not be negative"),
    ([{k: v for k, v in ONSITE.items() if k != "region"}], "facts.tax.regions[0].region: missing"),
    ([dict(QUEBEC, components=[{"name": "GST", "rate": "0.05"}])],
     "facts.tax.regions[0].components[0].jurisdiction: missing"),
])
def test_invalid_regions_are_errors_naming_the_field(regions, message):
    assert error("tax", {"rule_id": "t"}, tax(*regions), [line("fee", "fee", 100)]).startswith(message)
