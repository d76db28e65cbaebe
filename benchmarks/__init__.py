"""Benchmarks (not tests): `python -m benchmarks.run`. See benchmarks/README.md."""
