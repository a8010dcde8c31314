# mediawatch: `make demo` and `make test` are all a fresh machine needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false

.PHONY: help venv demo run ingest dashboard test test-fast lint format bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)  ## create .venv and install mediawatch with pinned dependencies

demo: venv  ## build the demo DB from the bundled sample through the real flow, open the dashboard
	$(BIN)/mediawatch demo

run: venv  ## poll the live feeds on schedule (local Prefect server) plus the dashboard
	$(BIN)/mediawatch serve --dashboard

ingest: venv  ## one manual ingest run of seeds/feeds.csv
	$(BIN)/mediawatch ingest

dashboard: venv  ## the dashboard alone, on the current database
	$(BIN)/mediawatch dashboard

test: venv  ## the whole test suite (unit, flow, multi-process, AppTest, browser)
	$(BIN)/pytest

test-fast: venv  ## skip the browser and multi-process tests
	$(BIN)/pytest -m "not browser and not slow"

lint: venv  ## ruff (E, F, I, UP, B)
	$(BIN)/ruff check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: venv  ## the benchmark: ratios against baselines measured in the same run
	$(BIN)/python -m bench.run

clean:  ## remove the venv and local data
	rm -rf $(VENV) data .pytest_cache .ruff_cache tests/artifacts
