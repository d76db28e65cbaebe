"""build_fact_pack's time_entries and adjustments packs: present when they have entries or the program reads
them, valid FactPack contracts, in RFC 3339 Z text and integer minor units."""

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from billing_dagster.domain.accounts import TaxSpec, TenantAccount
from billing_dagster.domain.contracts import FactPack
from billing_dagster.domain.facts import build_fact_pack, visible_facts
from billing_dagster.domain.period_entries import AdjustmentSpec, TimeEntrySpec
from billing_dagster.domain.periods import month_period

FEB = month_period(date(2026, 2, 1))
ACCOUNT = TenantAccount("acme", "USD", 30, TaxSpec("NONE", "No tax", Decimal("0"), False), None, ())
PARIS = timezone(timedelta(hours=1))
ENTRIES = (TimeEntrySpec("e2", "bob", "consultant", datetime(2026, 2, 4, 9, 30, tzinfo=PARIS), 3600, False, "Call"),
           TimeEntrySpec("e1", "ann", "engineer", datetime(2026, 2, 3, 9, tzinfo=timezone.utc), 12000, True, ""))
ADJUSTMENTS = (AdjustmentSpec("a1", "credit", 1250, "USD", "SLA credit", "Outage"),
               AdjustmentSpec("a2", "charge", 300, "USD", "Setup", "Onboarding", True, "services"))


def test_entries_become_keyed_packs_in_contract_form():
    pack = build_fact_pack(ACCOUNT, FEB, {}, time_entries=ENTRIES, adjustments=ADJUSTMENTS)
    assert pack["time_entries"] == {
        "e1": {"user": "ann", "user_type": "engineer", "start": "2026-02-03T09:00:00Z", "seconds": 12000,
               "billable": True, "description": ""},
        "e2": {"user": "bob", "user_type": "consultant", "start": "2026-02-04T08:30:00Z", "seconds": 3600,
               "billable": False, "description": "Call"}}
    assert pack["adjustments"] == {
        "a1": {"kind": "credit", "amount": 1250, "description": "SLA credit", "reason": "Outage", "taxable": False},
        "a2": {"kind": "charge", "amount": 300, "description": "Setup", "reason": "Onboarding", "taxable": True,
               "category": "services"}}
    assert FactPack.model_validate(pack).model_dump(exclude_unset=True) == pack


def test_no_entries_and_not_read_means_no_pack():
    assert {"time_entries", "adjustments"}.isdisjoint(build_fact_pack(ACCOUNT, FEB, {}))


def test_a_program_that_reads_them_sees_empty_packs_not_missing_ones():
    pack = build_fact_pack(ACCOUNT, FEB, {}, read={"time_entries", "adjustments", "usage"})
    assert pack["time_entries"] == {} and pack["adjustments"] == {}
    seen = visible_facts(pack, {"time_entries": ["seconds"], "adjustments": ["amount"]})
    assert seen == {"time_entries": {}, "adjustments": {}}


def test_an_adjustment_in_another_currency_is_refused_naming_it():
    yen = AdjustmentSpec("a9", "credit", 500, "JPY", "Credit", "Goodwill")
    with pytest.raises(ValueError, match="adjustment a9: currency JPY is not the tenant's USD"):
        build_fact_pack(ACCOUNT, FEB, {}, adjustments=(yen,))


def test_a_repeated_id_is_refused_rather_than_merged():
    with pytest.raises(ValueError, match="time entry ids repeat"):
        build_fact_pack(ACCOUNT, FEB, {}, time_entries=(ENTRIES[0], ENTRIES[0]))
