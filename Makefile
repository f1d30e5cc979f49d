# The two commands a newcomer runs: `make mock` and `make test`. Both create .venv when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: mock test install bench browser-test clean

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

# Swagger UI driven in headless Chromium; installs Debian's chromium + chromium-driver when missing (as root).
browser-test: $(STAMP)
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium chromium-driver; \
	  else echo "browser-test: install chromium and chromium-driver (e.g. sudo apt-get install -y chromium chromium-driver)"; exit 2; fi; }
	$(BIN)/python -c "import selenium" 2>/dev/null || $(BIN)/python -m pip install --quiet 'selenium>=4.51,<5'
	$(BIN)/python -m pytest -v tests/mock_server/test_browser.py

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_mock.py
	$(BIN)/python benchmarks/bench_contracts.py
	$(BIN)/python benchmarks/bench_validate.py
	$(BIN)/python benchmarks/bench_hostile.py

clean:
	rm -rf $(VENV) build *.egg-info
