"""POST /v1/events over real HTTP against `billing-dagster serve` (uvicorn on 127.0.0.1)."""

import json
import socket
import uuid

import httpx
import pytest
from sqlalchemy import select

from api_service import inbox_rows, service, world  # noqa: F401  (fixtures)
from billing_dagster.api.body import MAX_BATCH, MAX_BODY_BYTES
from billing_dagster.api.openapi_file import OPENAPI_FILE
from billing_dagster.store import models as m
from billing_dagster.store.api_keys import revoke_key


def _id() -> str:
    return f"e-{uuid.uuid4().hex[:12]}"


def event(event_id: str | None = None, **fields) -> dict:
    return {"event_id": event_id or _id(), "metric": "api_calls", "quantity": "1.5",
            "timestamp": "2026-10-01T10:00:00Z", **fields}


def post(service, key: str | None, body=None, content: bytes | None = None, headers=None) -> httpx.Response:
    headers = dict(headers or {})
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    if content is None:
        content = json.dumps(body).encode()
        headers.setdefault("Content-Type", "application/json")
    return httpx.post(f"{service.url}/v1/events", content=content, headers=headers, timeout=60)


def stored(world, tenant_id: str, event_id: str):
    with world.engine.connect() as conn:
        return conn.execute(select(m.UsageInbox).where(
            m.UsageInbox.tenant_id == tenant_id, m.UsageInbox.event_id == event_id)).first()


