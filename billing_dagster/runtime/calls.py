"""The ABI's two calls (`alloc`, `run`) and its memory copies, without wasmtime-py's per-call overhead.

`wasmtime.Func.__call__` asks the engine for the function's type, builds Python type objects and
converts every argument on each call; on the system modules that was about 40% of a whole 1 KB call
(benchmarks/README.md). The ABI's signatures are checked once at load (host._check_abi), so here each
call is one `wasmtime_func_call` through wasmtime-py's own ctypes bindings, with the same trap and
error objects as the public API. These bindings are internals of wasmtime-py: FAST is only on when
the names we use are present, and otherwise every call goes through the public API (same results,
slower). tests/runtime/test_host_calls.py checks that both paths agree.

Memory copies use the public `Memory.data_ptr` (one copy each way, instead of `Memory.write`'s two);
callers bounds-check against `Memory.data_len` first.
"""

import ctypes

import wasmtime

try:
    from wasmtime import _ffi as _ffi
    from wasmtime import _func as _func

    _VAL = _ffi.wasmtime_val_t
    _I32, _I64 = _ffi.WASMTIME_I32, _ffi.WASMTIME_I64
    _TRAP_POINTER = ctypes.POINTER(_ffi.wasm_trap_t)
    _call = _ffi.wasmtime_func_call
    _trap_from = wasmtime.Trap._from_ptr
    _error_from = wasmtime.WasmtimeError._from_ptr
    _raise_host_exception = _func.maybe_raise_last_exn
    _export_get = _ffi.wasmtime_instance_export_get
    _EXTERN = _ffi.wasmtime_extern_t
    _FUNC_KIND, _MEMORY_KIND = _ffi.WASMTIME_EXTERN_FUNC.value, _ffi.WASMTIME_EXTERN_MEMORY.value
    FAST = callable(getattr(wasmtime.Store, "_context", None))
except (ImportError, AttributeError):  # another wasmtime-py layout: use the public API
    FAST = False


def abi_exports(store: wasmtime.Store, instance: wasmtime.Instance):
    """(memory, alloc, run) of an instance whose module passed the ABI check at load."""
    if not FAST:
        exports = instance.exports(store)
        return exports["memory"], exports["alloc"], exports["run"]
    context, handle = store._context(), ctypes.byref(instance._instance)
    found = []
    for name, kind in ((b"memory", _MEMORY_KIND), (b"alloc", _FUNC_KIND), (b"run", _FUNC_KIND)):
        item = _EXTERN()
        if not _export_get(context, handle, name, len(name), ctypes.byref(item)) or item.kind != kind:
            raise wasmtime.WasmtimeError(f"export {name.decode()} is missing")
        found.append(wasmtime.Memory._from_raw(item.of.memory) if kind == _MEMORY_KIND
                     else wasmtime.Func._from_raw(item.of.func))
    return tuple(found)


def call_i32(store: wasmtime.Store, func: wasmtime.Func, *args: int) -> int:
    """func(*args) for an export of type (i32...) -> i32."""
    if not FAST:
        return func(store, *args)
    return _fast(store, func, args).of.i32


def call_i64(store: wasmtime.Store, func: wasmtime.Func, *args: int) -> int:
    """func(*args) for an export of type (i32...) -> i64."""
    if not FAST:
        return func(store, *args)
    return _fast(store, func, args).of.i64


def _fast(store: wasmtime.Store, func: wasmtime.Func, args: tuple[int, ...]):
    count = len(args)
    params = (_VAL * count)()
    for index, value in enumerate(args):
        params[index].kind = _I32
        params[index].of.i32 = value
    results = (_VAL * 1)()
    trap = _TRAP_POINTER()
    error = _call(store._context(), ctypes.byref(func._func), params, count, results, 1, ctypes.byref(trap))
    if error:
        failure = _error_from(error)
        _raise_host_exception()
        raise failure
    if trap:
        failure = _trap_from(trap)
        _raise_host_exception()  # an exception a host function (env.abort) raised comes first
        raise failure
    return results[0]


def write(store: wasmtime.Store, memory: wasmtime.Memory, offset: int, data: bytes) -> None:
    """Copies data to [offset, offset + len(data)); the caller has checked the bounds."""
    if not data:
        return
    ctypes.memmove(ctypes.addressof(memory.data_ptr(store).contents) + offset, data, len(data))


def read(store: wasmtime.Store, memory: wasmtime.Memory, offset: int, length: int) -> bytes:
    """The bytes at [offset, offset + length); the caller has checked the bounds."""
    if length == 0:
        return b""
    return ctypes.string_at(ctypes.addressof(memory.data_ptr(store).contents) + offset, length)
