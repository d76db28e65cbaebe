"""The ingestion API's inbox: append once per (tenant, event_id); drain a day to a landing JSONL file, exactly
once even across a crash between the file and the mark, and under concurrent drains and appends."""

import json
import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from billing_dagster.domain.contracts_usage import Event
from billing_dagster.store import models as m
from billing_dagster.usage import inbox
from billing_dagster.usage.inbox import InboxEvent, append_events, drain_inbox_to_landing, undrained_days
from billing_dagster.usage.lake import Lake

DAY, OTHER_DAY = date(2026, 10, 1), date(2026, 10, 2)


def _event(event_id: str, day: date = DAY, quantity: str = "1") -> InboxEvent:
    body = Event(event_id=event_id, tenant_id="acme", metric="api_calls", quantity=quantity,
                 timestamp=f"{day.isoformat()}T12:00:00Z").model_dump_json()
    return InboxEvent(event_id, body, day)


def _lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _undrained(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(m.UsageInbox)
                            .where(m.UsageInbox.drained_at.is_(None))).scalar_one()


@pytest.fixture
def lake(tmp_path):
    return Lake(tmp_path / "lake-root")


def test_append_stores_each_tenant_event_once_and_returns_what_was_there(engine):
    first = append_events(engine, "acme", [_event("b"), _event("a")])
    assert first.inserted == {"a", "b"} and first.existing == {}
    again = append_events(engine, "acme", [_event("a", quantity="9"), _event("c")])
    assert again.inserted == {"c"} and again.existing == {"a": _event("a").body}
    assert append_events(engine, "globex", [_event("a")]).inserted == {"a"}
    assert append_events(engine, "acme", []).inserted == frozenset()


def test_drain_writes_the_days_rows_in_id_order_and_marks_them(engine, lake):
    append_events(engine, "acme", [_event(f"e{i}") for i in range(5)] + [_event("x", OTHER_DAY)])
    assert undrained_days(engine) == [DAY, OTHER_DAY]
    path = drain_inbox_to_landing(engine, lake.landing_dir, DAY)
    with engine.connect() as conn:
        ids = conn.execute(select(m.UsageInbox.id).where(m.UsageInbox.day == DAY)
                           .order_by(m.UsageInbox.id)).scalars().all()
        bodies = conn.execute(select(m.UsageInbox.body).where(m.UsageInbox.day == DAY)
                              .order_by(m.UsageInbox.id)).scalars().all()
    assert path == lake.landing_dir(DAY) / f"inbox-{ids[0]}-{ids[-1]}.jsonl"
    assert path.read_text(encoding="utf-8") == "".join(body + "\n" for body in bodies)
    assert all(Event.model_validate(line) for line in _lines(path))
    assert undrained_days(engine) == [OTHER_DAY]
    assert drain_inbox_to_landing(engine, lake.landing_dir, DAY) is None
    assert [p.name for p in lake.landing_dir(DAY).iterdir()] == [path.name]  # no temporary left behind


def test_a_crash_between_the_file_and_the_mark_rewrites_the_same_file(engine, lake, monkeypatch):
    append_events(engine, "acme", [_event(f"e{i}") for i in range(3)])

    def crash(*_):
        raise KeyboardInterrupt("killed after the rename, before the commit")

    with monkeypatch.context() as patch:
        patch.setattr(inbox, "_remove_superseded", crash)
        with pytest.raises(KeyboardInterrupt):
            drain_inbox_to_landing(engine, lake.landing_dir, DAY)
    left, = lake.landing_dir(DAY).glob("inbox-*.jsonl")
    assert _undrained(engine) == 3
    path = drain_inbox_to_landing(engine, lake.landing_dir, DAY)
    assert path == left and len(_lines(path)) == 3 and _undrained(engine) == 0
    assert list(lake.landing_dir(DAY).glob("*")) == [path]


def test_a_crashed_file_is_superseded_when_more_rows_arrived_meanwhile(engine, lake, monkeypatch):
    append_events(engine, "acme", [_event(f"e{i}") for i in range(3)])
    with monkeypatch.context() as patch:
        patch.setattr(inbox, "_remove_superseded", lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        with pytest.raises(KeyboardInterrupt):
            drain_inbox_to_landing(engine, lake.landing_dir, DAY)
    append_events(engine, "acme", [_event("late")])
    path = drain_inbox_to_landing(engine, lake.landing_dir, DAY)
    assert list(lake.landing_dir(DAY).glob("*")) == [path]
    assert sorted(line["event_id"] for line in _lines(path)) == ["e0", "e1", "e2", "late"]


def test_committed_files_stay_and_max_rows_drains_in_parts(engine, lake):
    append_events(engine, "acme", [_event(f"e{i:02d}") for i in range(10)])
    first = drain_inbox_to_landing(engine, lake.landing_dir, DAY, max_rows=4)
    append_events(engine, "acme", [_event("late")])
    paths = [first]
    while (path := drain_inbox_to_landing(engine, lake.landing_dir, DAY, max_rows=4)) is not None:
        paths.append(path)
    assert [len(_lines(p)) for p in paths] == [4, 4, 3]
    assert sorted(lake.landing_dir(DAY).glob("*")) == sorted(paths)
    names = [line["event_id"] for p in paths for line in _lines(p)]
    assert sorted(names) == sorted([f"e{i:02d}" for i in range(10)] + ["late"])


def test_concurrent_drains_and_appends_land_every_row_exactly_once(engine, lake):
    errors = []

    def appender(worker: int) -> None:
        try:
            for batch in range(10):
                append_events(engine, "acme", [_event(f"w{worker}-{batch}-{i}") for i in range(20)])
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(error)

    def drainer() -> None:
        try:
            for _ in range(15):
                drain_inbox_to_landing(engine, lake.landing_dir, DAY, max_rows=50)
        except Exception as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=appender, args=(w,)) for w in range(3)]
    threads += [threading.Thread(target=drainer) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    while drain_inbox_to_landing(engine, lake.landing_dir, DAY) is not None:
        continue  # each call drains what the threads left; None once nothing is undrained
    landed = [line["event_id"] for path in lake.landing_dir(DAY).glob("inbox-*.jsonl") for line in _lines(path)]
    assert len(landed) == len(set(landed)) == 3 * 10 * 20
    assert _undrained(engine) == 0
    assert not list(lake.landing_dir(DAY).glob(".*"))
