"""bucket-overage: included units, overage, carried-in lots and their expiry, rollover with cap, pooled overage.

Each case runs the built module and its Python reference (same bytes). Amounts worked by hand in comments.
Period: February 2026 (2026-02-01T00:00:00Z .. 2026-03-01T00:00:00Z) unless a case says otherwise.
"""

import pytest
from producer_harness import lines, run

from billing_dagster.domain.contracts import ModuleOutput


def cfg(**extra) -> dict:
    return {"rule_id": "api_over", "description": "API", "bucket": "api_pool", "unit_price": "0.01", **extra}


def facts(included="10000", lots=(), metric="api", **usage) -> dict:
    return {"buckets": {"api_pool": {"metric": metric, "included": included, "carried_in": list(lots)}},
            "usage": {m: {"count": 1, "sum": q, "min": q, "max": q} for m, q in usage.items()}}


def lot(quantity, expires) -> dict:
    return {"quantity": quantity, "expires": expires}


def carried(out: dict) -> list[dict]:
    ModuleOutput.model_validate(out)
    return out["carry"]["buckets"]["api_pool"]["carried_in"]


MAR1, APR1, MAY1 = "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", "2026-05-01T00:00:00Z"
# B expires when February ends, A a month later, C never; D expires 12 hours into February: not usable
LOTS = [lot("500", APR1), lot("300", MAR1), lot("200", None), lot("1000", "2026-02-01T12:00:00Z")]


@pytest.mark.parametrize(("config", "fact_pack", "expected", "carry"), [
    # inside the allowance: no line; without rollover the unused units lapse
    (cfg(), facts(api="8000"), [], []),
    # 12500 - 10000 = 2500 over x 0.01 = 25.00
    (cfg(), facts(api="12500"),
     [("api_over", "usage", "API overage (12500 used, 10000 allowance)", "2500", "0.01", 2500)], []),
    # zero usage, no rollover: nothing, nothing carried
    (cfg(), facts(), [], []),
    # lots first, soonest expiry first: 10600 = B 300 + A 500 + C 200 + 9600 of included; D is not usable.
    # allowance 10000 + 300 + 500 + 200 = 11000; 400 included unused lapse
    (cfg(), facts(lots=LOTS, api="10600"), [], []),
    # ... with rollover for 2 months: the 400 become a lot expiring 2 months after February ends
    (cfg(rollover={"expires_after_months": 2}), facts(lots=LOTS, api="10600"), [], [lot("400", MAY1)]),
    # 11500 used of 11000: 500 over -> 5.00
    (cfg(rollover={"expires_after_months": 2}), facts(lots=LOTS, api="11500"),
     [("api_over", "usage", "API overage (11500 used, 11000 allowance)", "500", "0.01", 500)], []),
    # 600 used: B 300, then 300 of A (200 left); C and all 1000 included untouched. Carried: A 200 (Apr 1), the new
    # 1000 (Mar 1 + 1 month = Apr 1, after A on the tie), C 200 (never). B expires with February.
    (cfg(rollover={"expires_after_months": 1}), facts("1000", LOTS, api="600"), [],
     [lot("200", APR1), lot("1000", APR1), lot("200", None)]),
    # the same capped at 1100 units, kept soonest expiry first: A 200, then 900 of the new lot, C dropped
    (cfg(rollover={"expires_after_months": 1, "cap": "1100"}), facts("1000", LOTS, api="600"), [],
     [lot("200", APR1), lot("900", APR1)]),
    # rollover that never expires, cap 0: nothing is carried
    (cfg(rollover={"cap": "0"}), facts("1000", api="600"), [], []),
    # never-expiring rollover: 400 unused carried with expires null
    (cfg(rollover={}), facts("1000", api="600"), [], [lot("400", None)]),
    # carried-in lots still carry on without a rollover config (A's 200 and C); new units lapse
    (cfg(), facts("1000", LOTS, api="600"), [], [lot("200", APR1), lot("200", None)]),
    # fractional-second expiries: half a second past one day into February counts, a nanosecond short does not
    (cfg(), facts("0", [lot("10", "2026-02-02T00:00:00.5Z"), lot("20", "2026-02-01T23:59:59.999999999Z")], api="15"),
     [("api_over", "usage", "API overage (15 used, 10 allowance)", "5", "0.01", 5)], []),
])
def test_allowance_overage_and_carry(config, fact_pack, expected, carry):
    out = run("bucket-overage", config, fact_pack)
    assert lines(out) == expected
    assert carried(out) == carry


def test_pooled_overage_is_split_without_losing_a_cent():
    # cpu 700 + gpu 450.5 + tpu 0 = 1150.5 of a 1000 allowance: 150.5 over x 0.10 = 15.05.
    # Split by usage (weights 7000 : 4505 : 0 at one decimal place): 1505 x 7000/11505 = 915.69 (rest 7925),
    # 1505 x 4505/11505 = 589.31 (rest 3580); the last cent goes to cpu: 9.16 + 5.89 = 15.05.
    # The units split the same way: 91.6 + 58.9 = 150.5. tpu used nothing: no line.
    config = cfg(description="Compute", unit_price="0.10", metrics=["cpu", "gpu", "tpu"])
    out = run("bucket-overage", config, facts("1000", metric="compute", cpu="700", gpu="450.5", tpu="0"))
    assert lines(out) == [
        ("api_over", "usage", "Compute overage (cpu: 700 of 1150.5 pooled, 1000 allowance)", "91.6", "0.10", 916),
        ("api_over", "usage", "Compute overage (gpu: 450.5 of 1150.5 pooled, 1000 allowance)", "58.9", "0.10", 589)]
    assert [c["metric"] for c in out["charges"]] == ["cpu", "gpu"]


