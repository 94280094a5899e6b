# Two commands on a fresh machine: `make dev` runs the stack, `make test` runs the tests.
# Both create .venv and install the project (re-installing only when pyproject.toml changes).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: dev test lint worker api migrate bench clean record-histories

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,test]'
	@touch $(STAMP)

dev: $(STAMP)
	$(BIN)/python -m devstack

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Save fresh workflow histories for the replay test (after an intended, versioned workflow change).
record-histories: $(STAMP)
	RECORD_HISTORIES=1 $(BIN)/python -m pytest tests/workflows/test_replay.py -k fresh -q

# The parts, for deployments where PostgreSQL and Temporal are external.
worker: $(STAMP)
	$(BIN)/python worker.py

api: $(STAMP)
	$(BIN)/uvicorn api.main:app --host $${API_HOST:-127.0.0.1} --port $${API_PORT:-8000}

migrate: $(STAMP)
	$(BIN)/python migrate.py

# Benchmarks on the embedded stack (bench/, each starts and stops its own): POS ingest under open-loop load with
# same-run baselines, then a burst of 500 booking changes synced to the fake Mozrest. About 5 minutes.
# Options: BENCH_INGEST_ARGS='--rates 50,100 --duration 10', BENCH_SYNC_ARGS='--bookings 200'.
bench: $(STAMP)
	$(BIN)/python -m bench.ingest $(BENCH_INGEST_ARGS)
	$(BIN)/python -m bench.sync $(BENCH_SYNC_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
