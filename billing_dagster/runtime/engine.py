"""wasmtime engines: one per stack cap per process, deterministic config, one epoch ticker thread.

The stack cap (`Config.max_wasm_stack`) is an engine setting, so each trust tier's stack size gets its
own engine; fuel, epoch deadline and memory caps are per store and need no engine of their own.
"""

import hashlib
import importlib.metadata
import os
import platform
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import wasmtime

from billing_dagster.runtime.limits import EPOCH_TICK_MS

# Compiled modules kept per engine; a program uses a handful, a busy host a few hundred.
MAX_MODULES_IN_MEMORY = 512


def _engine_settings(max_stack_bytes: int) -> dict:
    """Every Config knob we set, in one place: it is also what the on-disk cache key is made of."""
    return {
        "consume_fuel": True,               # the deterministic CPU cap; fuel used is recorded
        "epoch_interruption": True,         # the wall-clock backstop
        "max_wasm_stack": max_stack_bytes,
        "cranelift_opt_level": "speed",
        "cranelift_nan_canonicalization": True,   # determinism: one NaN bit pattern
        "wasm_threads": False,              # determinism: no shared memory
        "wasm_relaxed_simd": False,         # determinism: relaxed SIMD is platform dependent
        "wasm_memory64": False,
        "wasm_multi_memory": False,
    }


class GuestAbort(Exception):
    """Raised by the env.abort import; the host turns it into ModuleError("trap", ...)."""


@dataclass(eq=False)
class EngineSlot:
    engine: wasmtime.Engine
    linker: wasmtime.Linker
    fingerprint: str
    modules: "OrderedDict[str, wasmtime.InstancePre]" = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, sha256: str) -> wasmtime.InstancePre | None:
        pre = self.modules.get(sha256)
        if pre is not None:
            self.modules.move_to_end(sha256)
        return pre

    def put(self, sha256: str, pre: wasmtime.InstancePre) -> None:
        with self.lock:
            self.modules[sha256] = pre
            while len(self.modules) > MAX_MODULES_IN_MEMORY:
                self.modules.popitem(last=False)


_slots: dict[int, EngineSlot] = {}
_slots_lock = threading.Lock()
_ticker_pid: int | None = None


def engine_slot(max_stack_bytes: int) -> EngineSlot:
    """The process's engine for this stack cap (created on first use), with the epoch ticker running."""
    slot = _slots.get(max_stack_bytes)
    if slot is None:
        with _slots_lock:
            slot = _slots.get(max_stack_bytes)
            if slot is None:
                slot = _slots[max_stack_bytes] = _new_slot(max_stack_bytes)
            _ensure_ticker()
    return slot


def _new_slot(max_stack_bytes: int) -> EngineSlot:
    settings = _engine_settings(max_stack_bytes)
    config = wasmtime.Config()
    for name, value in settings.items():
        setattr(config, name, value)
    engine = wasmtime.Engine(config)
    linker = wasmtime.Linker(engine)
    # A FuncType is bound to the first engine it is used with: build one per engine.
    abort_type = wasmtime.FuncType([wasmtime.ValType.i32() for _ in range(4)], [])
    linker.define_func("env", "abort", abort_type, _abort, access_caller=True)
    return EngineSlot(engine, linker, _fingerprint(settings))


def _fingerprint(settings: dict) -> str:
    """Names the compiled-code format: wasmtime version, engine settings and the CPU architecture."""
    described = repr(sorted(settings.items()))
    text = f"wasmtime={importlib.metadata.version('wasmtime')};{platform.machine()};{described}"
    return hashlib.sha256(text.encode()).hexdigest()


def _ensure_ticker() -> None:
    """One daemon thread per process advances every engine's epoch; restarted in a forked child."""
    global _ticker_pid
    if _ticker_pid == os.getpid():
        return
    _ticker_pid = os.getpid()
    threading.Thread(target=_tick_forever, name="wasm-epoch", daemon=True).start()


def _restart_ticker_in_child() -> None:
    if _slots:
        _ensure_ticker()


os.register_at_fork(after_in_child=_restart_ticker_in_child)


def _tick_forever() -> None:
    # wasm calls release the GIL, so this runs while a guest spins.
    while True:
        time.sleep(EPOCH_TICK_MS / 1000)
        for slot in list(_slots.values()):
            slot.engine.increment_epoch()


def _abort(caller: wasmtime.Caller, message: int, file: int, line: int, column: int) -> None:
    """AssemblyScript's abort(msg, file, line, col): a trap that says why, read defensively."""
    text = _guest_string(caller, message) or "abort"
    where = _guest_string(caller, file)
    raise GuestAbort(f"{text} ({where}:{line}:{column})" if where else text)


def _guest_string(caller: wasmtime.Caller, pointer: int, limit: int = 400) -> str:
    """An AssemblyScript string (UTF-16LE, byte length in the 4 bytes before it), or "" if implausible."""
    memory = caller.get("memory")
    if not isinstance(memory, wasmtime.Memory) or pointer < 4:
        return ""
    size = memory.data_len(caller)
    if pointer > size:
        return ""
    length = int.from_bytes(bytes(memory.read(caller, pointer - 4, pointer)), "little")
    end = min(pointer + min(length, limit * 2), size)
    return bytes(memory.read(caller, pointer, end)).decode("utf-16-le", "replace")
