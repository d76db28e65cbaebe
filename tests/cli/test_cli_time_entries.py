"""`billing-dagster time-entries import|list`: CSV and JSONL, bad rows named by line, every row or none,
re-import a no-op, --replace."""

import json

import pytest
from entries_world import seed_tenants
from sqlalchemy import select
from sqlalchemy.orm import Session

from billing_dagster.cli import main
from billing_dagster.store import models as m

HEADER = "entry_id,user,user_type,start,seconds,billable,description\n"
GOOD_CSV = HEADER + ("e1,ann,engineer,2026-02-03T09:00:00Z,12000,true,Design review\n"
                     "e2,bob,consultant,2026-02-04T10:00:00+01:00,3600,false,\"Intro call, unbilled\"\n")


@pytest.fixture
def world(engine, billing_env, tmp_path):
    seed_tenants(engine)
    return engine


def _stored(engine) -> list[tuple]:
    with Session(engine) as session:
        return list(session.execute(select(m.TimeEntryRecord.tenant_id, m.TimeEntryRecord.entry_id,
                                           m.TimeEntryRecord.seconds, m.TimeEntryRecord.started_at)
                                    .order_by(m.TimeEntryRecord.entry_id)))


def _run(capsys, *args) -> tuple[int, str, str]:
    code = main(["time-entries", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_csv_import_counts_and_converts_to_utc(world, tmp_path, capsys):
    path = tmp_path / "feb.csv"
    path.write_text(GOOD_CSV)
    code, out, _ = _run(capsys, "import", str(path), "--tenant", "acme")
    assert code == 0 and out.strip() == "feb.csv: 2 row(s): 2 imported, 0 replaced, 0 unchanged"
    stored = _stored(world)
    assert [(t, e, s) for t, e, s, _ in stored] == [("acme", "e1", 12000), ("acme", "e2", 3600)]
    assert stored[1][3].isoformat() == "2026-02-04T09:00:00+00:00"


def test_jsonl_import_with_tenant_per_row(world, tmp_path, capsys):
    path = tmp_path / "feb.jsonl"
    rows = [{"tenant_id": "kaisha", "entry_id": "k1", "user": "yui", "user_type": "engineer",
             "start": "2026-02-05T09:00:00+09:00", "seconds": 5400, "billable": True, "description": "Setup"},
            {"tenant_id": "souk", "entry_id": "s1", "user": "omar", "user_type": "engineer",
             "start": "2026-02-05T09:00:00Z", "seconds": 60, "billable": False}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    code, out, _ = _run(capsys, "import", str(path))
    assert code == 0 and "2 imported" in out
    assert [(t, e) for t, e, *_ in _stored(world)] == [("kaisha", "k1"), ("souk", "s1")]


def test_every_bad_row_is_named_by_line_and_nothing_is_imported(world, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(GOOD_CSV + "e3,ann,engineer,2026-02-05 09:00:00,90,true,No offset\n"
                               "e4,ann,engineer,2026-02-05T09:00:00Z,1.5,maybe,\n"
                               "e1,ann,engineer,2026-02-03T09:00:00Z,12000,true,Design review\n"
                               "e5,ann,engineer,2026-02-05T09:00:00Z,90,true,x,extra\n")
    code, _, err = _run(capsys, "import", str(path), "--tenant", "acme")
    assert code == 1
    assert "nothing imported" in err
    assert "bad.csv:4: start: expected an RFC 3339 instant with an offset" in err
    assert "bad.csv:5: seconds: expected a non-negative whole number of seconds, got '1.5'" in err
    assert "bad.csv:5: billable: expected true or false, got 'maybe'" in err
    assert "bad.csv:6: entry_id: 'e1' of tenant 'acme' repeats line 2" in err
    assert "bad.csv:7: 1 more value(s) than header columns" in err
    assert _stored(world) == []


def test_unknown_tenant_and_float_seconds_in_jsonl(world, tmp_path, capsys):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"tenant_id": "ghost", "entry_id": "g1", "user": "u", "user_type": "engineer", '
                    '"start": "2026-02-03T09:00:00Z", "seconds": 60, "billable": true}\n'
                    '{"tenant_id": "acme", "entry_id": "a1", "user": "u", "user_type": "engineer", '
                    '"start": "2026-02-03T09:00:00Z", "seconds": 60.0, "billable": "true"}\n'
                    '[1, 2]\n{not json\n')
    code, _, err = _run(capsys, "import", str(path))
    assert code == 1
    assert "bad.jsonl:1: tenant_id: 'ghost' is not in the billing database" in err
    assert "bad.jsonl:2: seconds: expected a non-negative whole number of seconds, got Decimal('60.0')" in err
    assert "bad.jsonl:2: billable: expected a JSON boolean, got 'true'" in err
    assert "bad.jsonl:3: expected a JSON object, got list" in err
    assert "bad.jsonl:4: not JSON" in err
    assert _stored(world) == []


def test_reimport_is_a_no_op_and_a_change_needs_replace(world, tmp_path, capsys):
    path = tmp_path / "feb.csv"
    path.write_text(GOOD_CSV)
    assert _run(capsys, "import", str(path), "--tenant", "acme")[0] == 0
    code, out, _ = _run(capsys, "import", str(path), "--tenant", "acme")
    assert code == 0 and "0 imported, 0 replaced, 2 unchanged" in out
    path.write_text(GOOD_CSV.replace("12000", "12600"))
    code, _, err = _run(capsys, "import", str(path), "--tenant", "acme")
    assert code == 1 and "feb.csv:2: entry_id: 'e1' of tenant 'acme' is already imported with other values " \
                         "(seconds 12000 -> 12600); pass --replace to overwrite" in err
    assert [s for _, _, s, _ in _stored(world)] == [12000, 3600]
    code, out, _ = _run(capsys, "import", str(path), "--tenant", "acme", "--replace")
    assert code == 0 and "0 imported, 1 replaced, 1 unchanged" in out
    assert [s for _, _, s, _ in _stored(world)] == [12600, 3600]


def test_list_filters_by_start(world, tmp_path, capsys):
    path = tmp_path / "feb.csv"
    path.write_text(GOOD_CSV)
    _run(capsys, "import", str(path), "--tenant", "acme")
    code, out, _ = _run(capsys, "list", "--tenant", "acme", "--from", "2026-02-04T00:00:00Z", "--json")
    assert code == 0
    assert json.loads(out) == [{"entry_id": "e2", "user": "bob", "user_type": "consultant",
                                "start": "2026-02-04T09:00:00Z", "seconds": 3600, "billable": False,
                                "description": "Intro call, unbilled", "source": "feb.csv"}]
    code, out, _ = _run(capsys, "list", "--tenant", "acme", "--to", "2026-02-04T00:00:00Z")
    assert code == 0 and "e1" in out and "e2" not in out and "1 entry, 12000 billable seconds" in out
    assert _run(capsys, "list", "--tenant", "ghost")[0] == 2
    assert _run(capsys, "list", "--tenant", "acme", "--from", "yesterday")[0] == 1


def test_an_unreadable_file_or_format_exits_1(world, tmp_path, capsys):
    assert _run(capsys, "import", str(tmp_path / "missing.csv"))[0] == 1
    odd = tmp_path / "feb.txt"
    odd.write_text(GOOD_CSV)
    code, _, err = _run(capsys, "import", str(odd), "--tenant", "acme")
    assert code == 1 and "pass --format csv|jsonl" in err
    assert _run(capsys, "import", str(odd), "--tenant", "acme", "--format", "csv")[0] == 0



def test_a_spreadsheet_byte_order_mark_is_not_part_of_the_first_column(world, tmp_path, capsys):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD_CSV.encode())
    code, out, err = _run(capsys, "import", str(path), "--tenant", "acme")
    assert code == 0 and "2 imported" in out, err
