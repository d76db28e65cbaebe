"""Runs pricing modules (ABI v1, wasm/README.md) under wasmtime.

Every call gets a fresh store: fuel cap (deterministic, fuel used recorded), epoch deadline (wall-clock
backstop), memory and table caps, the engine's stack cap, input and output size caps. Modules are
compiled once, cached by sha256 in memory and (sealed, see cache.py) on disk. Every failure is a
ModuleError carrying its reason (errors.REASONS) and the trap code when there was one.

    host = WasmHost(Limits.for_tier("tenant"))
    host.load(sha256, wasm)                        # checks sha256, imports and exports; compiles once
    result = host.call(sha256, b'{"abi":1,...}')   # CallResult(output, output_bytes, fuel, duration_us)

Compiled modules are content-addressed: every host of the process with the same stack cap shares them
(all load checks are properties of the bytes). A trap while linear memory is within an eighth of the
cap is reported as "memory" (wasm's memory.grow answers -1 at the cap and the module then traps).

Threads: calls release the GIL while wasm runs, but the env.abort message travels through a
wasmtime-py global, so under concurrent aborts the detail text may name another call's abort (the
reason is still "trap"). For parallelism use processes (spawned, not forked), one host each.
"""

import hashlib
import json
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import wasmtime

from billing_dagster.runtime import calls
from billing_dagster.runtime.cache import ArtifactCache, CacheKeyError
from billing_dagster.runtime.engine import GuestAbort, engine_slot
from billing_dagster.runtime.errors import REASONS, ModuleError
from billing_dagster.runtime.limits import Limits

__all__ = ["ALLOWED_IMPORTS", "REASONS", "CallResult", "Limits", "ModuleError", "WasmHost"]

ALLOWED_IMPORTS = frozenset({("env", "abort")})
_ABI_EXPORTS = {"alloc": (["i32"], ["i32"]), "run": (["i32", "i32"], ["i64"])}
_U64 = 0xFFFF_FFFF_FFFF_FFFF


@dataclass(frozen=True, slots=True)
class CallResult:
    output: dict
    output_bytes: bytes
    fuel: int
    duration_us: int


