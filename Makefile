# The two commands of the README: `make serve` and `make test`. Everything they need is installed from here.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: setup serve test check browser-deps virtuoso-deps prove bench web

setup: $(VENV)/.installed web

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The query page's editor and the API documentation page (Swagger UI): npm packages pinned by
# web/package-lock.json, bundled by esbuild into the package's static files (git-ignored, rebuilt only when the
# lock file or the sources change). No install script runs: nothing reaches out while building.
WEB_BUNDLES := src/ipgraph/static/query-editor.js src/ipgraph/static/api-docs/api-docs.js \
	src/ipgraph/static/api-docs/swagger-ui.css

web: $(WEB_BUNDLES)

web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --ignore-scripts

$(WEB_BUNDLES) &: web/node_modules/.package-lock.json $(wildcard web/src/*.js)
	cd web && npm run build

serve: setup
	$(BIN)/ipgraph serve

# Debian's Chromium and its driver, for the browser tests.
browser-deps:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }

# Debian's Virtuoso Open Source 7.2 for the remote-store tests on a second engine: the server and isql binaries
# only (virtuoso-opensource-7-bin), no system service; each test session starts its own in a temporary directory.
virtuoso-deps:
	@command -v virtuoso-t >/dev/null && command -v isql-vt >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    virtuoso-opensource-7-bin; }

check: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src

test: setup browser-deps virtuoso-deps check
	$(BIN)/pytest

# The long load and fault runs (60 s at 64 connections; 50 SIGKILLs during submissions); figures in SECURITY.md.
prove: setup
	$(BIN)/pytest -m slow -s -p no:cacheprovider tests/security/long

# Store and query benchmarks on the plan and seeded synthetic datasets (100k; 1M load only); figures in bench/README.md.
bench: setup
	$(BIN)/python -u bench/bench_store.py
	$(BIN)/python -u bench/bench_store.py --triples 100000
	$(BIN)/python -u bench/bench_store.py --triples 1000000 --load-only
