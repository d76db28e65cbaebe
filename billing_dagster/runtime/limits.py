"""Per-call sandbox limits and the numbers for each trust tier.

How the numbers were chosen (measured on the system modules, AssemblyScript SDK, wasmtime 50):
parsing costs about 180 fuel and about 32 bytes of linear memory per input byte, and real pricing code
runs at 0.2-5 G fuel/s (a tight loop at about 2 G fuel/s). So each tier lets a module read an input
at the tier's input cap with at least 2x fuel headroom and 4x memory headroom. The wall-clock
backstop is several times what the fuel cap can take on a loaded machine: fuel is the limit that
decides, deterministically (wasmtime 50 also charges bulk memory operations per byte); the epoch
deadline is only the backstop for time that fuel does not bound (an overloaded or paused machine).

| tier    | fuel  | wall   | memory  | stack   | input   | output  | tables  |
|---------|-------|--------|---------|---------|---------|---------|---------|
| system  | 1 G   | 10 s   | 128 MiB | 1 MiB   | 2 MiB   | 2 MiB   | 100,000 |
| partner | 250 M | 5 s    | 64 MiB  | 512 KiB | 512 KiB | 512 KiB | 20,000  |
| tenant  | 100 M | 2 s    | 32 MiB  | 256 KiB | 256 KiB | 256 KiB | 10,000  |

`system` is for the modules we build and sign (wasm/dist), `partner` for reviewed third-party modules,
`tenant` for modules a tenant uploads. `Limits()` is the system tier.
"""

from dataclasses import dataclass, replace

KiB = 1 << 10
MiB = 1 << 20
EPOCH_TICK_MS = 10


@dataclass(frozen=True, slots=True)
class Limits:
    fuel: int = 1_000_000_000
    wall_ms: int = 10_000
    memory_bytes: int = 128 * MiB
    max_input_bytes: int = 2 * MiB
    max_output_bytes: int = 2 * MiB
    max_stack_bytes: int = 1 * MiB
    max_table_elements: int = 100_000

    def __post_init__(self) -> None:
        for name in ("fuel", "wall_ms", "memory_bytes", "max_input_bytes", "max_output_bytes",
                     "max_stack_bytes", "max_table_elements"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(f"Limits.{name} must be a positive integer, got {value!r}")
        if self.max_stack_bytes < 64 * KiB:
            raise ValueError("Limits.max_stack_bytes must be at least 64 KiB")

    @classmethod
    def for_tier(cls, tier: str) -> "Limits":
        """The documented limits of a trust tier: "system", "partner" or "tenant"."""
        try:
            return TIERS[tier]
        except KeyError:
            raise ValueError(f"unknown trust tier {tier!r}; expected one of {', '.join(TIERS)}") from None

    def with_(self, **changes) -> "Limits":
        """A copy with some limits changed (e.g. a bigger fuel budget for one module)."""
        return replace(self, **changes)

    @property
    def epoch_ticks(self) -> int:
        """Epoch deadline in ticks: at least wall_ms, at most one tick more."""
        return -(-self.wall_ms // EPOCH_TICK_MS) + 1


TIERS: dict[str, Limits] = {
    "system": Limits(),
    "partner": Limits(fuel=250_000_000, wall_ms=5_000, memory_bytes=64 * MiB, max_input_bytes=512 * KiB,
                      max_output_bytes=512 * KiB, max_stack_bytes=512 * KiB, max_table_elements=20_000),
    "tenant": Limits(fuel=100_000_000, wall_ms=2_000, memory_bytes=32 * MiB, max_input_bytes=256 * KiB,
                     max_output_bytes=256 * KiB, max_stack_bytes=256 * KiB, max_table_elements=10_000),
}
