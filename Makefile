# Platform Liability Lab (平台责任实验室): build, test and demo entry points.
#
#   make venv     .venv with the package (editable) and the test tools
#   make browser  Debian's headless Chromium (+ CJK fonts) and axe-core from npm
#   make test     venv + browser, then the whole pytest suite
#   make demo     venv, then `liability-lab serve` (Voila on http://127.0.0.1:8866)
#   make static   the static edition: the whole tutorial as files in build/static (Voici + Pyodide, no server, no CDN)
#   make bench    benchmarks/run.py: pages vs a floor page, class of 40, the static edition (BENCH_ARGS="--quick" for a
#                 short run, BENCH_ARGS="--static-only" for the static edition alone);
#                 installs Debian's chromium-headless-shell for the class's browsers if it can
#   make clean    remove everything the targets above made

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# setuptools' editable install maps only the packages that exist when it runs: re-run it
# (quickly, without dependencies) once casebook/ or widgets/ appears.
PKG_STAMPS := $(patsubst %/__init__.py,$(VENV)/.has-%,$(wildcard casebook/__init__.py widgets/__init__.py server/__init__.py \
                classroom/__init__.py))
CHROMIUM ?= /usr/bin/chromium
CLASS_CHROMIUM ?= /usr/bin/chromium-headless-shell
NODE_DIR := tests/e2e/node
AXE_JS := $(NODE_DIR)/node_modules/axe-core/axe.min.js
PYTEST_ARGS ?=
BENCH_ARGS ?=

# CI=true turns a missing browser into a failure (in this Makefile and in the tests).
export CI

.PHONY: venv browser chromium headless-shell axe test demo bench clean static static-for-test

# The static edition's build tools (deploy/static/requirements-build.txt) live in a venv of their own: they pin a
# JupyterLite that the tutorial's runtime does not use. Node.js and npm bring Pyodide's core and Font Awesome.
STATIC_TOOLS := build/static-tools
STATIC_VPY := $(STATIC_TOOLS)/venv/bin/python
STATIC_SITE := build/static
STATIC_PAGE := $(STATIC_SITE)/voici/render/analyzer.html
STATIC_SOURCES := $(shell find casebook widgets classroom notebooks deploy/static -type f -not -path '*/__pycache__/*' \
                    -not -name '*.pyc' 2>/dev/null) tools/build_static_site.py pyproject.toml

venv: $(STAMP) $(PKG_STAMPS)

$(STAMP): pyproject.toml
	@test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.has-*
	@touch $@ $(PKG_STAMPS)

$(VENV)/.has-%: $(STAMP)
	@test -f $@ || $(VPY) -m pip install --quiet --no-deps -e .
	@touch $(PKG_STAMPS)

browser: chromium axe

chromium:
	@if [ -x "$(CHROMIUM)" ]; then \
	  echo "chromium: $(CHROMIUM)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "chromium: installing Debian's chromium and fonts-noto-cjk"; \
	  apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk \
	    || { echo "chromium: apt-get install failed" >&2; [ "$(CI)" != true ]; }; \
	else \
	  echo "chromium: $(CHROMIUM) not found: the browser tests will be skipped (under CI=true: this fails)." >&2; \
	  echo "  On Debian/Ubuntu, as root: apt-get update && apt-get install -y chromium fonts-noto-cjk" >&2; \
	  echo "  Elsewhere: install Chromium and run e.g. 'make test CHROMIUM=/path/to/chromium'" >&2; \
	  [ "$(CI)" != true ]; \
	fi

axe: $(AXE_JS)

$(AXE_JS): $(NODE_DIR)/package.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --prefix $(NODE_DIR) --no-package-lock --no-audit --no-fund --silent && touch $@; \
	else \
	  echo "axe: npm not found; install Node.js/npm for the accessibility checks" >&2; \
	  [ "$(CI)" != true ]; \
	fi

test: venv browser static-for-test
	LL_CHROMIUM_PATH=$(CHROMIUM) $(VPY) -m pytest -q -p no:cacheprovider --durations=30 $(PYTEST_ARGS)

demo: venv
	$(VENV)/bin/liability-lab serve

# matplotlib draws the benchmark's plot only: it is the optional `bench` extra, never a runtime dependency.
$(VENV)/.bench-installed: $(STAMP)
	$(VPY) -m pip install --quiet -e '.[bench]'
	@touch $@

# The class of 40's browsers: Chromium's headless shell, lighter than the full browser on the cores the class shares
# with the server (benchmarks/run.py, CLASS_CHROMIUM). Optional: without it the class uses $(CHROMIUM) and says so.
headless-shell:
	@if [ -x "$(CLASS_CHROMIUM)" ]; then \
	  echo "headless shell: $(CLASS_CHROMIUM)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "headless shell: installing Debian's chromium-headless-shell"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium-headless-shell \
	    || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium-headless-shell; } \
	    || echo "headless shell: not installed; the class will use $(CHROMIUM)" >&2; \
	else \
	  echo "headless shell: $(CLASS_CHROMIUM) not found; the class will use $(CHROMIUM)" >&2; \
	fi

bench: venv chromium headless-shell $(VENV)/.bench-installed $(STATIC_PAGE)
	LL_CHROMIUM_PATH=$(CHROMIUM) LL_CLASS_CHROMIUM_PATH=$(CLASS_CHROMIUM) $(VPY) benchmarks/run.py $(BENCH_ARGS)

# `make static` rebuilds only when a source changed (the tutorial's code, data, notebooks, the build's own files);
# `make test` builds it the same way first, so the browser test of the static edition runs on a current build (the
# build from scratch takes about a minute, then 10-30 s after a change, nothing when nothing changed). Without Node.js
# or npm the static edition's tests are skipped, as the browser tests are without a browser (under CI=true: a failure).
static: $(STATIC_PAGE)

static-for-test:
	@$(MAKE) --no-print-directory static || { \
	  echo "static: the static edition was not built: its tests will be skipped (under CI=true: this fails)" >&2; \
	  [ "$(CI)" != true ]; }

$(STATIC_TOOLS)/.installed: deploy/static/requirements-build.txt
	@command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1 || \
	  { echo "static: Node.js and npm are needed (Pyodide's core and Font Awesome come from the npm registry)" >&2; \
	    exit 1; }
	@test -x $(STATIC_VPY) || $(PYTHON) -m venv $(STATIC_TOOLS)/venv
	$(STATIC_VPY) -m pip install --quiet --upgrade pip
	$(STATIC_VPY) -m pip install --quiet -r deploy/static/requirements-build.txt
	@touch $@

$(STATIC_PAGE): $(STATIC_TOOLS)/.installed $(STATIC_SOURCES)
	$(STATIC_VPY) tools/build_static_site.py --out $(STATIC_SITE)

clean:
	rm -rf $(VENV) build dist *.egg-info artifacts .pytest_cache .hypothesis $(NODE_DIR)/node_modules
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find . -name .ipynb_checkpoints -type d -prune -exec rm -rf {} +
