"""Dagster resources: thin adapters over the billing database, the lake and the WASM host."""
