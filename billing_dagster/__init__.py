"""billing-dagster: usage-based billing as Dagster assets, priced by sandboxed WebAssembly modules."""

__version__ = "0.1.0"