class WasmHost:
    """One engine (per stack cap, shared in the process), a compiled-module cache and a fresh store per call.

    `disk_cache=True` keeps compiled modules in `cache_dir` (default: ArtifactCache.default()); pass
    `disk_cache=False` for memory only, or `cache=` an ArtifactCache of your own.
    """

    def __init__(self, limits: Limits = Limits(), cache_dir: Path | str | None = None, *,
                 disk_cache: bool = True, cache: ArtifactCache | None = None):
        self.limits = limits
        self._slot = engine_slot(limits.max_stack_bytes)
        self._engine = self._slot.engine
        self.cache = cache if cache is not None else (_default_cache(cache_dir) if disk_cache else None)
        self.compiled = 0

    def load(self, sha256: str, wasm: bytes) -> None:
        """Validates and compiles a module once; refuses any import but env.abort and any other ABI."""
        if self._slot.get(sha256) is not None:
            return
        if hashlib.sha256(wasm).hexdigest() != sha256:
            raise ModuleError("invalid_module", f"the module's bytes do not hash to {sha256}")
        fingerprint = self._slot.fingerprint
        module = self._from_disk(sha256, fingerprint)
        fresh = module is None
        if fresh:
            try:
                module = wasmtime.Module(self._engine, wasm)
            except wasmtime.WasmtimeError as error:
                raise ModuleError("invalid_module", _first_line(str(error))) from None
            self.compiled += 1
        _check_abi(module)
        if fresh and self.cache is not None:
            self.cache.put(sha256, fingerprint, module.serialize())
        self._slot.put(sha256, self._slot.linker.instantiate_pre(module))

    def is_loaded(self, sha256: str) -> bool:
        return self._slot.get(sha256) is not None

    def call(self, sha256: str, document: bytes) -> CallResult:
        """Runs `run` on one input document in a fresh store; the output must be a JSON object."""
        started = time.perf_counter_ns()
        limits = self.limits
        if len(document) > limits.max_input_bytes:
            raise ModuleError("oversize_input", f"{len(document)} bytes > {limits.max_input_bytes}")
        pre = self._slot.get(sha256)
        if pre is None:
            raise ModuleError("invalid_module", f"module {sha256} is not loaded")
        store = wasmtime.Store(self._engine)
        store.set_limits(memory_size=limits.memory_bytes, table_elements=limits.max_table_elements,
                         instances=1, tables=2, memories=1)
        store.set_fuel(limits.fuel)
        store.set_epoch_deadline(limits.epoch_ticks)
        memory = None
        try:
            memory, alloc, run = calls.abi_exports(store, pre.instantiate(store))
            raw = self._run(store, memory, alloc, run, document)
        except wasmtime.Trap as trap:
            raise self._trap_error(store, memory, trap) from None
        except GuestAbort as abort:
            raise self._classified(store, memory, "trap", f"abort: {abort}", "abort") from None
        except wasmtime.WasmtimeError as error:
            message = _first_line(str(error))
            reason = "memory" if "exceeds memory limits" in message or "exceeds table limits" in message else "trap"
            raise ModuleError(reason, message, self._fuel_used(store)) from None
        except ModuleError as error:
            error.fuel = self._fuel_used(store)
            raise
        else:
            fuel = self._fuel_used(store)
        finally:
            store.close()
        output = _parse_output(raw, fuel)
        return CallResult(output, raw, fuel, (time.perf_counter_ns() - started) // 1000)

    def _run(self, store, memory, alloc, run, document: bytes) -> bytes:
        length = len(document)
        pointer = calls.call_i32(store, alloc, length)
        if pointer < 0 or pointer + length > memory.data_len(store):
            raise ModuleError("bad_output", f"alloc({length}) returned {pointer}, outside linear memory")
        calls.write(store, memory, pointer, document)
        packed = calls.call_i64(store, run, pointer, length) & _U64
        out_pointer, out_length = packed >> 32, packed & 0xFFFF_FFFF
        if out_length > self.limits.max_output_bytes:
            raise ModuleError("oversize_output", f"{out_length} bytes > {self.limits.max_output_bytes}")
        if out_pointer + out_length > memory.data_len(store):
            raise ModuleError("bad_output", f"output [{out_pointer}, +{out_length}) is outside linear memory")
        return calls.read(store, memory, out_pointer, out_length)

    def _trap_error(self, store, memory, trap: wasmtime.Trap) -> ModuleError:
        code = trap.trap_code
        name = code.name.lower() if code is not None else None
        if code == wasmtime.TrapCode.OUT_OF_FUEL:
            return ModuleError("out_of_fuel", f"used all {self.limits.fuel} fuel", self.limits.fuel, name)
        if code == wasmtime.TrapCode.INTERRUPT:
            return ModuleError("interrupted", f"over the {self.limits.wall_ms} ms wall-clock backstop",
                               self._fuel_used(store), name)
        return self._classified(store, memory, "trap", f"{name or 'trap'}: {_cause(trap.message)}", name)

    def _classified(self, store, memory, reason: str, detail: str, code: str | None) -> ModuleError:
        """A trap with linear memory near the cap is most likely a refused memory.grow: say so."""
        cap = self.limits.memory_bytes
        size = memory.data_len(store) if memory is not None else 0
        if size > cap - max(cap // 8, 1 << 16):
            reason, detail = "memory", f"{detail} (linear memory {size} bytes, cap {cap})"
        return ModuleError(reason, detail, self._fuel_used(store), code)

    def _fuel_used(self, store: wasmtime.Store) -> int:
        try:
            return self.limits.fuel - store.get_fuel()
        except wasmtime.WasmtimeError:
            return 0

    def _from_disk(self, sha256: str, fingerprint: str) -> wasmtime.Module | None:
        if self.cache is None:
            return None
        blob = self.cache.get(sha256, fingerprint)
        if blob is None:
            return None
        try:
            return wasmtime.Module.deserialize(self._engine, blob)
        except wasmtime.WasmtimeError:
            return None


def _default_cache(cache_dir: Path | str | None) -> ArtifactCache | None:
    try:
        return ArtifactCache.default(cache_dir)
    except (OSError, CacheKeyError) as error:
        warnings.warn(f"compiled-module disk cache disabled: {error}", RuntimeWarning, stacklevel=3)
        return None


def _check_abi(module: wasmtime.Module) -> None:
    bad = [f"{i.module}.{i.name}" for i in module.imports if (i.module, i.name) not in ALLOWED_IMPORTS]
    if bad:
        raise ModuleError("bad_import", f"module imports {', '.join(bad)}; only env.abort is allowed")
    exports = {e.name: e.type for e in module.exports}
    if not isinstance(exports.get("memory"), wasmtime.MemoryType):
        raise ModuleError("invalid_module", "ABI v1 needs an exported memory named `memory`")
    for name, (params, results) in _ABI_EXPORTS.items():
        kind = exports.get(name)
        if (not isinstance(kind, wasmtime.FuncType) or [str(t) for t in kind.params] != params
                or [str(t) for t in kind.results] != results):
            raise ModuleError("invalid_module", f"ABI v1 needs `{name}` of type ({', '.join(params)}) -> "
                                                f"{', '.join(results)}")


def _parse_output(raw: bytes, fuel: int) -> dict:
    try:
        output = _DECODER.decode(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise ModuleError("invalid_json", str(error)[:200], fuel) from None
    if not isinstance(output, dict):
        raise ModuleError("invalid_json", "output is not a JSON object", fuel)
    if "error" in output:
        raise ModuleError("module_error", str(output["error"])[:500], fuel)
    return output


def _refuse_float(text: str):
    raise ValueError(f"float {text} in module output; amounts are integers and decimals are strings")


_DECODER = json.JSONDecoder(parse_float=_refuse_float, parse_constant=_refuse_float)


def _cause(message: str) -> str:
    """wasmtime's trap message is a backtrace, then "Caused by:", then the cause: keep the cause."""
    lines = [line.strip() for line in (message or "").splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def _first_line(text: str) -> str:
    text = (text or "").strip()
    return text.splitlines()[0] if text else ""
