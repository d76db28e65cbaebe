"""Differential tests: each producer module against its pure-Python reference on generated inputs: the same
output bytes, the same {"error": ...}, or both a trap.

Each test draws a valid input (so most examples reach the pricing paths: lines, allocation, rollover) and then,
about half the time, breaks one thing in it (a bad config value, a missing fact, an overflow).
"""

import json
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from producer_harness import CATALOG, HOST

from billing_dagster.domain import reference
from billing_dagster.domain.canonical import canonical_json
from billing_dagster.runtime.host import ModuleError

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ROUNDING = st.sampled_from(["half_even", "half_up", "up", "down"])
EXPONENT = st.sampled_from([0, 2, 3])
FEB = ("2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z")


def decimal(max_whole=10**6, places=4):
    """Non-negative decimal text with up to `places` fractional digits."""
    return st.builds(lambda whole, frac: f"{whole}.{frac}" if frac else str(whole), st.integers(0, max_whole),
                     st.one_of(st.just(""), st.from_regex(rf"[0-9]{{1,{places}}}", fullmatch=True)))


def breakage(count: int):
    """None (about half the time) or the index of one of `count` ways to break the input."""
    return st.one_of(st.none(), st.sampled_from(range(count)))


def both(module_id: str, document: dict):
    data = canonical_json(document).encode()
    module = CATALOG.get(module_id)
    HOST.load(module.sha256, module.wasm)
    try:
        wasm = HOST.call(module.sha256, data).output_bytes
    except ModuleError as error:
        if error.reason != "module_error":
            wasm = ("trap", error.reason)
        else:
            wasm = json.dumps({"error": error.detail}, separators=(",", ":"), ensure_ascii=False).encode()
    try:
        python = reference.run_bytes(module_id, data)
    except reference.Trap:
        python = ("trap", "trap")
    return wasm, python


def document(exponent, rounding, config, facts, period=FEB) -> dict:
    return {"abi": 1, "charges": [], "config": config, "facts": facts,
            "context": {"currency": {"code": "XTS", "exponent": exponent}, "policy": {"rounding": rounding},
                        "period": {"start": period[0], "end": period[1]}, "tenant": "t0001"}}


# --- fixed-fee -------------------------------------------------------------------------------------------------

SERVICE = st.fixed_dictionaries({"description": st.sampled_from(["CRM", "Support", ""]),
                                 "weight": st.integers(0, 10**6)},
                                optional={"category": st.sampled_from(["crm", "support"])})


def _break_fixed_fee(which, config, subscription):
    breaks = [lambda: config.update(amount=-3), lambda: config.update(proration="week"),
              lambda: subscription.update(active_days=subscription["period_days"] + 1),
              lambda: subscription.update(period_days=0, period_seconds=0), lambda: config.update(services=[]),
              lambda: config.update(services=[{"description": "x", "weight": -1}]), lambda: config.update(category=""),
              lambda: config.update(plan="pro") or subscription.pop("plan"),
              lambda: config.update(amount=2**53 - 1, proration="second", services=[]) or subscription.update(
                  active_seconds=subscription["period_seconds"] - 1),
              lambda: subscription.clear()]
    if which is not None:
        breaks[which % len(breaks)]()


@SETTINGS
@given(exponent=EXPONENT, rounding=ROUNDING, amount=st.integers(0, 10**12),
       proration=st.sampled_from(["day", "second", "none"]), period=st.integers(1, 31), share=st.fractions(0, 1),
       plan=st.one_of(st.none(), st.sampled_from(["pro", "basic"])),
       services=st.one_of(st.none(), st.lists(SERVICE, min_size=1, max_size=4)),
       category=st.one_of(st.none(), st.just("platform")), broken=breakage(10))
def test_fixed_fee(exponent, rounding, amount, proration, period, share, plan, services, category, broken):
    config = {"rule_id": "base", "description": "Base fee", "amount": amount, "proration": proration}
    for key, value in (("plan", plan), ("services", services), ("category", category)):
        if value is not None:
            config[key] = value
    active = int(period * share)
    subscription = {"plan": "pro", "active_days": active, "period_days": period, "active_seconds": active * 86_400 + 7,
                    "period_seconds": period * 86_400 + 7}
    _break_fixed_fee(broken, config, subscription)
    facts = {"subscription": subscription} if subscription else {}
    wasm, python = both("fixed-fee", document(exponent, rounding, config, facts))
    assert wasm == python


# --- hourly ----------------------------------------------------------------------------------------------------

