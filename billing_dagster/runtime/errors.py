"""The one error type for every way a pricing module can fail, and the reasons it carries."""

# reason -> what happened. The host raises all but schema_violation (the program runner's output check).
REASONS = {
    "out_of_fuel": "the call used its whole fuel budget (deterministic CPU cap)",
    "interrupted": "the wall-clock backstop (epoch deadline) stopped the call",
    "memory": "the memory cap: a declared minimum over the cap, or a trap with linear memory at the cap",
    "trap": "a wasm trap: unreachable, stack overflow, division by zero, out-of-bounds access, abort",
    "invalid_json": "the output is not UTF-8 JSON, not an object, or holds a float",
    "module_error": "the module answered {\"error\": ...} (invalid config or facts)",
    "schema_violation": "the output is JSON but not Charge IR",
    "oversize_input": "the input document is over the input cap",
    "oversize_output": "the output the module points at is over the output cap",
    "bad_output": "alloc or run returned a pointer outside linear memory",
    "bad_import": "the module imports something other than env.abort",
    "invalid_module": "not WebAssembly, wrong ABI exports, sha256 mismatch, or not loaded",
}


class ModuleError(Exception):
    """A module failed. `reason` is a key of REASONS; `detail` says what happened (the trap message, the
    limit that was hit); `fuel` is the fuel used before the failure; `trap_code` names the wasm trap code
    (e.g. "stack_overflow", "unreachable", "out_of_fuel") when there was one."""

    def __init__(self, reason: str, detail: str, fuel: int = 0, trap_code: str | None = None):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        self.fuel = fuel
        self.trap_code = trap_code

    def __reduce__(self):
        return (ModuleError, (self.reason, self.detail, self.fuel, self.trap_code))
