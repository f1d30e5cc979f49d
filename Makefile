# The two commands a newcomer runs: `make mock` and `make test`. Both create .venv when needed.
# .venv holds the exact tested set (constraints.txt); pyproject.toml states the ranges users resolve within.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CONSTRAINTS := constraints.txt
FRESH := .constraints-venv

.PHONY: mock test install bench constraints clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[dev]'
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

# Refresh the tested set: what a fresh venv resolves today within pyproject.toml's ranges. Run `make test`
# afterwards and commit constraints.txt with the fixes the new versions need.
constraints:
	rm -rf $(FRESH)
	$(PYTHON) -m venv $(FRESH)
	$(FRESH)/bin/python -m pip install --quiet --upgrade pip
	$(FRESH)/bin/python -m pip install --quiet '.[dev]'
	{ echo "# The exact set \`make test\` runs with (\`make constraints\` refreshes it; Python $$($(FRESH)/bin/python -c 'import platform; print(platform.python_version())'))."; \
	  $(FRESH)/bin/python -m pip freeze --exclude vendor-model-contracts; } > $(CONSTRAINTS).new
	mv $(CONSTRAINTS).new $(CONSTRAINTS)
	rm -rf $(FRESH) build *.egg-info

clean:
	rm -rf $(VENV) $(FRESH) build *.egg-info