TYPES = ["engineer", "designer", "pm"]
ENTRY = st.fixed_dictionaries({
    "user": st.sampled_from(["ann", "bob"]), "user_type": st.sampled_from(TYPES), "seconds": st.integers(0, 50_000),
    "billable": st.booleans(), "description": st.sampled_from(["Fix", "", "Design review"]),
    "start": st.just("2026-02-02T09:00:00Z")})


def _break_hourly(which, config, entries):
    first = next(iter(entries.values()), {})
    breaks = [lambda: config.update(rates={}), lambda: config["rates"].update(pm="-1"),
              lambda: config["rates"].update(pm="1e3"), lambda: config.update(increment_minutes=0),
              lambda: config.update(minimum_minutes=-1), lambda: config.update(increment_rounding="ceil"),
              lambda: config.update(lines="x"), lambda: first.update(user_type="intern", billable=True),
              lambda: first.update(seconds=-1, billable=True), lambda: first.pop("billable", None),
              lambda: config["rates"].update(pm="999999999999") or first.update(
                  user_type="pm", billable=True, seconds=2**53 - 1)]
    if which is not None:
        breaks[which % len(breaks)]()


@SETTINGS
@given(exponent=EXPONENT, rounding=ROUNDING, rates=st.fixed_dictionaries({t: decimal(1000, 3) for t in TYPES}),
       entries=st.dictionaries(st.from_regex(r"e[0-9]{1,2}", fullmatch=True), ENTRY, max_size=6),
       increment=st.one_of(st.none(), st.integers(1, 60)), minimum=st.one_of(st.none(), st.integers(0, 120)),
       increment_rounding=st.one_of(st.none(), st.sampled_from(["up", "nearest", "down"])),
       lines=st.one_of(st.none(), st.sampled_from(["user_type", "entry"])),
       category=st.one_of(st.none(), st.just("pro")), broken=breakage(11))
def test_hourly(exponent, rounding, rates, entries, increment, minimum, increment_rounding, lines, category, broken):
    config = {"rule_id": "services", "description": "Services", "rates": rates}
    for key, value in (("increment_minutes", increment), ("minimum_minutes", minimum),
                       ("increment_rounding", increment_rounding), ("lines", lines), ("category", category)):
        if value is not None:
            config[key] = value
    _break_hourly(broken, config, entries)
    wasm, python = both("hourly", document(exponent, rounding, config, {"time_entries": entries}))
    assert wasm == python


# --- usage-tiers -----------------------------------------------------------------------------------------------

MODES = ["graduated", "volume", "per_unit", "package", "percentage", "graduated_percentage"]


@st.composite
def tier_list(draw, price_key):
    tiers, up_to = [], 0
    for _ in range(draw(st.integers(0, 3))):
        up_to += draw(st.integers(1, 2000))
        tier = {"up_to": str(up_to), price_key: draw(decimal(2, 3) if price_key == "rate" else decimal(5, 4))}
        if draw(st.booleans()):
            tier["flat_fee"] = draw(st.integers(0, 10**5))
        tiers.append(tier)
    tiers.append({"up_to": None, price_key: draw(decimal(1, 3))})
    return tiers


@st.composite
def usage_config(draw):
    mode = draw(st.sampled_from(MODES))
    config = {"rule_id": "api", "description": "API", "metric": "api", "mode": mode}
    if mode in ("graduated", "volume", "graduated_percentage"):
        config["tiers"] = draw(tier_list("rate" if mode == "graduated_percentage" else "unit_price"))
    if mode in ("per_unit", "package"):
        config["unit_price"] = draw(decimal(50, 4))
    if mode == "package":
        config["package_size"] = draw(st.sampled_from(["1", "10", "1000", "0.5", "2.25"]))
    if mode == "percentage":
        config["rate"] = draw(st.sampled_from(["0.01", "0.029", "0.05", "0.125"]))
        low, high = sorted([draw(decimal(3, 2)), draw(decimal(12, 2))], key=Decimal)
        if draw(st.booleans()):
            config["min_per_transaction"] = low
        if draw(st.booleans()):
            config["max_per_transaction"] = high
    if draw(st.booleans()):
        config["minimum"] = draw(st.integers(0, 10**5))
    if draw(st.booleans()):
        config["category"] = "api"
    if draw(st.booleans()):
        config["plan"] = draw(st.sampled_from(["pro", "basic"]))
    return config


