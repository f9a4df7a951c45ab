# mtrack: `make run` starts the whole stack on embedded defaults; `make test` installs and passes the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-unit test-integration lint typecheck bench chaos install tools native clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The parser compiled with mypyc (build/native/); used only while it matches the sources, and a
# failed build (no C compiler) leaves the pure-Python parser in use.
PARSER_SOURCES := $(wildcard services/ingest/parser/*.py)
NATIVE_STAMP := build/native/SOURCES

$(NATIVE_STAMP): $(STAMP) $(PARSER_SOURCES) scripts/build_native_parser.py
	$(BIN)/python scripts/build_native_parser.py || echo "mypyc build failed: the pure-Python parser is used"

native: $(NATIVE_STAMP)

tools:
	@scripts/ensure-prometheus.sh

run: $(STAMP) native
	$(BIN)/mtrack run

test: $(STAMP) native tools lint typecheck
	$(BIN)/python -m pytest -q

test-unit: $(STAMP) native
	$(BIN)/python -m pytest -q tests/unit

test-integration: $(STAMP)
	$(BIN)/python -m pytest -q tests/integration tests/e2e tests/chaos

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy shared services/milestones/domain.py services/milestones/rules.py services/ingest/parser scripts/build_native_parser.py

bench: $(STAMP) native
	$(BIN)/python bench/parse_bench.py
	$(BIN)/python bench/pipeline_bench.py
	$(BIN)/python bench/core_bench.py

chaos: $(STAMP)
	$(BIN)/python -m pytest -q -m chaos tests/chaos

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
