# textwash — the commands a new user needs. Each target sets up .venv itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 120
export PREFECT_HOME ?= $(CURDIR)/.prefect

.PHONY: run test bench lint setup clean-output browser

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP)

run: $(STAMP)
	@if [ -z "$$(find data/raw -type f ! -name '.*' 2>/dev/null | head -n 1)" ]; then \
		mkdir -p data/raw && cp seeds/* data/raw/ && \
		echo "data/raw held no documents: copied the sample corpus from seeds/"; \
	fi
	$(BIN)/textwash run --input data/raw --output data/clean

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

# Headless Chromium for the report's browser test. Installed only when missing and we are
# root with apt-get; never fails: without it that test skips and says why.
browser:
	@if [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing chromium for the report's browser test"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq chromium >/dev/null) \
			|| echo "could not install chromium: the browser test will skip"; \
	else echo "chromium missing and not installable here: the browser test will skip"; fi

lint: $(STAMP)
	$(BIN)/ruff check textwash flows tests bench scripts

bench: $(STAMP)
	$(BIN)/python -c "import lightgbm, trafilatura" 2>/dev/null || \
		$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python -m bench.run

clean-output:
	rm -rf data/clean/* data/clean/.textwash.lock
