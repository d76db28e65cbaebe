"""Tenant API keys of the ingestion API: shown once at creation, stored only as a hash, each for one tenant.

A key reads `bdk_<id>_<secret>`. `id` (16 hex digits) is public: it names the key in `api-keys list|revoke` and
finds its row. `secret` is 32 bytes from `secrets` (URL-safe base64), of which only the sha256 is stored.

Why a plain sha256 and not bcrypt or argon2: slow password hashes make guessing a *low-entropy* password
expensive after a database leak. A 256-bit random secret cannot be guessed at any hash speed, so a slow hash
would add nothing but milliseconds of CPU to every request. The stored hash is compared in constant time.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Engine, select, update

from billing_dagster.store import models as m

KEY_PREFIX = "bdk"
_KEY_PATTERN = re.compile(r"bdk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})")
_NO_SUCH_HASH = "0" * 64  # compared against when the id is unknown, so both paths do the same work


class UnknownTenant(LookupError):
    """The tenant a key is asked for is not in the billing database."""


class UnknownKey(LookupError):
    """No API key has this id."""


class InvalidKey(PermissionError):
    """The presented key is malformed, unknown, or its secret does not match."""


class RevokedKey(PermissionError):
    """The presented key is genuine but was revoked."""


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    id: str
    tenant_id: str
    name: str | None
    created_at: datetime
    revoked_at: datetime | None

    def to_dict(self) -> dict:
        return {"id": self.id, "tenant_id": self.tenant_id, "name": self.name,
                "created_at": self.created_at.isoformat(),
                "revoked_at": None if self.revoked_at is None else self.revoked_at.isoformat()}


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def _info(row) -> ApiKeyInfo:
    return ApiKeyInfo(row.id, row.tenant_id, row.name, row.created_at, row.revoked_at)


_COLUMNS = (m.ApiKey.id, m.ApiKey.tenant_id, m.ApiKey.name, m.ApiKey.created_at, m.ApiKey.revoked_at)


def create_key(engine: Engine, tenant_id: str, name: str | None = None) -> tuple[ApiKeyInfo, str]:
    """A new key for `tenant_id`: its record and the key text, which is never shown or stored again."""
    key_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    now = datetime.now(timezone.utc)
    with engine.begin() as conn:
        if conn.execute(select(m.Tenant.id).where(m.Tenant.id == tenant_id)).first() is None:
            raise UnknownTenant(f"tenant {tenant_id!r} is not in the billing database")
        conn.execute(m.ApiKey.__table__.insert().values(
            id=key_id, tenant_id=tenant_id, name=name, secret_sha256=_hash(secret), created_at=now))
    return ApiKeyInfo(key_id, tenant_id, name, now, None), f"{KEY_PREFIX}_{key_id}_{secret}"


def list_keys(engine: Engine, tenant_id: str | None = None) -> list[ApiKeyInfo]:
    query = select(*_COLUMNS).order_by(m.ApiKey.tenant_id, m.ApiKey.created_at, m.ApiKey.id)
    if tenant_id is not None:
        query = query.where(m.ApiKey.tenant_id == tenant_id)
    with engine.connect() as conn:
        return [_info(row) for row in conn.execute(query)]


def revoke_key(engine: Engine, key_id: str) -> ApiKeyInfo:
    """Revoke a key from now on; revoking it again keeps the first revocation time."""
    with engine.begin() as conn:
        conn.execute(update(m.ApiKey).where(m.ApiKey.id == key_id, m.ApiKey.revoked_at.is_(None))
                     .values(revoked_at=datetime.now(timezone.utc)))
        row = conn.execute(select(*_COLUMNS).where(m.ApiKey.id == key_id)).first()
    if row is None:
        raise UnknownKey(f"no API key with id {key_id!r}")
    return _info(row)


def authenticate(engine: Engine, presented: str) -> ApiKeyInfo:
    """The key's record if `presented` is a genuine, unrevoked key; else InvalidKey or RevokedKey."""
    match = _KEY_PATTERN.fullmatch(presented)
    if match is None:
        raise InvalidKey(f"malformed API key: expected {KEY_PREFIX}_<16 hex digits>_<43 characters>")
    key_id, secret = match.groups()
    with engine.connect() as conn:
        row = conn.execute(select(*_COLUMNS, m.ApiKey.secret_sha256).where(m.ApiKey.id == key_id)).first()
    genuine = hmac.compare_digest(_hash(secret), _NO_SUCH_HASH if row is None else row.secret_sha256)
    if row is None or not genuine:
        raise InvalidKey("invalid API key")
    if row.revoked_at is not None:
        raise RevokedKey(f"API key {key_id} was revoked at {row.revoked_at.isoformat()}")
    return _info(row)
