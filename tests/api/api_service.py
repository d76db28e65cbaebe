"""The ingestion API under test: a billing database (SQLite, or PostgreSQL when BILLING_TEST_PG_URL is set) with
two tenants and their keys, and `billing-dagster serve` run as a real uvicorn process on 127.0.0.1.

Test modules import the fixtures (world, service) by name from here."""

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from billing_dagster.store import models as m
from billing_dagster.store.api_keys import create_key  # noqa: F401  (re-exported for the tests)
from conftest import fresh_database, migrated_engine  # noqa: F401  (re-exported for the tests)

REPO = Path(__file__).resolve().parents[2]


def seed_tenants(engine: Engine, *tenant_ids: str) -> None:
    with Session(engine) as s, s.begin():
        s.merge(m.TaxRegion(code="US-CA", name="California", rate=0))
        s.flush()
        for tenant_id in tenant_ids:
            s.merge(m.Tenant(id=tenant_id, name=tenant_id, currency="USD", tax_region="US-CA", tax_exempt=False,
                             net_terms_days=30, created_at=datetime.now(timezone.utc)))


def inbox_rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(m.UsageInbox)).scalar_one()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Service:
    """`billing-dagster serve` in a subprocess, on 127.0.0.1 and a free port."""

    def __init__(self, db_url: str, log: Path, workers: int = 1):
        self.db_url, self.log, self.workers = db_url, log, workers
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> "Service":
        for _ in range(3):  # the free port may be taken between probe and bind: try another
            port = free_port()
            env = {**os.environ, "BILLING_DB_URL": self.db_url, "PYTHONPATH": str(REPO)}
            with open(self.log, "ab") as log:
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "billing_dagster.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                     "--workers", str(self.workers), "--log-level", "warning"],
                    env=env, stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
            self.url = f"http://127.0.0.1:{port}"
            if self._wait_healthy():
                return self
            self.stop()
        raise RuntimeError(f"the service did not start; its log:\n{self.log.read_text()}")

    def _wait_healthy(self, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return True
            except httpx.TransportError:
                pass  # not listening yet: poll again until the deadline
            time.sleep(0.1)
        return False

    def kill(self) -> None:
        """SIGKILL: no shutdown handler, no flush, no goodbye."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class World:
    db_url: str
    engine: Engine
    keys: dict[str, str]  # tenant -> key
    key_ids: dict[str, str]
    folder: Path

    def new_key(self, tenant_id: str) -> tuple[str, str]:
        info, key = create_key(self.engine, tenant_id, "test")
        return info.id, key


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("api")
    with fresh_database(folder) as url, migrated_engine(url) as engine:
        seed_tenants(engine, "acme", "globex")
        made = {tenant: create_key(engine, tenant, "test") for tenant in ("acme", "globex")}
        yield World(url, engine, {t: key for t, (_, key) in made.items()}, {t: i.id for t, (i, _) in made.items()},
                    folder)


@pytest.fixture(scope="module")
def service(world):
    running = Service(world.db_url, world.folder / "serve.log").start()
    yield running
    running.stop()
