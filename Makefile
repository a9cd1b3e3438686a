# Datong: two commands do everything on a fresh machine.
#   make run    install, generate demo data, load it, build the warehouse on DuckDB
#   make test   lint, build + every data/unit test on demo data (DuckDB, then Spark), pytest
#               (which also compares the two warehouses model by model)
# Point the build at your own exports with RAW_DIR=<dir> make run (the layout of
# ../shared/RAW_CONTRACT.md: <dir>/<source>/<table>.csv|parquet).

SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PERSONS ?= 5000
SEED ?= 20240601
DATA_DIR ?= data/demo
RAW_DIR ?= $(DATA_DIR)/raw
TRUTH_DIR ?= $(DATA_DIR)/truth
export DATONG_DUCKDB_PATH ?= $(CURDIR)/warehouse/datong.duckdb
export DATONG_SPARK_DIR ?= $(CURDIR)/warehouse/spark
# The tests compare the warehouse with the generator's ground truth only when it was built
# from demo data; for a retailer's own RAW_DIR they build a small demo warehouse themselves.
ifeq ($(RAW_DIR),$(DATA_DIR)/raw)
export DATONG_TRUTH_DIR ?= $(abspath $(TRUTH_DIR))
endif
export DBT_PROFILES_DIR := $(CURDIR)/profiles
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1
DBT := $(BIN)/dbt
# dbt threads on Spark: one session in one process, whose jobs share the local cores.
SPARK_THREADS ?= 2

.PHONY: run test install generate load build summary lint lint-incremental docs pytest clean \
	load-batch build-batch load-spark build-spark test-spark parity bench bench-day publish

$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

# Demo data is generated only when RAW_DIR is the demo directory (not a retailer's own).
generate: install
ifeq ($(RAW_DIR),$(DATA_DIR)/raw)
	$(BIN)/datong generate --persons $(PERSONS) --seed $(SEED) --out $(DATA_DIR)
else
	@echo "RAW_DIR=$(RAW_DIR): using existing exports, no demo data generated"
endif

load: install
	$(BIN)/datong load --raw-dir $(RAW_DIR) --target dev

# `make load` replaces the raw tables, so every incremental model starts over: a full
# refresh, which the founders register and the customer-change history are configured to
# survive (`full_refresh: false`), so customer ids stay stable across reloads.
build: install
	$(DBT) deps --quiet || true
	$(DBT) build --target dev --full-refresh

# A new batch of exports (BATCH_DIR, named BATCH) appended to the raw tables, then an
# incremental build: only the batch's raw rows are parsed (docs/incremental.md).
BATCH ?= $(notdir $(patsubst %/,%,$(BATCH_DIR)))
load-batch: install
	$(BIN)/datong load --raw-dir $(BATCH_DIR) --batch $(BATCH) --target dev

# A night's build leaves the unit tests out, as dbt recommends: their inputs are fixed, so
# they test the SQL, which `make test` (CI) does on every change, not the night's data.
build-batch: install
	$(DBT) build --target dev --exclude-resource-type unit_test

summary: install
	$(BIN)/datong summary --target dev

# The marts, and only the marts, for BI: warehouse/bi/datong_bi.duckdb and
# warehouse/bi/parquet/<model>.parquet (beside DATONG_DUCKDB_PATH), verified read-only;
# refuses personal-data columns and any other schema (SECURITY.md).
publish: install
	$(BIN)/datong publish

run: install generate load build summary

# The dbt templater renders `is_incremental()` from the warehouse it opens: `lint` on a fresh
# clone sees every model's full-build branch, so after the build the incremental models are
# linted again, their incremental branch rendered (`lint-incremental`). Where a warehouse was
# already there when make started, `lint` renders their incremental branch, and lints them
# once more against an empty warehouse for the full-build branch: both branches in any
# checkout. (The templater creates the file, so it is looked for before the first lint.)
INCREMENTAL_MODELS = $(shell grep -rlE 'new_raw_rows|incremental' models --include=*.sql)
WAREHOUSE_AT_START := $(shell test -s $(DATONG_DUCKDB_PATH) && echo yes)
lint: install
	@mkdir -p $(dir $(DATONG_DUCKDB_PATH))  # the dbt templater opens the warehouse file
	$(BIN)/sqlfluff lint models $(wildcard tests/singular) --processes 2
	@if test "$(WAREHOUSE_AT_START)" = yes; then \
		empty=$$(mktemp -d); \
		echo "Incremental models, full-build branch (empty warehouse $$empty):"; \
		DATONG_DUCKDB_PATH=$$empty/empty.duckdb $(BIN)/sqlfluff lint $(INCREMENTAL_MODELS) \
			--processes 2; status=$$?; rm -rf $$empty; exit $$status; \
	fi

lint-incremental: install
	@test -s $(DATONG_DUCKDB_PATH) || { echo "lint-incremental needs a built warehouse"; exit 1; }
	$(BIN)/sqlfluff lint $(INCREMENTAL_MODELS) --processes 2

pytest: install
	$(BIN)/pytest -q

# Spark (dbt-spark `method: session`, local pyspark, Java 17): the same raw data, models and
# tests. dbt keeps the Spark build's parse state apart from DuckDB's so that each reuses it.
load-spark: install
	$(BIN)/datong load --raw-dir $(RAW_DIR) --target spark

build-spark: install
	$(DBT) build --target spark --full-refresh --threads $(SPARK_THREADS) --target-path target/spark

test-spark: install generate load-spark build-spark

# Both warehouses built: compare them model by model (pytest does so within `make test`).
parity: install
	$(BIN)/datong parity --duckdb-path $(DATONG_DUCKDB_PATH)

# DATONG_PARITY=1 tells pytest that both warehouses were just built from the same data.
test: export DATONG_PARITY := 1
test: install lint generate load build lint-incremental test-spark pytest

# Generate PERSONS persons, load and build them on DuckDB in reports/bench/work_bench_<PERSONS>, and
# write the per-model times, wall time, peak memory and raw row counts to
# reports/bench/bench_<PERSONS>.{md,json}. Never touches the demo warehouse.
BENCH_DIR ?= reports/bench
bench: install
	$(BIN)/datong bench --persons $(PERSONS) --seed $(SEED) --reports-dir $(BENCH_DIR)

# One night on top of a built history: cut the last day off PERSONS persons' data, build the
# history, then time the night's `make build-batch` ROUNDS times from the same copy; with
# BASELINE=<another checkout>, both side by side, alternating (reports/bench/bench_day_*).
ROUNDS ?= 2
bench-day: install
	$(BIN)/datong bench-day --persons $(PERSONS) --seed $(SEED) --rounds $(ROUNDS) \
		--reports-dir $(BENCH_DIR) $(if $(BASELINE),--baseline-dir $(BASELINE))

docs: install
	$(DBT) docs generate --target dev

clean:
	rm -rf target logs warehouse data reports
