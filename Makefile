# The two commands a newcomer runs: `make mock` and `make test`. Both create .venv when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: mock test install bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

mock: $(STAMP)
	$(BIN)/mock-server

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_mock.py
	$(BIN)/python benchmarks/bench_contracts.py
	$(BIN)/python benchmarks/bench_validate.py
	$(BIN)/python benchmarks/bench_hostile.py

clean:
	rm -rf $(VENV) build *.egg-info
