"""Compiled modules are cached by sha256 in memory and on disk; only our own sealed artifacts are loaded."""

import hashlib
import os
import stat
from pathlib import Path

import pytest
import wasmtime

from billing_dagster.runtime.cache import ArtifactCache, CacheKeyError
from billing_dagster.runtime.engine import engine_slot
from billing_dagster.runtime.host import Limits, ModuleError, WasmHost

MODULES = Path(__file__).with_name("modules")
DIST = Path(__file__).resolve().parents[2] / "wasm" / "dist"
LIMITS = Limits.for_tier("partner")
KEY = b"k" * 32
INPUT = b'{"abi":1,"tenant":"t1"}'


def wat(name: str) -> tuple[str, bytes]:
    wasm = wasmtime.wat2wasm((MODULES / f"{name}.wat").read_text())
    return hashlib.sha256(wasm).hexdigest(), wasm


def forget_compiled() -> None:
    """Drops this process's in-memory modules, as a new process would start."""
    for tier in ("tenant", "partner", "system"):
        engine_slot(Limits.for_tier(tier).max_stack_bytes).modules.clear()


@pytest.fixture
def echo():
    forget_compiled()
    yield wat("echo")
    forget_compiled()


def test_memory_cache_compiles_once_per_process(tmp_path, echo):
    sha, wasm = echo
    first = WasmHost(LIMITS, cache=ArtifactCache(tmp_path, KEY))
    first.load(sha, wasm)
    second = WasmHost(LIMITS, cache=ArtifactCache(tmp_path, KEY))
    second.load(sha, wasm)
    assert (first.compiled, second.compiled, second.cache.hits) == (1, 0, 0)


def test_disk_cache_serves_a_new_process_without_compiling(tmp_path, echo):
    sha, wasm = echo
    writer = WasmHost(LIMITS, cache=ArtifactCache(tmp_path, KEY))
    writer.load(sha, wasm)
    expected = writer.call(sha, INPUT)
    artifacts = list(tmp_path.rglob("*.cwasm"))
    assert [a.name for a in artifacts] == [f"{sha}.cwasm"]

    forget_compiled()
    reader = WasmHost(LIMITS, cache=ArtifactCache(tmp_path, KEY))
    reader.load(sha, wasm)
    assert (reader.compiled, reader.cache.hits, reader.cache.rejected) == (0, 1, 0)
    result = reader.call(sha, INPUT)
    assert (result.output_bytes, result.fuel) == (expected.output_bytes, expected.fuel)


def tamper_and_reload(tmp_path, sha, wasm, damage) -> WasmHost:
    WasmHost(LIMITS, cache=ArtifactCache(tmp_path, KEY)).load(sha, wasm)
    artifact = next(tmp_path.rglob(f"{sha}.cwasm"))
    damage(artifact)
    forget_compiled()
    host = WasmHost(LIMITS, cache=ArtifactCache(tmp_path, KEY))
    host.load(sha, wasm)
    return host


@pytest.mark.parametrize("damage", [
    lambda p: p.write_bytes(p.read_bytes()[:-1] + bytes([p.read_bytes()[-1] ^ 1])),  # one bit of code
    lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),              # truncated
    lambda p: p.write_bytes(b"not a module at all"),                                  # garbage
], ids=["flipped-bit", "truncated", "garbage"])
def test_a_damaged_artifact_is_rejected_and_recompiled(tmp_path, echo, damage):
    sha, wasm = echo
    host = tamper_and_reload(tmp_path, sha, wasm, damage)
    assert (host.compiled, host.cache.hits, host.cache.rejected) == (1, 0, 1)
    assert host.call(sha, INPUT).output["echo"] == {"abi": 1, "tenant": "t1"}
    # ... and the artifact on disk is a sealed one again
    forget_compiled()
    again = WasmHost(LIMITS, cache=ArtifactCache(tmp_path, KEY))
    again.load(sha, wasm)
    assert (again.compiled, again.cache.hits) == (0, 1)


def test_an_artifact_sealed_with_another_key_is_never_deserialized(tmp_path, echo):
    sha, wasm = echo
    WasmHost(LIMITS, cache=ArtifactCache(tmp_path, b"someone else's key!!")).load(sha, wasm)
    forget_compiled()
    host = WasmHost(LIMITS, cache=ArtifactCache(tmp_path, KEY))
    host.load(sha, wasm)
    assert (host.compiled, host.cache.rejected) == (1, 1)


