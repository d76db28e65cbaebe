"""`billing-dagster quarantine`: list and show what ingest refused, then replay a day once the cause is fixed."""

import json
from datetime import datetime, timezone

import dagster as dg
from month_world import TENANTS, land_events, seed_world
from sqlalchemy.orm import Session

from billing_dagster.cli import main
from billing_dagster.store.seed import upsert_reference

NEWCO = json.dumps({"event_id": "n1", "tenant_id": "newco", "metric": "api_calls", "quantity": 7,
                    "timestamp": "2026-02-10T10:00:00Z"})


def test_list_show_and_replay_after_the_tenant_is_created(billing_env, engine, repo, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    (tmp_path / "dagster").mkdir()
    seed_world(engine)
    land_events(billing_env, {"2026-02-10": [NEWCO]})
    assert main(["quarantine", "replay", "--from", "2026-02-10"]) == 0  # the first ingest of the day
    capsys.readouterr()

    assert main(["quarantine", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"day": "2026-02-10", "field": "tenant_id", "records": 1}]
    assert main(["quarantine", "list", "--records", "--json", "--from", "2026-02-10"]) == 0
    [record] = json.loads(capsys.readouterr().out)
    assert "unknown tenant" in record["reason"] and "newco" in record["reason"]

    assert main(["quarantine", "show", "--day", "2026-02-10", "--file", record["file"],
                 "--line", str(record["line"])]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["raw"] == NEWCO and shown["status"] == "quarantined"
    assert main(["quarantine", "show", "--day", "2026-02-10", "--file", record["file"], "--line", "99"]) == 1

    newco = dict(TENANTS[0], id="newco", name="NewCo", subscription={
        "plan_id": "basic", "starts_at": datetime(2026, 2, 1, tzinfo=timezone.utc), "ends_at": None})
    with Session(engine) as session, session.begin():
        upsert_reference(session, plans={}, metrics={}, tax_regions={}, tenants=[newco])
    assert main(["quarantine", "replay", "--from", "2026-02-10"]) == 0
    assert "quarantined records 1 -> 0" in capsys.readouterr().out
    assert main(["quarantine", "list", "--from", "2026-02-10"]) == 1
    totals = repo.ingest_totals([datetime(2026, 2, 10).date()])
    assert (totals["events_in"], totals["accepted"], totals["quarantined"]) == (2, 2, 0)  # acme a2 and newco n1
    assert dg.DagsterInstance.get().get_runs_count() == 2
