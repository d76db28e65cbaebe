"""ingest(): every record of a request ends accepted, duplicate or rejected, once (no HTTP)."""

import json

from api_service import inbox_rows, seed_tenants
from billing_dagster.api.ingestion import ingest


def _body(*events) -> bytes:
    return json.dumps({"events": [{"event_id": event_id, "metric": "api_calls", "quantity": quantity,
                                   "timestamp": "2026-10-01T10:00:00Z"} for event_id, quantity in events]}).encode()


def test_repeats_follow_the_fate_of_the_first_copy(engine):
    seed_tenants(engine, "acme")
    assert ingest(engine, "acme", _body(("a", "1")))["accepted"] == 1
    # a: conflicts with the stored body, and so does its identical repeat; b: new, then a duplicate, then a
    # conflict within the batch
    result = ingest(engine, "acme", _body(("a", "2"), ("b", "1"), ("a", "2"), ("b", "1"), ("b", "3")))
    assert (result["accepted"], result["duplicate"], result["rejected"]) == (1, 1, 3)
    assert [(e["index"], e["field"]) for e in result["errors"]] == [(0, "event_id"), (2, "event_id"),
                                                                    (4, "event_id")]
    assert all(e["reason"].startswith("event_id: conflict") for e in result["errors"])
    assert inbox_rows(engine) == 2


def test_counts_always_balance(engine):
    seed_tenants(engine, "acme")
    body = _body(("a", "1"), ("a", "1"), ("b", "-1"), ("c", 5), ("d", "x"))
    for _ in range(2):
        result = ingest(engine, "acme", body)
        assert result["accepted"] + result["duplicate"] + result["rejected"] == 5
    assert inbox_rows(engine) == 2
