# yuzhong-incubation — newcomer commands: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
export INCUBATION_HOME ?= $(CURDIR)/data
export AIRFLOW_HOME ?= $(CURDIR)/airflow_home
export GX_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: help venv demo test test-fast lint format demo-inbox airflow progress lock clean bench

help:
	@echo "make demo   - set everything up, run the nightly DAG once through Airflow on the demo inbox, print progress"
	@echo "make test   - the full test suite (what CI runs)"
	@echo "make lint   - ruff and sqlfluff"
	@echo "make airflow - start the local Airflow UI (api-server, scheduler, dag-processor) with the project's DAGs"

# The development environment, from requirements-dev.lock alone (runtime + dev: tests,
# linters, bench/). Re-made when a lock or this recipe changes. Compiled to bytecode as pip
# (and so the Dockerfile) does it: uv does not by default, and with PYTHONDONTWRITEBYTECODE
# set every process would compile what it imports, every time (docs/decisions/0006).
$(BIN)/.installed: requirements-dev.lock pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements-dev.lock
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python --no-deps -e .
	touch $@

venv: $(BIN)/.installed

# Regenerate both locks after changing pyproject.toml dependencies: requirements.lock is the
# runtime (what the Dockerfile installs), requirements-dev.lock adds the dev extra (what the
# venv installs). Each keeps the versions it pins already unless a change needs another;
# tests/test_dependencies.py holds the two to the same versions.
# With AIRFLOW_CONSTRAINTS_FILE (a copy of Airflow's constraints for the image's version) both
# locks are compiled within those constraints, so the image's own packages stay as released
# (tests/test_image_constraints.py).
LOCK_FLAGS := --python-version 3.11 --python-platform x86_64-unknown-linux-gnu \
	$(if $(AIRFLOW_CONSTRAINTS_FILE),--constraint $(AIRFLOW_CONSTRAINTS_FILE))
lock:
	$(BIN)/uv pip compile pyproject.toml $(LOCK_FLAGS) -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev $(LOCK_FLAGS) -o requirements-dev.lock

demo: venv
	@mkdir -p "$(INCUBATION_HOME)/inbox"
	cp -r include/demo/inbox/. "$(INCUBATION_HOME)/inbox/"
	INCUBATION_SETTLE_SECONDS=0 $(BIN)/incubation run
	@echo
	@$(BIN)/incubation progress

demo-inbox: venv
	rm -rf include/demo/inbox
	$(BIN)/incubation demo-inbox --out include/demo/inbox

progress: venv
	@$(BIN)/incubation progress

test: venv
	$(BIN)/python -m pytest -q

test-fast: venv
	$(BIN)/python -m pytest -q -m "not integration"

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	mkdir -p $(INCUBATION_HOME)/build
	INCUBATION_BUILD_DB=$(INCUBATION_HOME)/build/sqlfluff.duckdb $(BIN)/sqlfluff lint dbt_project/models dbt_project/tests

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

airflow: venv
	$(BIN)/incubation airflow standalone

# Benchmarks (never part of make test): the latest run in bench/RESULTS.md, every run in
# bench/history.jsonl.
BENCH_SCALES ?= 1 10
bench: venv
	$(BIN)/python -m bench.readers
	$(BIN)/python -m bench.night --scale $(BENCH_SCALES)
	$(BIN)/python -m bench.daytime

clean:
	rm -rf data airflow_home dbt_project/target dbt_project/logs
