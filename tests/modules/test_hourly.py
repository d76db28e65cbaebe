"""hourly: time entries billed by rate per user type, rounding increments, minimum billable time.

Each case runs the built module and its Python reference (same bytes). Amounts worked by hand in comments.
config.rates reaches the module as canonical JSON, so user-type lines come in sorted order (designer, engineer).
"""

import pytest
from producer_harness import lines, run, traps

RATES = {"engineer": "150", "designer": "90.50"}


def config(**extra) -> dict:
    return {"rule_id": "services", "description": "Services", "rates": RATES, **extra}


def entry(user_type, seconds, billable=True, user="ann", description="Work") -> dict:
    return {"user": user, "user_type": user_type, "start": "2026-02-02T09:00:00Z", "seconds": seconds,
            "billable": billable, "description": description}


ENTRIES = {"time_entries": {
    "e1": entry("engineer", 5400, description="Fix login"),  # 90 min
    "e2": entry("engineer", 1350, user="bob", description=""),  # 22.5 min
    "e3": entry("designer", 2700, user="cy", description="Mockups"),  # 45 min
    "e4": entry("engineer", 3600, billable=False, description="Internal sync"),  # ignored
    "e5": entry("engineer", 1000, description="Review"),  # 16 min 40 s
}}
# designer 2700 s = 0.75 h x 90.50 = 67.875 -> 6788 (half-even) in every case without a minimum
DESIGNER = ("services", "usage", "Services (designer)", "0.75", "90.50", 6788)


@pytest.mark.parametrize(("extra", "engineer"), [
    # exact: 5400 + 1350 + 1000 = 7750 s = 2.152777.. h; 7750 x 150 / 3600 = 322.9166.. -> 32292
    ({}, ("2.152778", 32292)),
    # up to 15 min: 5400 + 1800 + 1800 = 9000 s = 2.5 h -> 375.00
    ({"increment_minutes": 15}, ("2.5", 37500)),
    # nearest (half up): 5400 + 1800 (22.5 min is a tie) + 900 = 8100 s = 2.25 h -> 337.50
    ({"increment_minutes": 15, "increment_rounding": "nearest"}, ("2.25", 33750)),
    # down: 5400 + 900 + 900 = 7200 s = 2 h -> 300.00
    ({"increment_minutes": 15, "increment_rounding": "down"}, ("2", 30000)),
    # minimum 30 min per entry: 5400 + 1800 + 1800 = 9000 s -> 375.00 (designer's 45 min is above it)
    ({"minimum_minutes": 30}, ("2.5", 37500)),
])
def test_lines_per_user_type(extra, engineer):
    out = run("hourly", config(**extra), ENTRIES)
    assert lines(out) == [DESIGNER, ("services", "usage", "Services (engineer)", engineer[0], "150", engineer[1])]


def test_increment_then_minimum():
    # up to 15 min, then at least 60: 5400, 1800 -> 3600, 1000 -> 1800 -> 3600: 12600 s = 3.5 h -> 525.00;
    # designer 2700 -> 3600 s = 1 h x 90.50 -> 90.50
    out = run("hourly", config(increment_minutes=15, minimum_minutes=60), ENTRIES)
    assert lines(out) == [("services", "usage", "Services (designer)", "1", "90.50", 9050),
                          ("services", "usage", "Services (engineer)", "3.5", "150", 52500)]


def test_one_line_per_entry():
    # up to 15 min; entry order e1, e2, e3, e5 (e4 is not billable); e2 has no description: "Services (bob)"
    out = run("hourly", config(increment_minutes=15, lines="entry", category="services"), ENTRIES)
    assert lines(out) == [("services", "usage", "Fix login", "1.5", "150", 22500),
                          ("services", "usage", "Services (bob)", "0.5", "150", 7500),
                          ("services", "usage", "Mockups", "0.75", "90.50", 6788),
                          ("services", "usage", "Review", "0.5", "150", 7500)]
    assert {c["category"] for c in out["charges"]} == {"services"} and {c["metric"] for c in out["charges"]} == {None}


