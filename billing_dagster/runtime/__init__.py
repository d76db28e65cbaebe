"""The WASM host: sandbox limits, module loading and the program runner."""

from billing_dagster.runtime.host import Limits, ModuleError, WasmHost

__all__ = ["Limits", "ModuleError", "WasmHost"]
