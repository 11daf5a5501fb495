# The two commands of the set-up contract (DESIGN.md §7): `make run` and `make test`.
# Each builds .venv from the pinned requirements when they change; with no DATABASE_URL the app
# starts its own embedded PostgreSQL under var/.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install check-python migrate lint test-fresh clean-db bench

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed: set PYTHON=python3.11 (or newer).")'

$(STAMP): requirements.txt requirements-dev.txt | check-python
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

lint: $(STAMP)
	$(VENV)/bin/ruff check .

# The whole suite with branch coverage of clinic/, patients/ and sessions/; under 90 % fails (pyproject.toml).
test: lint
	$(PY) manage.py makemigrations --check --dry-run --settings=clinic.settings.test
	$(PY) -m pytest --cov --cov-report=term

# Rebuild the test database from the migrations (after editing a migration by hand).
test-fresh: lint
	$(PY) -m pytest --create-db

# Stop using the embedded database's data and start afresh next time (all local data is lost).
clean-db:
	rm -rf var/pgdata

# Performance at named sizes (README, "Benchmark"): bench databases beside the dev data, gunicorn under the
# production settings, one Markdown table. BENCH_ARGS="--size small" for one size, "--report" to reprint.
bench: install
	$(PY) -m bench $(BENCH_ARGS)