@pytest.mark.parametrize(("currency", "unit_price", "amount"), [
    ("KWD", "0.0015", 3518),  # 2345 x 0.0015 = 3.5175 KWD -> 3518 fils (half-even)
    ("JPY", "0.5", 1172),  # 2345 x 0.5 = 1172.5 yen -> 1172 (half-even)
])
def test_currency_exponents(currency, unit_price, amount):
    out = run("bucket-overage", cfg(unit_price=unit_price, category="api"), facts(api="12345"), currency=currency)
    assert [(c["quantity"], c["amount"], c["category"]) for c in out["charges"]] == [("2345", amount, "api")]


@pytest.mark.parametrize(("period", "expires"), [
    # a period ending on the 31st: one month later clamps to the end of February (2026 is not a leap year)
    (("2026-01-01T05:00:00Z", "2026-01-31T05:00:00Z"), "2026-02-28T05:00:00Z"),
    (("2024-01-01T00:00:00Z", "2024-01-31T00:00:00Z"), "2024-02-29T00:00:00Z"),
])
def test_rollover_expiry_is_calendar_months_after_the_period_end(period, expires):
    out = run("bucket-overage", cfg(rollover={"expires_after_months": 1}), facts("100", api="40"), period=period)
    assert carried(out) == [lot("60", expires)]


@pytest.mark.parametrize(("period", "counts"), [
    # a New York tenant: the lot was meant to last through March, whose end moved an hour with DST
    (("2026-03-01T05:00:00Z", "2026-04-01T04:00:00Z"), True),
    (("2026-04-01T04:00:00Z", "2026-05-01T04:00:00Z"), False),
])
def test_an_expiry_a_dst_hour_off_the_boundary_counts_for_the_intended_period(period, counts):
    out = run("bucket-overage", cfg(), facts("0", [lot("100", "2026-04-01T05:00:00Z")], api="100"), period=period)
    assert (out["charges"] == []) is counts


@pytest.mark.parametrize(("config", "fact_pack", "error"), [
    (cfg(), {"usage": {}}, "facts.buckets.api_pool: missing"),
    (cfg(), facts(lots=[lot("1", "2026-02-30T00:00:00Z")]),
     "facts.buckets.api_pool.carried_in[0].expires: must be an instant like 2026-03-01T00:00:00Z or null"),
    (cfg(), facts(lots=[lot("-1", None)]), "facts.buckets.api_pool.carried_in[0].quantity: must not be negative"),
    (cfg(), facts(included="-5"), "facts.buckets.api_pool.included: must not be negative"),
    (cfg(), facts(api="-1"), "facts.usage.api.sum: must not be negative"),
    (cfg(rollover={"expires_after_months": 0}), facts(),
     "config.rollover.expires_after_months: must be between 1 and 1200"),
    (cfg(rollover={"cap": "-1"}), facts(), "config.rollover.cap: must not be negative"),
    (cfg(rollover=5), facts(), "config.rollover: must be an object"),
    (cfg(metrics=[]), facts(), "config.metrics: must not be empty"),
    (cfg(metrics=["a", "a"]), facts(), "config.metrics[1]: is listed twice"),
    (cfg(metrics=["a", 3]), facts(), "config.metrics[1]: must be a string"),
    ({"rule_id": "r", "description": "d", "bucket": "api_pool"}, facts(), "config.unit_price: missing"),
])
def test_invalid_input_is_an_error(config, fact_pack, error):
    assert run("bucket-overage", config, fact_pack) == {"error": error}


def test_a_period_that_is_not_an_instant_is_an_error():
    out = run("bucket-overage", cfg(), facts(), period=("2026-02-01", "2026-03-01T00:00:00Z"))
    assert out == {"error": "context.period.start: must be an instant like 2026-03-01T00:00:00Z"}


def test_the_fact_plan_fetches_only_the_named_bucket_and_metrics():
    from producer_harness import CATALOG

    from billing_dagster.domain.programs import ProgramStep
    from billing_dagster.runtime.planner import pack_for_plan, plan_facts

    plan = plan_facts(CATALOG, [ProgramStep("bucket-overage", "producer", cfg(metrics=["cpu", "gpu"]))])
    assert plan.problems == ()
    assert (plan.pack("buckets").keys, plan.pack("usage").keys) == (("api_pool",), ("cpu", "gpu"))
    pack = {"buckets": {"api_pool": {"metric": "compute", "included": "5", "carried_in": []},
                        "other": {"metric": "x", "included": "1", "carried_in": []}},
            "usage": {m: {"count": 1, "sum": "1", "min": "1", "max": "1"} for m in ("cpu", "gpu", "disk")}}
    assert pack_for_plan(pack, plan) == {"buckets": {"api_pool": pack["buckets"]["api_pool"]},
                                         "usage": {"cpu": {"sum": "1"}, "gpu": {"sum": "1"}}}
