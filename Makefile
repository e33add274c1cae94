# The two commands of the quickstart: `make run` and `make test`. Everything else is a step of theirs,
# but `make lock` and `make audit`, which look after the dependencies.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run dev test journeys install install-test lock audit migrate demo bench bench-serving lighthouse clean \
	translations translations-update

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed: make PYTHON=python3.11 ..." if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)

# Every package comes from a lock, each file checked against its hash; then the project itself, with
# nothing more (--no-deps), built by the locked setuptools (--no-build-isolation: no unhashed download).
$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(PIP) install --quiet --require-hashes -r requirements.lock
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	@touch $@

$(VENV)/.installed-test: requirements-test.lock pyproject.toml | $(BIN)/python
	$(PIP) install --quiet --require-hashes -r requirements-test.lock
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed translations

install-test: $(VENV)/.installed-test translations

# The interface's catalogues (web/translations/<language>/LC_MESSAGES/messages.po) are committed; their
# compiled .mo files are built here, by every install, and never committed.
TRANSLATIONS := web/translations
COMPILED_CATALOGUES := $(patsubst %.po,%.mo,$(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po))
translations: $(COMPILED_CATALOGUES)
$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel compile --input-file $< --output-file $@

# After changing the interface's words: extract every message again and merge them into each catalogue,
# then write the new translations (an untranslated message fails tests/web/test_translations.py).
translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract --mapping-file $(TRANSLATIONS)/babel.cfg --keywords _l --no-wrap --sort-by-file \
		--project "Free Lines" --output-file $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update --input-file $(TRANSLATIONS)/messages.pot --output-dir $(TRANSLATIONS) --no-wrap \
		--no-fuzzy-matching --ignore-obsolete

# Rewrite both locks from pyproject.toml after a change to its dependencies, and commit them: pins
# already there are kept (`make lock LOCK_ARGS=--upgrade` moves every one to the newest release).
# Resolved from PyPI alone (--isolated: no local pip configuration) for this Python: 3.11, the oldest
# supported. The test lock holds the runtime lock's pins (--constraint) and the test tools'.
LOCK := CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe \
	--strip-extras --build-deps-for editable --no-emit-find-links --no-emit-index-url --pip-args=--isolated $(LOCK_ARGS)
lock: install-test
	$(LOCK) --output-file requirements.lock pyproject.toml
	$(LOCK) --extra test --constraint requirements.lock --output-file requirements-test.lock pyproject.toml

# Ask PyPI's vulnerability database about every locked package: fails on a known vulnerability; where
# the database cannot be reached, says so and passes (.ci/audit.py says why).
audit: install-test
	$(BIN)/python .ci/audit.py requirements-test.lock

migrate: install
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo

# The production server, as deployed (gunicorn.conf.py), on the embedded defaults: on HOST:PORT
# (make run PORT=8080 HOST=0.0.0.0), or on GUNICORN_BIND when that is set (a socket, say).
BIND = $(or $(GUNICORN_BIND),$(HOST):$(PORT))
run: demo
	@echo "Serving the demo with gunicorn on $(BIND) (Ctrl-C stops it)"
	$(BIN)/gunicorn --config gunicorn.conf.py --bind $(BIND)

# Flask's own server, reloading on every code change, for work on the code. gunicorn sweeps orphaned
# media by itself at each start (comics/images/sweeping.py); here the same sweep runs first.
dev: demo
	$(FLASK) media-gc
	$(FLASK) run --reload --host $(HOST) --port $(PORT)

# Style first (ruff: lint and import order; mypy: types; lint-imports: the may-import table of
# docs/architecture.md; settings for all three in pyproject.toml), then the suite.
test: install-test
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Every role's journey, in English and Korean, through the production stack: nginx with TLS (docs/nginx),
# gunicorn, PostgreSQL and Redis on 127.0.0.1 (TEST_DATABASE_URL, TEST_REDIS_URL), a render worker, and
# Debian's Chromium. Left out of `make test`; .ci/run runs it after the suite on the real engines.
journeys: install-test
	$(BIN)/python -m pytest -m journey tests/journeys $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	$(BIN)/python bench/bench_renditions.py

# Needs PostgreSQL and Redis on 127.0.0.1 and wrk; writes its figures into docs/performance.md.
bench-serving: install-test
	$(BIN)/python bench/bench_serving.py

# Lighthouse (npm, bench/lighthouse) with Debian's Chromium on the demo's pages; writes its scores into docs/performance.md.
lighthouse: install-test
	$(BIN)/python bench/bench_lighthouse.py

clean:
	rm -rf $(VENV) instance .pytest_cache
