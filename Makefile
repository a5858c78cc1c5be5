# Two entry points, as in README's quick start:  make run  and  make test
# Installs are skipped while they are current (a stamp per dependency set, newer than
# pyproject.toml and constraints.txt), so `make run` and `make demo` work offline after the
# first install. constraints.txt pins every dependency: `make lock` refreshes it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEPS := pyproject.toml constraints.txt
PIP := $(BIN)/python -m pip install -q -c constraints.txt

.PHONY: install install-test run demo test lint lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed-run: $(DEPS) | $(BIN)/python
	$(PIP) -e .
	touch $@

$(VENV)/.installed-test: $(DEPS) | $(BIN)/python
	$(PIP) -e '.[test]'
	touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run
install-test: $(VENV)/.installed-test

run: install
	$(BIN)/advisorywatch run

demo: install
	$(BIN)/advisorywatch demo

lint: install-test
	$(BIN)/ruff check advisorywatch tests bench
	$(BIN)/ruff format --check advisorywatch tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# The whole suite twice: on SQLite, then on a throwaway PostgreSQL server (where the tests of
# pure matching and parsing code, which open no database, are left out). The browser tests
# need Chromium: scripts/with-chromium installs it when missing, and
# ADVISORYWATCH_REQUIRE_BROWSER makes them fail rather than skip without one. Work stealing:
# a few hundred tests start real daemons and take seconds each, so a worker that drew several
# of them last would otherwise run alone for minutes while the others wait.
test: lint
	ADVISORYWATCH_REQUIRE_BROWSER=1 scripts/with-chromium $(BIN)/python -m pytest -n 3 --dist worksteal
	ADVISORYWATCH_REQUIRE_BROWSER=1 scripts/with-chromium \
		scripts/with-postgres $(BIN)/python -m pytest -n 3 --dist worksteal

# Pin every dependency (all extras) for Python 3.11+ on any platform.
lock: install-test
	$(BIN)/python -m pip install -q uv
	$(BIN)/uv pip compile pyproject.toml --extra test --extra postgres --extra bench \
		--python-version 3.11 --universal -q -o constraints.txt
