"""Runs pricing modules (ABI v1) under wasmtime: fresh store per call, fuel, epoch, memory and size caps."""

import functools
import json
import threading
import time
from dataclasses import dataclass

import wasmtime

ALLOWED_IMPORTS = frozenset({("env", "abort")})
_EPOCH_TICK_SECONDS = 0.01


@dataclass(frozen=True, slots=True)
class Limits:
    fuel: int = 200_000_000
    wall_ms: int = 2_000
    memory_bytes: int = 32 << 20
    max_input_bytes: int = 1 << 20
    max_output_bytes: int = 1 << 20


class ModuleError(Exception):
    """A module failed: `reason` is one of out_of_fuel, interrupted, trap, memory, bad_import,
    bad_output, invalid_json, module_error, oversize_input, oversize_output, invalid_module."""

    def __init__(self, reason: str, detail: str, fuel: int = 0):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        self.fuel = fuel


@dataclass(frozen=True, slots=True)
class CallResult:
    output: dict
    output_bytes: bytes
    fuel: int
    duration_us: int


class WasmHost:
    """One engine, a compiled-module cache keyed by sha256, and a fresh store for every call."""

    def __init__(self, limits: Limits = Limits()):
        self.limits = limits
        self._engine = shared_engine()
        self._linker = wasmtime.Linker(self._engine)
        self._linker.define_func("env", "abort", _ABORT_TYPE, _abort)
        self._compiled: dict[str, wasmtime.InstancePre] = {}

    def load(self, sha256: str, wasm: bytes) -> None:
        """Validate and compile a module once; refuses any import but env.abort."""
        if sha256 in self._compiled:
            return
        try:
            module = wasmtime.Module(self._engine, wasm)
        except wasmtime.WasmtimeError as error:
            raise ModuleError("invalid_module", str(error).splitlines()[0]) from None
        bad = [f"{i.module}.{i.name}" for i in module.imports if (i.module, i.name) not in ALLOWED_IMPORTS]
        if bad:
            raise ModuleError("bad_import", f"module imports {', '.join(bad)}; only env.abort is allowed")
        self._compiled[sha256] = self._linker.instantiate_pre(module)

    def call(self, sha256: str, document: bytes) -> CallResult:
        if len(document) > self.limits.max_input_bytes:
            raise ModuleError("oversize_input", f"{len(document)} bytes > {self.limits.max_input_bytes}")
        store = wasmtime.Store(self._engine)
        store.set_limits(memory_size=self.limits.memory_bytes, table_elements=100_000, instances=1, tables=4, memories=1)
        store.set_fuel(self.limits.fuel)
        store.set_epoch_deadline(max(1, int(self.limits.wall_ms / 1000 / _EPOCH_TICK_SECONDS)))
        started = time.perf_counter_ns()
        try:
            raw = self._run(store, sha256, document)
        except wasmtime.Trap as trap:
            raise ModuleError(_trap_reason(trap), _first_line(trap.message), self._fuel_used(store)) from None
        except wasmtime.WasmtimeError as error:
            raise ModuleError(_error_reason(error), _first_line(str(error)), self._fuel_used(store)) from None
        finally:
            fuel = self._fuel_used(store)
            store.close()
        duration_us = (time.perf_counter_ns() - started) // 1000
        return CallResult(_parse_output(raw, fuel), raw, fuel, duration_us)

    def _run(self, store: wasmtime.Store, sha256: str, document: bytes) -> bytes:
        exports = self._compiled[sha256].instantiate(store).exports(store)
        memory, alloc, run = exports["memory"], exports["alloc"], exports["run"]
        pointer = alloc(store, len(document))
        if pointer < 0 or pointer + len(document) > memory.data_len(store):
            raise ModuleError("bad_output", f"alloc returned {pointer}, outside linear memory")
        memory.write(store, document, pointer)
        packed = run(store, pointer, len(document)) & 0xFFFF_FFFF_FFFF_FFFF
        out_pointer, out_length = packed >> 32, packed & 0xFFFF_FFFF
        if out_length > self.limits.max_output_bytes:
            raise ModuleError("oversize_output", f"{out_length} bytes > {self.limits.max_output_bytes}")
        if out_pointer + out_length > memory.data_len(store):
            raise ModuleError("bad_output", f"output [{out_pointer}, +{out_length}) is outside linear memory")
        return bytes(memory.read(store, out_pointer, out_pointer + out_length))

    def _fuel_used(self, store: wasmtime.Store) -> int:
        try:
            return self.limits.fuel - store.get_fuel()
        except wasmtime.WasmtimeError:
            return 0


def _parse_output(raw: bytes, fuel: int) -> dict:
    try:
        output = json.loads(raw.decode("utf-8"), parse_float=_refuse_float)
    except (UnicodeDecodeError, ValueError) as error:
        raise ModuleError("invalid_json", str(error)[:200], fuel) from None
    if not isinstance(output, dict):
        raise ModuleError("invalid_json", "output is not a JSON object", fuel)
    if "error" in output:
        raise ModuleError("module_error", str(output["error"])[:500], fuel)
    return output


def _refuse_float(text: str):
    raise ValueError(f"float {text} in module output; amounts are integers and decimals are strings")


def _abort(message: int, file: int, line: int, column: int) -> None:
    raise wasmtime.Trap(f"module called abort at line {line}, column {column}")


_I32 = wasmtime.ValType.i32()
_ABORT_TYPE = wasmtime.FuncType([_I32, _I32, _I32, _I32], [])


def _trap_reason(trap: wasmtime.Trap) -> str:
    code = trap.trap_code
    if code == wasmtime.TrapCode.OUT_OF_FUEL:
        return "out_of_fuel"
    if code == wasmtime.TrapCode.INTERRUPT:
        return "interrupted"
    if code == wasmtime.TrapCode.STACK_OVERFLOW:
        return "stack_overflow"
    return "trap"


def _error_reason(error: wasmtime.WasmtimeError) -> str:
    return "memory" if "exceeds memory limits" in str(error) else "trap"


def _first_line(text: str) -> str:
    return (text or "").strip().splitlines()[0] if text else ""


@functools.cache
def shared_engine() -> wasmtime.Engine:
    """One engine per process (the compiled code cache lives with it) and one epoch ticker thread."""
    config = wasmtime.Config()
    config.consume_fuel = True
    config.epoch_interruption = True
    config.max_wasm_stack = 512 << 10
    config.wasm_threads = False
    config.cranelift_nan_canonicalization = True
    engine = wasmtime.Engine(config)
    threading.Thread(target=_tick_forever, args=(engine,), name="wasm-epoch", daemon=True).start()
    return engine


def _tick_forever(engine: wasmtime.Engine) -> None:
    """Advancing the epoch is the wall-clock backstop behind the deterministic fuel limit."""
    while True:
        time.sleep(_EPOCH_TICK_SECONDS)
        engine.increment_epoch()
