# The two commands a newcomer runs: `make mock` and `make test`. Both create .venv when needed.
# `make test` runs the suite on every core, and one worker more (pytest-xdist), without the install tests; `make test-install`
# runs those (a wheel built and installed into fresh virtualenvs from the package index); .ci/run runs both.
# .venv holds the exact tested set (constraints.txt); pyproject.toml states the ranges users resolve within.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CONSTRAINTS := constraints.txt
FRESH := .constraints-venv

.PHONY: mock test test-install install bench browser-test report-screenshot mutation constraints clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

mock: $(STAMP)
	$(BIN)/mock-server

# One pytest-xdist worker more than the cores: many tests wait on servers and subprocesses, and the spare worker
# fills that time (3 workers on 2 cores: about 3.4 minutes instead of 3.8).
WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) + 1 )))

test: $(STAMP)
	$(BIN)/python -m pytest -n $(WORKERS) -m "not install"

test-install: $(STAMP)
	$(BIN)/python -m pytest -m install

# Swagger UI driven in headless Chromium; installs Debian's chromium + chromium-driver when missing (as root).
browser-test: $(STAMP)
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium chromium-driver; \
	  else echo "browser-test: install chromium and chromium-driver (e.g. sudo apt-get install -y chromium chromium-driver)"; exit 2; fi; }
	$(BIN)/python -c "import selenium" 2>/dev/null || $(BIN)/python -m pip install --quiet 'selenium>=4.51,<5'
	$(BIN)/python -m pytest -v tests/mock_server/test_browser.py

# docs/report.png (the README's picture of the HTML report), taken by the report's own Chromium test.
report-screenshot: $(STAMP)
	REPORT_SCREENSHOT=docs/report.png $(BIN)/python -m pytest -q tests/contracts/test_html_report.py

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_mock.py
	$(BIN)/python benchmarks/bench_contracts.py
	$(BIN)/python benchmarks/bench_validate.py
	$(BIN)/python benchmarks/bench_hostile.py
	$(BIN)/python benchmarks/bench_proxy.py
	$(BIN)/python benchmarks/bench_plugin.py

# Mutation testing of the code that decides verdicts; writes docs/mutation.md (every survivor with its reason).
mutation: $(STAMP)
	$(BIN)/python -c "import mutmut" 2>/dev/null || $(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) 'mutmut>=3.8,<4'
	$(BIN)/python tools/mutation.py

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
	rm -rf $(VENV) $(FRESH) build *.egg-info mutants
