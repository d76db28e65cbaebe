"""`billing-dagster adjustments add|list|void`: exact minor units per currency, voids recorded, never deleted."""

import json

import pytest
from entries_world import seed_tenants
from sqlalchemy import select
from sqlalchemy.orm import Session

from billing_dagster.cli import main
from billing_dagster.store import models as m


@pytest.fixture
def world(engine, billing_env):
    seed_tenants(engine)
    return engine


def _run(capsys, *args) -> tuple[int, str, str]:
    code = main(["adjustments", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _add(capsys, tenant, amount, *more) -> tuple[int, str, str]:
    return _run(capsys, "add", "--tenant", tenant, "--kind", "credit", "--amount", amount, "--reason", "Outage",
                "--description", "SLA credit", *more)


def _rows(engine) -> list:
    with Session(engine) as session:
        return list(session.scalars(select(m.AdjustmentRecord).order_by(m.AdjustmentRecord.id)))


@pytest.mark.parametrize(("tenant", "amount", "minor", "shown"), [
    ("acme", "12.50", 1250, "-12.50 USD"), ("kaisha", "1500", 1500, "-1500 JPY"), ("souk", "1.250", 1250, "-1.250 KWD"),
    ("souk", "0.005", 5, "-0.005 KWD")])
def test_amounts_are_exact_minor_units_of_the_tenant_currency(world, capsys, tenant, amount, minor, shown):
    code, out, _ = _add(capsys, tenant, amount, "--id", "a1", "--applies-at", "2026-02-10T00:00:00Z")
    assert code == 0 and f"adjustment a1 of tenant {tenant}: {shown} applies at 2026-02-10T00:00:00+00:00" in out
    (row,) = _rows(world)
    assert (row.amount_minor, row.currency, row.kind, row.taxable, row.category) == (
        minor, {"acme": "USD", "kaisha": "JPY", "souk": "KWD"}[tenant], "credit", False, None)


@pytest.mark.parametrize(("tenant", "amount", "message"), [
    ("acme", "12.505", "amount: 12.505 has 3 decimals; USD has 2"),
    ("kaisha", "1500.5", "amount: 1500.5 has 1 decimals; JPY has 0"),
    ("souk", "1.2505", "amount: 1.2505 has 4 decimals; KWD has 3"),
    ("acme", "-5", "amount: expected a positive amount"), ("acme", "0", "amount: must be more than zero")])
def test_refused_amounts_write_nothing(world, capsys, tenant, amount, message):
    code, _, err = _add(capsys, tenant, amount)
    assert code == 1 and message in err and _rows(world) == []


def test_the_currency_must_be_the_tenants(world, capsys):
    code, _, err = _add(capsys, "acme", "5", "--currency", "EUR")
    assert code == 1 and "currency: EUR is not tenant 'acme''s currency USD" in err
    assert _add(capsys, "acme", "5", "--currency", "usd")[0] == 0


def test_every_field_is_stored_and_ids_are_generated(world, capsys):
    code, _, _ = _run(capsys, "add", "--tenant", "acme", "--kind", "charge", "--amount", "3", "--reason", "Setup",
                      "--description", "Onboarding", "--taxable", "--category", "services",
                      "--applies-at", "2026-02-10T09:00:00+02:00", "--created-by", "ops@example.com")
    assert code == 0
    (row,) = _rows(world)
    assert row.adjustment_id.startswith("adj-") and row.applies_at.isoformat() == "2026-02-10T07:00:00+00:00"
    assert (row.kind, row.amount_minor, row.taxable, row.category, row.created_by, row.reason, row.description) == (
        "charge", 300, True, "services", "ops@example.com", "Setup", "Onboarding")


def test_bad_input_is_refused_naming_the_field(world, capsys):
    code, _, err = _add(capsys, "ghost", "1")
    assert code == 2 and "tenant 'ghost' is not in the billing database" in err
    code, _, err = _add(capsys, "acme", "1", "--applies-at", "2026-02-10")
    assert code == 1 and "--applies-at: expected an RFC 3339 instant" in err
    code, _, err = _add(capsys, "acme", "1", "--category", "two words")
    assert code == 1 and "category: expected a non-empty id" in err
    code, _, err = _run(capsys, "add", "--tenant", "acme", "--kind", "credit", "--amount", "1", "--reason", " ",
                        "--description", "d")
    assert code == 1 and "reason: expected non-empty text" in err
    assert _add(capsys, "acme", "1", "--id", "a1")[0] == 0
    code, _, err = _add(capsys, "acme", "1", "--id", "a1")
    assert code == 1 and "id: adjustment 'a1' of tenant 'acme' already exists" in err
    assert len(_rows(world)) == 1


def test_void_is_recorded_once_and_the_row_stays(world, capsys):
    _add(capsys, "acme", "1", "--id", "a1")
    _add(capsys, "acme", "2", "--id", "a2")
    code, out, _ = _run(capsys, "void", "a1", "--tenant", "acme", "--reason", "entered twice")
    assert code == 0 and "adjustment a1 of tenant acme voided at" in out
    code, _, err = _run(capsys, "void", "a1", "--tenant", "acme", "--reason", "again")
    assert code == 1 and "adjustment 'a1' of tenant 'acme' was already voided at" in err and "(entered twice)" in err
    assert _run(capsys, "void", "a9", "--tenant", "acme", "--reason", "x")[0] == 2
    assert _run(capsys, "void", "a1", "--tenant", "kaisha", "--reason", "x")[0] == 2
    rows = {row.adjustment_id: row for row in _rows(world)}
    assert rows["a1"].void_reason == "entered twice" and rows["a1"].voided_at is not None
    assert rows["a2"].voided_at is None


def test_list_hides_voided_unless_all(world, capsys):
    _add(capsys, "acme", "1", "--id", "a1", "--applies-at", "2026-02-01T00:00:00Z")
    _add(capsys, "acme", "2", "--id", "a2", "--applies-at", "2026-02-02T00:00:00Z")
    _run(capsys, "void", "a1", "--tenant", "acme", "--reason", "wrong")
    code, out, _ = _run(capsys, "list", "--tenant", "acme", "--json")
    assert code == 0 and [a["adjustment_id"] for a in json.loads(out)] == ["a2"]
    code, out, _ = _run(capsys, "list", "--tenant", "acme", "--all", "--json")
    listed = json.loads(out)
    assert [(a["adjustment_id"], a["void_reason"]) for a in listed] == [("a1", "wrong"), ("a2", None)]
    assert listed[1]["amount_minor"] == 200 and listed[1]["currency"] == "USD"
    code, out, _ = _run(capsys, "list", "--tenant", "acme", "--all")
    assert code == 0 and "-2.00 USD" in out and "voided" in out
    assert _run(capsys, "list", "--tenant", "ghost")[0] == 2


def test_commands_are_registered(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    usage = capsys.readouterr().out
    assert "time-entries" in usage and "adjustments" in usage
