"""cap-total: monthly caps on the whole invoice or per category, as negative adjustment lines."""

import pytest
from transformer_harness import added, error, line, run

LINES = [line("base_fee", "fee", 5000), line("api", "usage", 30000, category="api"),
         line("support", "fee", 12000, category="support", taxable=False)]


def cap(amount, rule_id="cap", description="Monthly cap", categories=None):
    return {"rule_id": rule_id, "description": description, "amount": amount,
            **({} if categories is None else {"categories": categories})}


def test_total_cap_brings_the_invoice_down_by_group():
    out = run("cap-total", {"caps": [cap(20000)]}, {}, LINES)
    # net 47000, excess 27000 over groups (None, taxable) 5000, (api, taxable) 30000, (support, untaxed) 12000:
    # 27000 x 5/47 = 2872.34, x 30/47 = 17234.04, x 12/47 = 6893.62 -> 2872 + 17234 + 6894 (largest remainder)
    assert [(c["category"], c["taxable"], c["amount"]) for c in out["charges"][3:]] == [
        (None, True, -2872), ("api", True, -17234), ("support", False, -6894)]
    assert sum(c["amount"] for c in out["charges"]) == 20000


def test_category_cap_touches_only_its_category():
    assert added("cap-total", {"caps": [cap(10000, "api_cap", "API cap", ["api"])]}, {}, LINES) == [
        ("api_cap", "adjustment", -20000)]


@pytest.mark.parametrize("amount", [47000, 50000])
def test_at_or_under_the_cap_adds_nothing(amount):
    assert added("cap-total", {"caps": [cap(amount)]}, {}, LINES) == []


def test_caps_apply_in_order_and_see_discounts_and_earlier_caps():
    lines = LINES + [line("coupon", "discount", -2000, category="api")]
    caps = [cap(25000, "api_cap", "API cap", ["api"]), cap(30000)]
    # api net 28000 -> 3000 off; then total 45000 - 3000 = 42000 -> 12000 off: groups 5000 / 25000 / 12000 of 42000
    # -> 1428.57, 7142.86, 3428.57 -> 1429 + 7143 + 3428 (remainders .57, .86, .57: ties to the earlier)
    assert added("cap-total", {"caps": caps}, {}, lines) == [
        ("api_cap", "adjustment", -3000), ("cap", "adjustment", -1429), ("cap", "adjustment", -7143),
        ("cap", "adjustment", -3428)]


def test_tax_lines_are_not_capped():
    lines = [line("fee", "fee", 10000), line("vat", "tax", 2000, taxable=False)]
    assert added("cap-total", {"caps": [cap(8000)]}, {}, lines) == [("cap", "adjustment", -2000)]


def test_zero_cap_in_jpy():
    lines = [line("fee", "fee", 1234, exponent=0)]
    out = run("cap-total", {"caps": [cap(0)]}, {}, lines, currency="JPY")
    assert (out["charges"][1]["amount"], out["charges"][1]["unit_price"]) == (-1234, "-1234")


@pytest.mark.parametrize(("config", "message"), [
    ({}, "config.caps: missing"),
    ({"caps": []}, "config.caps: must not be empty"),
    ({"caps": [cap(-1)]}, "config.caps[0].amount: must not be negative"),
    ({"caps": [{"rule_id": "c", "amount": 1}]}, "config.caps[0].description: missing"),
    ({"caps": [cap(1, categories="api")]}, "config.caps[0].categories: must be an array of strings"),
    ({"caps": [cap(1, categories=[1])]}, "config.caps[0].categories[0]: must be a string"),
])
def test_invalid_config_is_an_error(config, message):
    assert error("cap-total", config, {}, LINES).startswith(message)
