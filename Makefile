# billing-dagster: one command for the demo, one for the tests. Every target bootstraps its own venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export BILLING_HOME ?= $(CURDIR)/.billing
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
BILLING_TEST_PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
DB_TESTS := tests/store tests/close tests/scenarios tests/assets tests/providers tests/deploy tests/api tests/usage/test_inbox.py tests/usage/test_usage_asset.py tests/cli/test_cli_quarantine.py tests/cli/test_cli_adjustments.py tests/cli/test_cli_time_entries.py tests/cli/test_cli_plans.py tests/cli/test_cli_tax.py tests/cli/test_cli_plan_inputs.py tests/test_landing_sensor.py
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider

.PHONY: install demo ui test test-sqlite test-postgres wasm wasm-check defs-check bench bench-wasm bench-ingest bench-close clean-demo

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

$(DAGSTER_HOME)/dagster.yaml: deploy/dagster.sqlite.yaml
	mkdir -p $(DAGSTER_HOME)
	cp deploy/dagster.sqlite.yaml $@

## Seed the demo world and close its month through Dagster on embedded defaults.
demo: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/billing-dagster demo

## The Dagster web UI (and daemon) on the same instance as the demo.
ui: install $(DAGSTER_HOME)/dagster.yaml
	set -a && . deploy/dagster.env && $(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

## Everything CI proves: SQLite suite, PostgreSQL suite, definitions, and the WASM rebuild check.
test: install defs-check wasm-check test-sqlite test-postgres

test-sqlite: install
	$(PYTEST) tests -q -m 'not postgres and not stripe_live'

test-postgres: install
	BILLING_TEST_PG_URL=$(BILLING_TEST_PG_URL) $(PYTEST) $(wildcard $(DB_TESTS)) -q

defs-check: install
	$(BIN)/dg check defs

wasm:
	bash wasm/build.sh

wasm-check:
	bash wasm/check.sh

## Benchmarks (not tests): the WASM sandbox, usage ingestion (landing path and HTTP API), then the month close
## at 100 / 1,000 / 10,000 tenants.
bench: bench-wasm bench-ingest bench-close

bench-wasm: install
	$(BIN)/python -m benchmarks.run

bench-ingest: install
	$(BIN)/python -m benchmarks.landing_path
	BILLING_TEST_PG_URL=$(BILLING_TEST_PG_URL) $(BIN)/python -m benchmarks.api_ingest

bench-close: install
	BILLING_TEST_PG_URL=$(BILLING_TEST_PG_URL) $(BIN)/python -m benchmarks.dagster_floor
	BILLING_TEST_PG_URL=$(BILLING_TEST_PG_URL) $(BIN)/python -m benchmarks.close_at_scale

clean-demo:
	rm -rf $(BILLING_HOME) $(DAGSTER_HOME)