def test_healthz(service):
    response = httpx.get(f"{service.url}/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_a_single_event_is_stored_for_the_keys_tenant_before_the_202(world, service):
    sent = event(quantity="0.123456789", dimensions={"region": "eu"})
    response = post(service, world.keys["acme"], sent)
    assert response.status_code == 202
    assert response.json() == {"accepted": 1, "duplicate": 0, "rejected": 0, "errors": []}
    row = stored(world, "acme", sent["event_id"])
    assert row.day.isoformat() == "2026-10-01" and row.drained_at is None
    assert json.loads(row.body) == {**sent, "tenant_id": "acme"}
    assert '"quantity":"0.123456789"' in row.body  # the digits as sent, never through a float


def test_a_batch_keeps_its_valid_records_and_names_the_field_of_each_rejected_one(world, service):
    good = [event(), event(quantity=7), event(tenant_id="acme")]
    bad = [event(quantity="-1"), {k: v for k, v in event().items() if k != "metric"}, ["not", "an", "object"],
           event(timestamp="2026-10-01 10:00:00"), event(event_id=42)]
    batch = [good[0], bad[0], good[1], bad[1], bad[2], good[2], bad[3], bad[4]]
    response = post(service, world.keys["acme"], {"events": batch})
    assert response.status_code == 202
    result = response.json()
    assert (result["accepted"], result["duplicate"], result["rejected"]) == (3, 0, 5)
    assert [(e["index"], e["field"]) for e in result["errors"]] == [
        (1, "quantity"), (3, "metric"), (4, "record"), (6, "timestamp"), (7, "event_id")]
    assert result["errors"][0]["event_id"] == bad[0]["event_id"] and result["errors"][4]["event_id"] is None
    assert all(stored(world, "acme", e["event_id"]) for e in good)
    assert not stored(world, "acme", bad[0]["event_id"])


def test_duplicates_in_one_batch_and_across_requests_are_counted_and_stored_once(world, service):
    first, second = event(), event()
    response = post(service, world.keys["acme"], {"events": [first, second, first]})
    assert response.json() == {"accepted": 2, "duplicate": 1, "rejected": 0, "errors": []}
    before = inbox_rows(world.engine)
    response = post(service, world.keys["acme"], {"events": [second, first]})
    assert response.json() == {"accepted": 0, "duplicate": 2, "rejected": 0, "errors": []}
    assert post(service, world.keys["acme"], first).json()["duplicate"] == 1
    assert inbox_rows(world.engine) == before


def test_the_same_event_id_with_another_body_is_a_conflict_and_the_first_is_kept(world, service):
    first = event(quantity="1")
    assert post(service, world.keys["acme"], first).json()["accepted"] == 1
    changed = {**first, "quantity": "2"}
    result = post(service, world.keys["acme"], {"events": [changed]}).json()
    assert result["rejected"] == 1 and result["errors"][0]["field"] == "event_id"
    assert "conflict" in result["errors"][0]["reason"]
    assert json.loads(stored(world, "acme", first["event_id"]).body)["quantity"] == "1"
    other = event(quantity="3")
    result = post(service, world.keys["acme"], {"events": [other, {**other, "quantity": "4"}]}).json()
    assert (result["accepted"], result["rejected"], result["errors"][0]["index"]) == (1, 1, 1)


def test_a_key_writes_its_own_tenant_only(world, service):
    shared_id = _id()
    result = post(service, world.keys["acme"], {"events": [event(shared_id, tenant_id="globex")]}).json()
    assert result["rejected"] == 1
    assert result["errors"][0]["field"] == "tenant_id" and "'acme'" in result["errors"][0]["reason"]
    assert stored(world, "globex", shared_id) is None
    # tenants have separate event_id spaces: globex's e-x is not a duplicate of acme's e-x
    assert post(service, world.keys["acme"], event(shared_id)).json()["accepted"] == 1
    assert post(service, world.keys["globex"], event(shared_id, tenant_id="globex")).json()["accepted"] == 1
    assert stored(world, "globex", shared_id) and stored(world, "acme", shared_id)


def test_a_revoked_key_is_refused(world, service):
    key_id, key = world.new_key("acme")
    assert post(service, key, event()).status_code == 202
    revoke_key(world.engine, key_id)
    response = post(service, key, event())
    assert response.status_code == 401 and "revoked" in response.json()["detail"]


@pytest.mark.parametrize("header", [None, "Basic YWxhZGRpbjpvcGVuc2VzYW1l", "Bearer", "Bearer not-a-key",
                                    "Bearer bdk_0123456789abcdef_" + "A" * 43, "wrong-secret"])
def test_missing_or_bad_credentials_are_401(world, service, header):
    if header == "wrong-secret":
        key_id = world.key_ids["acme"]
        header = f"Bearer bdk_{key_id}_" + "B" * 43
    before = inbox_rows(world.engine)
    response = post(service, None, event(), headers={} if header is None else {"Authorization": header})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer" and response.json()["detail"]
    assert inbox_rows(world.engine) == before


def test_more_than_the_batch_limit_is_413_and_stores_nothing(world, service):
    before = inbox_rows(world.engine)
    response = post(service, world.keys["acme"], {"events": [event() for _ in range(MAX_BATCH + 1)]})
    assert response.status_code == 413 and "at most 10,000" in response.json()["detail"]
    assert inbox_rows(world.engine) == before


def test_a_full_batch_is_accepted(world, service):
    response = post(service, world.keys["acme"], {"events": [event() for _ in range(MAX_BATCH)]})
    assert response.status_code == 202 and response.json()["accepted"] == MAX_BATCH


def test_a_body_declared_over_the_byte_limit_is_413_before_it_is_read(world, service):
    """A raw request (httpx would not send a Content-Length its body does not match)."""
    host, port = service.url.removeprefix("http://").split(":")
    request = (f"POST /v1/events HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {world.keys['acme']}\r\n"
               f"Content-Type: application/json\r\nContent-Length: {MAX_BODY_BYTES + 1}\r\n\r\n{{}}")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(request.encode())
        answer = b""
        while b"\r\n\r\n" not in answer or b"}" not in answer.split(b"\r\n\r\n", 1)[1]:
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413") and b"at most 10,000 events" in answer


@pytest.mark.parametrize("content, status, words", [
    (b'{"events": [', 400, "not valid JSON"),
    (b"", 400, "empty"),
    (b'\xef\xbb\xbf{"event_id": "x"}', 400, "not valid JSON"),  # a BOM is not JSON
    (b'{"event_id": "\xff"}', 400, "not valid UTF-8"),
    (b'{"events": [{"quantity": NaN}]}', 400, "not valid JSON"),
    (b"[1, 2]", 422, "expected one event object"),
    (b'{"events": {"event_id": "x"}}', 422, "expected an array"),
    (b'{"events": [], "tenant_id": "acme"}', 422, "unexpected 'tenant_id'"),
    (b'{"events": [], "events": []}', 422, "duplicate key 'events'"),
])
def test_a_body_that_is_not_an_event_or_batch_is_refused_with_a_clear_message(world, service, content, status,
                                                                               words):
    response = post(service, world.keys["acme"], content=content)
    assert response.status_code == status and words in response.json()["detail"]


def test_numbers_are_never_rounded(world, service):
    """A JSON number quantity is stored with its literal digits or rejected naming quantity; never rounded."""
    for literal in ("1.000000001", "12345678901234567890", "1e3"):
        event_id = _id()
        content = (f'{{"event_id": "{event_id}", "metric": "api_calls", "quantity": {literal}, '
                   '"timestamp": "2026-10-01T10:00:00Z"}').encode()
        result = post(service, world.keys["acme"], content=content).json()
        if result["accepted"]:
            assert literal in stored(world, "acme", event_id).body
        else:
            assert [e["field"] for e in result["errors"]] == ["quantity"]


def test_the_contract_decides_repeated_keys_unicode_and_nul_too(world, service):
    ids = [_id() for _ in range(5)]
    rest = '"quantity": "1", "timestamp": "2026-10-01T10:00:00+02:00"'
    content = ('{"events": ['
               f'{{"event_id": "{ids[0]}", "metric": "api_calls", "metric": "storage", {rest}}},'
               f'{{"event_id": "{ids[1]}", "metric": "api_calls", {rest}, "dimensions": {{"r\\ud800": "x"}}}},'
               f'{{"event_id": "{ids[2]}\\u0000", "metric": "api_calls", {rest}}},'
               f'{{"event_id": "{ids[3]}", "metric": "api_calls", {rest}, "dimensions": {{"a": "1", "a": "2"}}}},'
               f'{{"event_id": "{ids[4]}", "metric": "api_calls", {rest}, "dimensions": {{"emoji": "\\ud83d\\ude00"}}}}'
               ']}').encode()
    result = post(service, world.keys["acme"], content=content).json()
    assert (result["accepted"], result["rejected"]) == (1, 4), result
    assert [(e["index"], e["field"]) for e in result["errors"]] == [
        (0, "record"), (1, "record"), (2, "event_id"), (3, "dimensions")]
    assert "duplicate key" in result["errors"][0]["reason"]
    row = stored(world, "acme", ids[4])
    assert json.loads(row.body)["dimensions"] == {"emoji": "\U0001F600"}
    assert row.day.isoformat() == "2026-10-01"  # 10:00+02:00 is 08:00 UTC


def test_the_served_openapi_document_is_the_committed_one(service):
    served = httpx.get(f"{service.url}/openapi.json").json()
    assert served == json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))
    assert served["paths"]["/v1/events"]["post"]["security"] == [{"TenantApiKey": []}]
