# Two commands do all the set-up (see README.md):
#   make workshop   serve the workshop apps (builds .venv on first use)
#   make test       run the whole test suite (builds .venv on first use)
# The virtual environment is rebuilt only when requirements.lock or pyproject.toml change.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.kit-installed
PORT   ?= 8866
# Extra options for `kit workshop`, e.g. make workshop ARGS="--pool 30 --pool-apps 03"
ARGS   ?=
# Tests run in parallel on every core; override with `make test WORKERS=1`.
WORKERS ?= auto

.PHONY: workshop test venv build check-exercises benchmark browser-deps lms-screenshots clean help

help:
	@echo "make workshop    serve the workshop apps (facilitator)"
	@echo "make test        run the whole test suite"
	@echo "make build       regenerate exercises/ from solutions/"
	@echo "make benchmark   run the benchmarks in benchmarks/"
	@echo "make lms-screenshots  redraw docs/screenshots/lms-*.png (installs LibreOffice Calc, as root)"

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed: install it, or run 'make PYTHON=python3 ...'"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

# Debian's chromium for the browser tests; PostgreSQL server for the live-store test;
# bubblewrap for the grading sandbox (kit grade refuses to run student code without it).
browser-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	[ -x /usr/bin/bwrap ] || missing="$$missing bubblewrap"; \
	ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

lms-screenshots: $(STAMP)
	@command -v soffice >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    libreoffice-calc-nogui poppler-utils >/dev/null; }
	$(BIN)/python docs/screenshots/make_lms_screenshots.py

test: $(STAMP) browser-deps
	$(BIN)/python -m pytest -n $(WORKERS) $(PYTEST_ARGS)

workshop: $(STAMP)
	$(BIN)/kit workshop --port $(PORT) $(ARGS)

build: $(STAMP)
	$(BIN)/kit build

check-exercises: $(STAMP)
	$(BIN)/kit build --check

benchmark: $(STAMP)
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache
