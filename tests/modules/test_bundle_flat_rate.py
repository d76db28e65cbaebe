"""bundle-flat-rate: a bundle's flat price replaces its members' prices; members stay at zero with a label."""

import pytest
from transformer_harness import error, line, run

LINES = [line("base_fee", "fee", 5000, description="Platform"),
         line("api", "usage", 3000, metric="api_calls", quantity="6000", unit_price="0.005", description="API calls",
              category="api"),
         line("storage", "usage", 2000, metric="storage_gb", quantity="20", unit_price="1.00", description="Storage",
              category="storage", taxable=False),
         line("vat", "tax", 800, taxable=False)]


def bundle(rule_id="suite", description="Growth suite", amount=6000, **more):
    return {"rule_id": rule_id, "description": description, "amount": amount, **more}


def shape(output):
    return [(c["rule_id"], c["kind"], c["description"], c["amount"]) for c in output["charges"]]


def test_members_by_rule_id_are_zeroed_and_the_bundle_line_goes_first():
    out = run("bundle-flat-rate", {"bundles": [bundle(rule_ids=["base_fee", "api"])]}, {}, LINES)
    assert shape(out) == [
        ("suite", "fee", "Growth suite", 6000),
        ("base_fee", "fee", "Platform (in Growth suite)", 0),
        ("api", "usage", "API calls (in Growth suite)", 0),
        ("storage", "usage", "Storage", 2000),
        ("vat", "tax", "vat", 800)]
    member = out["charges"][2]
    assert (member["quantity"], member["unit_price"], member["metric"], member["category"]) == (
        "6000", "0", "api_calls", "api")
    assert out["charges"][0]["unit_price"] == "60.00" and out["charges"][0]["taxable"] is True


def test_members_by_category_and_taxability_from_the_members():
    out = run("bundle-flat-rate", {"bundles": [bundle(categories=["storage"], amount=1500)]}, {}, LINES)
    assert shape(out)[2:4] == [("suite", "fee", "Growth suite", 1500),
                               ("storage", "usage", "Storage (in Growth suite)", 0)]
    assert out["charges"][2]["taxable"] is False  # its only member was not taxable


def test_bundle_line_category_and_taxable_from_config():
    out = run("bundle-flat-rate", {"bundles": [bundle(categories=["storage"], category="bundles", taxable=True)]},
              {}, LINES)
    assert (out["charges"][2]["category"], out["charges"][2]["taxable"]) == ("bundles", True)


def test_several_bundles_never_share_a_member():
    config = {"bundles": [bundle("a", "Bundle A", 100, rule_ids=["api"]),
                          bundle("b", "Bundle B", 200, rule_ids=["api", "storage"])]}
    assert [(r, a) for r, _, _, a in shape(run("bundle-flat-rate", config, {}, LINES))] == [
        ("base_fee", 5000), ("a", 100), ("api", 0), ("b", 200), ("storage", 0), ("vat", 800)]


def test_a_bundle_without_members_is_not_charged():
    out = run("bundle-flat-rate", {"bundles": [bundle(rule_ids=["seats"])]}, {}, LINES)
    assert out == {"charges": LINES, "warnings": ["bundle suite: no member lines on this invoice; not charged"]}


def test_tax_and_discount_lines_are_never_members():
    lines = LINES + [line("coupon", "discount", -500, category="api")]
    out = run("bundle-flat-rate", {"bundles": [bundle(categories=["api"])]}, {}, lines)
    assert shape(out)[-1] == ("coupon", "discount", "coupon", -500)


def test_jpy_bundle():
    lines = [line("a", "fee", 1200, exponent=0), line("b", "fee", 800, exponent=0)]
    out = run("bundle-flat-rate", {"bundles": [bundle(amount=1500, rule_ids=["a", "b"])]}, {}, lines, currency="JPY")
    assert [c["amount"] for c in out["charges"]] == [1500, 0, 0] and out["charges"][0]["unit_price"] == "1500"


@pytest.mark.parametrize(("config", "message"), [
    ({"bundles": []}, "config.bundles: must not be empty"),
    ({"bundles": [bundle()]}, "config.bundles[0]: needs rule_ids or categories"),
    ({"bundles": [bundle(amount=-1, rule_ids=["a"])]}, "config.bundles[0].amount: must not be negative"),
    ({"bundles": [bundle(rule_ids="a")]}, "config.bundles[0].rule_ids: must be an array of strings"),
    ({"bundles": [bundle(rule_ids=["a"], category="")]}, "config.bundles[0].category: must not be empty"),
    ({"bundles": [bundle(rule_ids=["a"], taxable="no")]}, "config.bundles[0].taxable: must be a boolean"),
])
def test_invalid_config_is_an_error(config, message):
    assert error("bundle-flat-rate", config, {}, LINES) == message