@pytest.mark.parametrize(("rounding", "amount"), [("half_even", 0), ("half_up", 1), ("up", 1), ("down", 0)])
def test_amount_rounding_policy(rounding, amount):
    # 1 s at 18.00/h = 0.005 USD: a tie at half a cent; the quantity 1/3600 h shows 6 places
    out = run("hourly", config(rates={"engineer": "18"}), {"time_entries": {"e": entry("engineer", 1)}},
              rounding=rounding)
    assert lines(out) == [("services", "usage", "Services (engineer)", "0.000278", "18", amount)]


@pytest.mark.parametrize(("currency", "rate", "amount"), [
    ("JPY", "5000", 1389),   # 1000 s x 5000 / 3600 = 1388.89 yen
    ("KWD", "12.500", 3472),  # 1000 s x 12.5 / 3600 = 3.47222 KWD
])
def test_currency_exponents(currency, rate, amount):
    out = run("hourly", config(rates={"engineer": rate}), {"time_entries": {"e": entry("engineer", 1000)}},
              currency=currency)
    assert [(c["quantity"], c["amount"]) for c in out["charges"]] == [("0.277778", amount)]


@pytest.mark.parametrize("facts", [
    {},  # no time entries at all
    {"time_entries": {}},
    {"time_entries": {"e": entry("engineer", 7200, billable=False), "z": entry("engineer", 0)}},
    {"time_entries": {"e": entry("intern", 7200, billable=False)}},  # no rate needed for unbilled time
])
def test_no_billable_time_means_no_lines(facts):
    assert run("hourly", config(minimum_minutes=30), facts) == {"charges": [], "warnings": []}


@pytest.mark.parametrize(("cfg", "facts", "error"), [
    ({"rule_id": "s", "description": "S"}, ENTRIES, "config.rates: missing"),
    (config(rates={}), ENTRIES, "config.rates: must not be empty"),
    (config(rates={"engineer": "-1"}), ENTRIES, "config.rates.engineer: must not be negative"),
    (config(rates={"engineer": 150}), ENTRIES, "config.rates.engineer: must be a string"),
    (config(increment_minutes=0), ENTRIES, "config.increment_minutes: must be at least 1"),
    (config(minimum_minutes=-5), ENTRIES, "config.minimum_minutes: must not be negative"),
    (config(increment_minutes=15, increment_rounding="ceil"), ENTRIES,
     "config.increment_rounding: must be one of up, nearest, down"),
    (config(lines="user"), ENTRIES, "config.lines: must be one of user_type, entry"),
    (config(), {"time_entries": {"e9": entry("intern", 60)}},
     'facts.time_entries.e9.user_type: no rate for "intern" in config.rates'),
    (config(), {"time_entries": {"e1": entry("engineer", -1)}}, "facts.time_entries.e1.seconds: must not be negative"),
    (config(), {"time_entries": {"e1": {"user_type": "engineer", "seconds": 60}}},
     "facts.time_entries.e1.billable: missing"),
])
def test_invalid_input_is_an_error(cfg, facts, error):
    assert run("hourly", cfg, facts) == {"error": error}


def test_overflow_traps():
    traps("hourly", config(rates={"engineer": "1000000000"}), {"time_entries": {"e": entry("engineer", 2**53 - 1)}})


def test_the_fact_plan_fetches_the_time_entries_fields_it_reads():
    from producer_harness import CATALOG

    from billing_dagster.domain.programs import ProgramStep
    from billing_dagster.runtime.planner import pack_for_plan, plan_facts

    plan = plan_facts(CATALOG, [ProgramStep("hourly", "producer", config())])
    assert plan.problems == () and plan.pack("time_entries").fields == (
        "billable", "description", "seconds", "user", "user_type")
    assert pack_for_plan({"time_entries": {"e1": entry("engineer", 60)}}, plan) == {"time_entries": {"e1": {
        "billable": True, "description": "Work", "seconds": 60, "user": "ann", "user_type": "engineer"}}}
