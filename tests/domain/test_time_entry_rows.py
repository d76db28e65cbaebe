"""A time-entry import row: every problem of a row reported at once, each naming its field."""

from datetime import datetime, timezone

import pytest

from billing_dagster.domain.time_entry_rows import RowError, parse_instant, parse_row

CSV_ROW = {"entry_id": "e1", "user": "ann", "user_type": "engineer", "start": "2026-02-03T10:00:00+01:00",
           "seconds": "12000", "billable": "true", "description": "Design review"}


def test_a_csv_row_of_text_becomes_a_utc_entry():
    row = parse_row(CSV_ROW, tenant="acme", text_values=True)
    assert row.tenant_id == "acme"
    assert row.entry.start == datetime(2026, 2, 3, 9, tzinfo=timezone.utc) and row.entry.start.tzinfo == timezone.utc
    assert (row.entry.seconds, row.entry.billable, row.entry.description) == (12000, True, "Design review")


def test_a_jsonl_row_needs_json_types():
    row = dict(CSV_ROW, tenant_id="acme", seconds=60, billable=False)
    row.pop("description")
    entry = parse_row(row, text_values=False).entry
    assert (entry.seconds, entry.billable, entry.description) == (60, False, "")
    with pytest.raises(RowError) as refused:
        parse_row(dict(row, seconds="60", billable="false"), text_values=False)
    assert refused.value.problems == ["seconds: expected a non-negative whole number of seconds, got '60'",
                                      "billable: expected a JSON boolean, got 'false'"]


def test_every_problem_of_a_row_is_reported_with_its_field():
    bad = {"entry_id": "", "user": "ann smith", "start": "2026-02-03T09:00:00", "seconds": "-1",
           "billable": "yes", "colour": "red"}
    with pytest.raises(RowError) as refused:
        parse_row(bad, text_values=True)
    fields = [problem.split(":")[0] for problem in refused.value.problems]
    assert fields == ["colour", "user_type", "entry_id", "user", "start", "seconds", "billable", "tenant_id"]


def test_the_row_tenant_must_match_the_given_one():
    with pytest.raises(RowError, match="tenant_id: 'globex' differs from --tenant 'acme'"):
        parse_row(dict(CSV_ROW, tenant_id="globex"), tenant="acme", text_values=True)
    assert parse_row(dict(CSV_ROW, tenant_id=""), tenant="acme", text_values=True).tenant_id == "acme"


@pytest.mark.parametrize("text", ["2026-02-03", "2026-02-03T09:00Z", "2026-02-30T09:00:00Z", "tomorrow",
                                  "2026-02-03T09:00:00+0100"])
def test_instants_need_rfc3339_with_an_offset(text):
    with pytest.raises(ValueError, match="^start: "):
        parse_instant(text, "start")


def test_fractional_seconds_and_lowercase_z_are_rfc3339():
    assert parse_instant("2026-02-03t09:00:00.5z", "start") == datetime(2026, 2, 3, 9, 0, 0, 500000, timezone.utc)
