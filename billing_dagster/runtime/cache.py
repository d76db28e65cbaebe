"""Compiled modules on disk, sealed so that the host only ever deserializes what it compiled itself.

Threat model. `wasmtime.Module.deserialize` maps the bytes it is given as executable native code and
does not validate them: whoever controls a `.cwasm` the host loads controls the host process. The
cache directory is therefore treated as untrusted storage (a shared volume, a restored backup, a
folder another process or a bug may write, an artifact of another wasmtime version):

* every artifact is sealed with HMAC-SHA256 under a secret key, over a domain tag, the engine
  fingerprint (wasmtime version + engine settings + CPU architecture), the module's sha256 and the
  serialized bytes. A file that fails the check (tampered, truncated, planted, renamed from another
  module, made by another engine) is deleted and the module is compiled again from its wasm bytes;
* the key never lives in the cache directory: it comes from the caller, from BILLING_WASM_CACHE_KEY
  (production: a secret from the secret store), or from a key file next to the directory, created
  0600 and refused if another user owns it or it is group/world writable;
* only modules that passed the import and export checks are ever written, and the wasm bytes
  themselves are always checked against their sha256 before anything is compiled.

Out of scope: an attacker who can read the key or write the host's memory already owns the host.
"""

import hashlib
import hmac
import os
import stat
import tempfile
from pathlib import Path

_MAGIC = b"billing-dagster compiled module v1\n"
_MAC_BYTES = 32
KEY_ENV = "BILLING_WASM_CACHE_KEY"
DIR_ENV = "BILLING_WASM_CACHE_DIR"


class CacheKeyError(RuntimeError):
    """The cache's sealing key cannot be read or created."""


class ArtifactCache:
    """`<directory>/<fingerprint[:16]>/<sha256>.cwasm`: magic line, HMAC, serialized module."""

    def __init__(self, directory: Path | str, key: bytes):
        if len(key) < 16:
            raise CacheKeyError("the compiled-module cache key must be at least 16 bytes")
        self.directory = Path(directory)
        self._key = key
        self.hits = 0
        self.rejected = 0

    @classmethod
    def default(cls, directory: Path | str | None = None) -> "ArtifactCache":
        """BILLING_WASM_CACHE_DIR or <billing home>/wasm-cache; the key from BILLING_WASM_CACHE_KEY or
        a 0600 key file beside the directory (`wasm-cache.key`)."""
        if directory is None:
            from billing_dagster.settings import billing_home

            directory = os.environ.get(DIR_ENV) or billing_home() / "wasm-cache"
        directory = Path(directory)
        secret = os.environ.get(KEY_ENV)
        key = secret.encode() if secret else _key_file(directory.with_name(directory.name + ".key"))
        return cls(directory, key)

    def path(self, sha256: str, fingerprint: str) -> Path:
        return self.directory / fingerprint[:16] / f"{sha256}.cwasm"

    def get(self, sha256: str, fingerprint: str) -> bytes | None:
        """The serialized module if a sealed artifact for exactly this module and engine is present."""
        path = self.path(sha256, fingerprint)
        try:
            blob = path.read_bytes()
        except OSError:
            return None
        head = len(_MAGIC)
        mac, payload = blob[head:head + _MAC_BYTES], blob[head + _MAC_BYTES:]
        if blob[:head] != _MAGIC or not hmac.compare_digest(mac, self._seal(sha256, fingerprint, payload)):
            self.rejected += 1
            path.unlink(missing_ok=True)
            return None
        self.hits += 1
        return payload

    def put(self, sha256: str, fingerprint: str, serialized: bytes) -> None:
        """Writes atomically (temp file, then rename); a failure to write only costs a later compile."""
        path = self.path(sha256, fingerprint)
        temp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
            with os.fdopen(handle, "wb") as out:
                out.write(_MAGIC + self._seal(sha256, fingerprint, bytes(serialized)) + serialized)
            os.replace(temp, path)
        except OSError:
            if temp is not None:
                Path(temp).unlink(missing_ok=True)

    def _seal(self, sha256: str, fingerprint: str, payload: bytes) -> bytes:
        mac = hmac.new(self._key, digestmod=hashlib.sha256)
        mac.update(f"{_MAGIC.decode().strip()}\0{fingerprint}\0{sha256}\0".encode())
        mac.update(payload)
        return mac.digest()


def _key_file(path: Path) -> bytes:
    """Reads the host's cache key, creating it (random, mode 0600) on first use."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Written whole, then linked into place: a concurrent reader never sees a half-written key.
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".key")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(os.urandom(32).hex().encode())
            try:
                os.link(temp, path)
            except FileExistsError:  # another process created the key first: use theirs, read below
                pass
        finally:
            os.unlink(temp)
    info = path.stat()
    if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise CacheKeyError(f"{path}: the cache key must be owned by this user and not group/world writable")
    key = path.read_bytes().strip()
    if len(key) < 16:
        raise CacheKeyError(f"{path}: the cache key is too short")
    return key
