# Two entry points, as in README's quick start:  make run  and  make test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install run demo test lint

install:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'

run: install
	$(BIN)/advisorywatch run

demo: install
	$(BIN)/advisorywatch demo

lint: install
	$(BIN)/ruff check advisorywatch tests bench
	$(BIN)/ruff format --check advisorywatch tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# The whole suite twice: on SQLite, then on a throwaway PostgreSQL server.
test: lint
	$(BIN)/python -m pytest -n 3
	scripts/with-postgres $(BIN)/python -m pytest -n 3
