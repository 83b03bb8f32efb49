# Everyday commands; each works on a fresh clone (Python 3.11+).
VENV ?= .venv
PY = $(VENV)/bin/python

.PHONY: install test lint audit-example rules-doc bench

$(PY):
	python3 -m venv $(VENV)

install: $(PY)
	$(PY) -m pip install -q -e ".[dev]"

test: install
	$(PY) -m pytest

lint: install
	$(PY) -m ruff check src tests benchmarks
	$(PY) -m mypy

audit-example: install
	$(VENV)/bin/archaudit audit examples/shop-api

rules-doc: install
	$(VENV)/bin/archaudit rules --format md > docs/rules.md

bench: install
	$(PY) benchmarks/bench.py --lines 1000000
