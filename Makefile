# The two commands of the README: `make serve` and `make test`. Everything they need is installed from here.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: setup serve test check browser-deps prove bench

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

serve: setup
	$(BIN)/ipgraph serve

# Debian's Chromium and its driver, for the browser tests.
browser-deps:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }

check: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src

test: setup browser-deps check
	$(BIN)/pytest
