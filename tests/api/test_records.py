"""Reading a request body into records and checking them against the Event contract, without HTTP."""

import json
from datetime import date, datetime, timezone

import pytest

from billing_dagster.api.body import MAX_BATCH, BodyError, parse_records
from billing_dagster.api.records import RecordError, check_record, utc_day
from billing_dagster.usage.inbox import InboxEvent

EVENT = {"event_id": "e1", "metric": "api_calls", "quantity": "2", "timestamp": "2026-10-01T23:59:59.999999999Z"}


def _one(text: str):
    record, = parse_records(text.encode())
    return record


def test_a_batch_is_cut_into_the_exact_text_of_each_record():
    body = '{ "ev\\u0065nts" :\n [ {"quantity": 1.50 ,"a":[1, 2]} ,7,\t"x" , {} ] }'
    records = parse_records(body.encode())
    assert [r.text for r in records] == ['{"quantity": 1.50 ,"a":[1, 2]}', "7", '"x"', "{}"]
    assert records[0].value == {"quantity": "1.50", "a": [1, 2]}  # a fraction is kept as its text
    assert parse_records(b'{"events": []}') == []


def test_a_single_event_is_the_whole_body():
    record = _one(f"\n {json.dumps(EVENT)} \n")
    assert record.text == json.dumps(EVENT) and record.value == EVENT


@pytest.mark.parametrize("body, status, words", [
    (b"", 400, "empty"), (b"{", 400, "not valid JSON"), (b'{"a": NaN}', 400, "not valid JSON"),
    (b'{"a": "\xc3"}', 400, "UTF-8"), (b"1.5", 422, "got a JSON number"), (b'"x"', 422, "got a JSON string"),
    (b'{"events": 1}', 422, "expected an array"), (b'{"events": [], "x": 1}', 422, "unexpected 'x'"),
    (b'{"events": [1], "events": [2]}', 422, "duplicate key 'events'"),
    (json.dumps({"events": [{}] * (MAX_BATCH + 1)}).encode(), 413, "at most 10,000"),
])
def test_bodies_that_are_not_one_event_or_a_batch(body, status, words):
    with pytest.raises(BodyError) as error:
        parse_records(body)
    assert error.value.status == status and words in error.value.message


def test_a_valid_record_becomes_the_exact_json_of_the_validated_event_for_the_keys_tenant():
    checked = check_record(_one(json.dumps(EVENT)), "acme")
    assert isinstance(checked, InboxEvent)
    assert checked.event_id == "e1" and checked.day == date(2026, 10, 1)
    assert json.loads(checked.body) == {**EVENT, "tenant_id": "acme", "dimensions": {}}
    assert isinstance(check_record(_one("{ }"), "acme"), list)  # tenant filled in, the rest still required


def test_another_tenant_is_refused_beside_what_the_contract_reports():
    problems = check_record(_one(json.dumps({**EVENT, "tenant_id": "globex", "quantity": "-1"})), "acme")
    assert [field for field, _ in problems] == ["tenant_id", "quantity"]
    assert "'acme'" in problems[0][1] and problems[1][1].startswith("quantity:")
    assert check_record(_one(json.dumps({**EVENT, "tenant_id": 7})), "acme")[0][0] == "tenant_id"


@pytest.mark.parametrize("text, field", [
    ('{"event_id": "a\\u0000b", "metric": "m", "quantity": "1", "timestamp": "2026-10-01T00:00:00Z"}', "event_id"),
    ('{"event_id": "a", "metric": "m", "metric": "n", "quantity": "1", "timestamp": "2026-10-01T00:00:00Z"}',
     "record"),
    ('{"event_id": "a", "metric": "m", "quantity": 1.5, "timestamp": "2026-10-01T00:00:00Z"}', "quantity"),
    ('{"event_id": "a\\ud800", "metric": "m", "quantity": "1", "timestamp": "2026-10-01T00:00:00Z"}', "record"),
    ("[]", "record"),
])
def test_what_cannot_be_stored_faithfully_is_refused_naming_the_field(text, field):
    problems = check_record(_one(f'{{"events": [{text}]}}'), "acme")
    assert isinstance(problems, list) and problems[0][0] == field


def test_errors_are_answerable_even_when_the_record_holds_no_unicode():
    error = RecordError(0, "e\ud800", "record", "bad \udc00")
    assert json.dumps(error.to_dict(), ensure_ascii=False).encode("utf-8")


def test_utc_day():
    assert utc_day("2026-10-01T23:59:59.999999999Z") == date(2026, 10, 1)
    assert utc_day("2026-10-01T23:30:00-01:00") == date(2026, 10, 2)
    assert utc_day(datetime(2026, 10, 1, 23, tzinfo=timezone.utc)) == date(2026, 10, 1)
    with pytest.raises(ValueError, match="no UTC offset"):
        utc_day("2026-10-01T10:00:00")
