"""Dagster assets, one module per billing stage, each with the checks that guard it."""
