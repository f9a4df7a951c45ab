# mtrack: `make run` starts the whole stack on embedded defaults; `make test` installs and passes the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-unit test-integration lint typecheck bench chaos install tools clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

tools:
	@scripts/ensure-prometheus.sh

run: $(STAMP)
	$(BIN)/mtrack run

test: $(STAMP) tools lint typecheck
	$(BIN)/python -m pytest -q

test-unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

test-integration: $(STAMP)
	$(BIN)/python -m pytest -q tests/integration tests/e2e tests/chaos

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy shared services/milestones/domain.py services/ingest/parser

bench: $(STAMP)
	$(BIN)/python bench/parse_bench.py
	$(BIN)/python bench/pipeline_bench.py

chaos: $(STAMP)
	$(BIN)/python -m pytest -q -m chaos tests/chaos

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