def test_an_artifact_moved_to_another_modules_name_is_rejected(tmp_path, echo):
    """The seal covers the module's sha256: a valid artifact of module A cannot pose as module B."""
    sha, wasm = echo
    other_sha, other_wasm = wat("unreachable")
    cache = ArtifactCache(tmp_path, KEY)
    WasmHost(LIMITS, cache=cache).load(other_sha, other_wasm)
    forget_compiled()
    planted = cache.path(sha, engine_slot(LIMITS.max_stack_bytes).fingerprint)
    planted.write_bytes(cache.path(other_sha, engine_slot(LIMITS.max_stack_bytes).fingerprint).read_bytes())
    host = WasmHost(LIMITS, cache=ArtifactCache(tmp_path, KEY))
    host.load(sha, wasm)
    assert (host.compiled, host.cache.rejected) == (1, 1)
    assert "echo" in host.call(sha, INPUT).output


def test_artifacts_are_keyed_by_engine_fingerprint(tmp_path, echo):
    """Each stack cap is its own engine: the same module gets one artifact per engine configuration."""
    sha, wasm = echo
    for tier in ("tenant", "partner"):
        WasmHost(Limits.for_tier(tier), cache=ArtifactCache(tmp_path, KEY)).load(sha, wasm)
    assert len(list(tmp_path.rglob(f"{sha}.cwasm"))) == 2
    fingerprints = {engine_slot(Limits.for_tier(t).max_stack_bytes).fingerprint for t in ("tenant", "partner")}
    assert len(fingerprints) == 2


def test_modules_that_fail_the_checks_are_never_written(tmp_path):
    cache = ArtifactCache(tmp_path, KEY)
    sha, wasm = wat("wasi_clock")
    with pytest.raises(ModuleError):
        WasmHost(LIMITS, cache=cache).load(sha, wasm)
    assert list(tmp_path.rglob("*.cwasm")) == []


def test_bytes_that_do_not_match_their_sha256_are_refused(tmp_path):
    sha, _ = wat("echo")
    _, other = wat("unreachable")
    with pytest.raises(ModuleError) as caught:
        WasmHost(LIMITS, cache=ArtifactCache(tmp_path, KEY)).load(sha, other)
    assert caught.value.reason == "invalid_module"
    assert list(tmp_path.rglob("*.cwasm")) == []


def test_not_webassembly_is_an_invalid_module(tmp_path):
    junk = b"\x00asm but not really"
    with pytest.raises(ModuleError) as caught:
        WasmHost(LIMITS, cache=ArtifactCache(tmp_path, KEY)).load(hashlib.sha256(junk).hexdigest(), junk)
    assert caught.value.reason == "invalid_module"


def test_default_cache_creates_a_private_key_beside_the_directory(tmp_path, monkeypatch, echo):
    monkeypatch.delenv("BILLING_WASM_CACHE_KEY", raising=False)
    sha, wasm = echo
    host = WasmHost(LIMITS, tmp_path / "wasm-cache")
    host.load(sha, wasm)
    key_file = tmp_path / "wasm-cache.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert not list((tmp_path / "wasm-cache").rglob("*.key"))  # never inside the cache directory
    assert len(list((tmp_path / "wasm-cache").rglob("*.cwasm"))) == 1
    assert ArtifactCache.default(tmp_path / "wasm-cache")._key == key_file.read_bytes().strip()


def test_default_cache_takes_the_key_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("BILLING_WASM_CACHE_KEY", "a-production-secret-of-some-length")
    cache = ArtifactCache.default(tmp_path / "c")
    assert cache._key == b"a-production-secret-of-some-length"
    assert not (tmp_path / "c.key").exists()


def test_a_group_writable_key_file_disables_the_disk_cache(tmp_path, monkeypatch):
    monkeypatch.delenv("BILLING_WASM_CACHE_KEY", raising=False)
    key_file = tmp_path / "wasm-cache.key"
    key_file.write_bytes(os.urandom(16).hex().encode())
    key_file.chmod(0o664)
    with pytest.raises(CacheKeyError):
        ArtifactCache.default(tmp_path / "wasm-cache")
    with pytest.warns(RuntimeWarning, match="disk cache disabled"):
        host = WasmHost(LIMITS, tmp_path / "wasm-cache")
    assert host.cache is None


def test_system_module_round_trips_through_the_disk_cache(tmp_path):
    wasm = (DIST / "tax.wasm").read_bytes()
    sha = hashlib.sha256(wasm).hexdigest()
    forget_compiled()
    WasmHost(LIMITS, cache=ArtifactCache(tmp_path, KEY)).load(sha, wasm)
    forget_compiled()
    host = WasmHost(LIMITS, cache=ArtifactCache(tmp_path, KEY))
    host.load(sha, wasm)
    assert (host.compiled, host.cache.hits) == (0, 1)
    forget_compiled()
