# mtrack: `make run` starts the whole stack on embedded defaults; `make test` installs and passes the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-unit test-integration lint typecheck bench chaos soak install tools native fuzz clean lock k8s-config dashboards

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
	@scripts/ensure-tools.sh

# The production image installs requirements.lock (hash-checked); it follows pyproject.toml's
# [project.dependencies] (not the [local]/[dev] extras). tests/unit/test_image.py checks it is in step.
LOCK_COMMAND := pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links --output-file requirements.lock pyproject.toml

requirements.lock: pyproject.toml
	$(BIN)/$(LOCK_COMMAND)

lock: $(STAMP)
	$(BIN)/$(LOCK_COMMAND)

# deploy/k8s carries copies of the organisation files (kustomize loads nothing outside its folder).
k8s-config:
	cp config/directory.yaml config/calendar.json deploy/k8s/files/

# deploy/grafana/dashboards/*.json and the promtool unit tests are generated from their Python sources.
dashboards: $(STAMP)
	$(BIN)/python deploy/grafana/build_dashboards.py
	$(BIN)/python deploy/prometheus/tests/build_tests.py

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
	$(BIN)/mypy shared services mtrack bench scripts/build_native_parser.py

bench: $(STAMP) native
	$(BIN)/python bench/parse_bench.py
	$(BIN)/python bench/corpus_score.py
	$(BIN)/python bench/pipeline_bench.py
	$(BIN)/python bench/core_bench.py
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || \
	  echo "note: no wrk (Debian package); the HTTP bench uses its httpx load generator"
	$(BIN)/python bench/http_bench.py

# schemathesis (all checks) against both OpenAPI documents on a stack started for the run; bounded.
fuzz: $(STAMP)
	$(BIN)/python scripts/fuzz.py

# The oracle run under faults (tests/chaos/pipeline_chaos.py): own servers on loopback, bounded in
# events (CHAOS_EVENTS, default 20000) and time (30 min); one JSON line of figures on stdout.
chaos: $(STAMP)
	timeout 1800 $(BIN)/python -m tests.chaos.pipeline_chaos

# The same faults cycling for SOAK_SECONDS (default 600) at a fixed rate (SOAK_RATE events/s);
# RSS per service at start and end, the maximum lag, and whether the oracle held.
soak: $(STAMP)
	timeout 1800 $(BIN)/python -m tests.chaos.soak

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