def _break_usage_tiers(which, config, stats):
    tiers = config.get("tiers") or [{}]
    breaks = [lambda: config.update(mode="stairs"), lambda: tiers[0].update(unit_price="-1", rate="-1"),
              lambda: tiers.insert(0, {"up_to": "5", "unit_price": "1", "rate": "1"}) if len(tiers) > 1 else None,
              lambda: config.pop("unit_price", None), lambda: config.update(package_size="0"),
              lambda: config.update(min_per_transaction="9", max_per_transaction="1"),
              lambda: config.update(minimum=-1), lambda: config.update(category=""),
              lambda: stats.update(count=0), lambda: stats.update(sum="-5"), lambda: stats.update(min="-1"),
              lambda: stats.update(sum="92233720368547758")]
    if which is not None:
        breaks[which % len(breaks)]()


@SETTINGS
@given(exponent=EXPONENT, rounding=ROUNDING, config=usage_config(), count=st.integers(1, 50),
       values=st.lists(decimal(500, 2), min_size=2, max_size=2), present=st.integers(0, 5), broken=breakage(12))
def test_usage_tiers(exponent, rounding, config, count, values, present, broken):
    low, high = sorted(values, key=Decimal)
    stats = {"count": count, "sum": str(Decimal(low) + Decimal(high) * (count - 1)), "min": low, "max": high}
    _break_usage_tiers(broken, config, stats)
    usage = {"api": stats} if present else {}
    facts = {"usage": usage, "subscription": {"plan": "pro"}} if present != 1 else {"usage": usage}
    wasm, python = both("usage-tiers", document(exponent, rounding, config, facts))
    assert wasm == python


# --- bucket-overage --------------------------------------------------------------------------------------------

EXPIRES = st.sampled_from([None, "2026-02-01T12:00:00Z", "2026-02-02T00:00:00Z", "2026-03-01T00:00:00Z",
                           "2026-03-02T00:00:00.25Z", "2026-04-01T00:00:00Z", "2026-05-31T05:00:00Z"])
LOT = st.fixed_dictionaries({"quantity": decimal(2000, 2), "expires": EXPIRES})
PERIODS = st.sampled_from([FEB, ("2026-01-01T05:00:00Z", "2026-01-31T05:00:00Z"),
                           ("2026-03-01T05:00:00Z", "2026-04-01T04:00:00Z")])
METRICS = ["a", "b", "c"]


def _break_bucket(which, config, bucket, usage, period):
    lots = bucket["carried_in"] or [{}]
    breaks = [lambda: bucket.clear(), lambda: bucket.update(included="-1"), lambda: lots[0].update(expires="soon"),
              lambda: lots[0].update(expires="2026-02-30T00:00:00Z"), lambda: lots[0].update(quantity="-1"),
              lambda: config.update(rollover={"expires_after_months": 0}),
              lambda: config.update(rollover={"cap": "-1"}),
              lambda: config.update(metrics=[]), lambda: config.update(metrics=["a", "a"]),
              lambda: period.__setitem__(0, "2026-02-01"),
              lambda: period.__setitem__(1, "9999-12-01T00:00:00Z") or config.update(
                  rollover={"expires_after_months": 1}),
              lambda: usage.update(a="-2"), lambda: config.update(unit_price="0.1x")]
    if which is not None:
        breaks[which % len(breaks)]()


@SETTINGS
@given(exponent=EXPONENT, rounding=ROUNDING, unit_price=decimal(2, 4), included=decimal(2000, 1),
       lots=st.lists(LOT, max_size=4), metrics=st.one_of(st.none(), st.lists(st.sampled_from(METRICS), min_size=1,
                                                                               max_size=3, unique=True)),
       rollover=st.one_of(st.none(), st.fixed_dictionaries({}, optional={
           "cap": st.one_of(st.none(), decimal(3000, 1)),
           "expires_after_months": st.one_of(st.none(), st.integers(1, 13))})),
       usage=st.dictionaries(st.sampled_from(METRICS), decimal(6000, 2), min_size=1), period=PERIODS,
       broken=breakage(13))
def test_bucket_overage(exponent, rounding, unit_price, included, lots, metrics, rollover, usage, period, broken):
    config = {"rule_id": "over", "description": "Pool", "bucket": "pool", "unit_price": unit_price}
    for key, value in (("metrics", metrics), ("rollover", rollover)):
        if value is not None:
            config[key] = value
    bucket, period = {"metric": "a", "included": included, "carried_in": lots}, list(period)
    _break_bucket(broken, config, bucket, usage, period)
    facts = {"buckets": {"pool": bucket} if bucket else {}, "usage": {m: {"sum": q} for m, q in usage.items()}}
    wasm, python = both("bucket-overage", document(exponent, rounding, config, facts, tuple(period)))
    assert wasm == python
