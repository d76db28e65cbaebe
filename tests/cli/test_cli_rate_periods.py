"""`rate` accepts any period: a month, a start and end, or a tenant-style cycle containing an instant."""

import json
from pathlib import Path

import pytest

from billing_dagster.cli import main
from billing_dagster.commands.period_text import PeriodError, parse_period

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "rate-standard.json"


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("BILLING_HOME", str(tmp_path / "home"))


def _rate(capsys, tmp_path, period) -> tuple[int, dict | None]:
    document = json.loads(EXAMPLE.read_text())
    document["context"]["period"] = period
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(document))
    code = main(["rate", "--input", str(path), "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out) if out else None


def test_a_week_of_a_tenant_cycle_dates_the_invoice_at_its_end(capsys, tmp_path):
    week = {"interval": "week", "anchor_day": 1, "timezone": "Europe/Paris", "containing": "2026-02-18T12:00:00Z"}
    code, result = _rate(capsys, tmp_path, week)
    assert code == 0 and result["error"] is None
    # Monday Feb 16th to Monday Feb 23rd, Paris midnights (23:00 UTC the evening before)
    assert result["invoice"]["issue_date"] == "2026-02-22"


def test_a_start_and_end_period_is_rated(capsys, tmp_path):
    code, result = _rate(capsys, tmp_path, {"start": "2026-02-01T00:00:00Z", "end": "2026-03-01T00:00:00Z"})
    same_code, same = _rate(capsys, tmp_path, "2026-02")
    assert code == same_code == 0 and result["charges"] == same["charges"]


@pytest.mark.parametrize("period, message", [
    ("2026-13", "expected YYYY-MM"), ({"start": "2026-02-01T00:00:00Z"}, "period.end: missing"),
    ({"start": "2026-02-01T00:00:00", "end": "2026-03-01T00:00:00Z"}, "period.start: no UTC offset"),
    ({"interval": "week", "anchor_day": 9, "containing": "2026-02-18T12:00:00Z"}, "anchor_day"),
    ({"interval": "month", "containing": "2026-02-18T12:00:00Z", "anchor": 3}, "unknown key 'anchor'"),
    ({"start": "2026-03-01T00:00:00Z", "end": "2026-02-01T00:00:00Z"}, "not after start"),
])
def test_a_bad_period_names_its_key(period, message):
    with pytest.raises(PeriodError, match=message):
        parse_period(period)
