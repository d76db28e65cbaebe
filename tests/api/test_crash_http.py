"""kill -9 of the service while clients are sending: every acknowledged event is in the inbox, and a retry
after the restart stores nothing twice."""

import threading
import time
import uuid

import httpx
from sqlalchemy import select

from api_service import Service, create_key, fresh_database, migrated_engine, seed_tenants
from billing_dagster.store import models as m

CLIENTS, BATCH = 4, 250


def _batches(count: int) -> list[list[dict]]:
    run = uuid.uuid4().hex[:8]
    return [[{"event_id": f"{run}-{b}-{i}", "metric": "api_calls", "quantity": str(i + 1),
              "timestamp": f"2026-10-{1 + b % 28:02d}T12:00:00Z"} for i in range(BATCH)] for b in range(count)]


def test_nothing_acknowledged_is_lost_when_the_service_is_killed(tmp_path):
    with fresh_database(tmp_path) as url, migrated_engine(url) as engine:
        seed_tenants(engine, "acme")
        _, key = create_key(engine, "acme")
        headers = {"Authorization": f"Bearer {key}"}
        batches = _batches(400)
        acknowledged: list[int] = []
        service = Service(url, tmp_path / "serve.log").start()
        stop = threading.Event()

        def client(offset: int) -> None:
            with httpx.Client(base_url=service.url, headers=headers, timeout=30) as http:
                for number in range(offset, len(batches), CLIENTS):
                    if stop.is_set():
                        return
                    try:
                        response = http.post("/v1/events", json={"events": batches[number]})
                    except httpx.TransportError:
                        return  # the service died under this request: not acknowledged
                    assert response.status_code == 202, response.text
                    assert response.json()["accepted"] == BATCH
                    acknowledged.append(number)

        threads = [threading.Thread(target=client, args=(offset,)) for offset in range(CLIENTS)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while len(acknowledged) < 20 and time.monotonic() < deadline:
            time.sleep(0.01)
        service.kill()  # SIGKILL, with requests in flight
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        assert 20 <= len(acknowledged) < len(batches), "the kill must land while batches are still being sent"

        with engine.connect() as conn:
            stored = set(conn.execute(select(m.UsageInbox.event_id).where(m.UsageInbox.tenant_id == "acme"))
                         .scalars())
        lost = [e["event_id"] for n in acknowledged for e in batches[n] if e["event_id"] not in stored]
        assert lost == []

        # every batch again (the acknowledged ones are retries): duplicates, never second rows
        service = Service(url, tmp_path / "serve.log").start()
        try:
            with httpx.Client(base_url=service.url, headers=headers, timeout=60) as http:
                duplicates = 0
                for batch in batches:
                    result = http.post("/v1/events", json={"events": batch}).json()
                    assert result["rejected"] == 0 and result["accepted"] + result["duplicate"] == BATCH
                    duplicates += result["duplicate"]
        finally:
            service.stop()
        assert duplicates == len(stored) >= len(acknowledged) * BATCH
        with engine.connect() as conn:
            rows = conn.execute(select(m.UsageInbox.event_id)).scalars().all()
        assert len(rows) == len(set(rows)) == len(batches) * BATCH
