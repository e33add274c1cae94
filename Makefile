# The two commands of the quickstart: `make run` and `make test`. Everything else is a step of theirs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run dev test install install-test migrate demo bench bench-serving clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed: make PYTHON=python3.11 ..." if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

migrate: install
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo

# The production server, as deployed (gunicorn.conf.py), on the embedded defaults.
run: demo
	@echo "Serving the demo with gunicorn on http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	$(BIN)/gunicorn --config gunicorn.conf.py --bind $(HOST):$(PORT)

# Flask's own server, reloading on every code change, for work on the code.
dev: demo
	$(FLASK) run --reload --host $(HOST) --port $(PORT)

# Style first (ruff: lint and import order; mypy: types, settings in pyproject.toml), then the suite.
test: install-test
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	$(BIN)/python bench/bench_renditions.py

# Needs PostgreSQL and Redis on 127.0.0.1 and wrk; writes its figures into docs/performance.md.
bench-serving: install-test
	$(BIN)/python bench/bench_serving.py

clean:
	rm -rf $(VENV) instance .pytest_cache
