# Two commands for a newcomer: `make run` and `make test`. `make help` lists the rest.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
DEMO_RETAILERS ?= 3000
DEMO_PRODUCTS ?= 120
DEMO_WEEKS ?= 52
export DJANGO_SETTINGS_MODULE ?= distribution.settings

.PHONY: help install run serve demo test test-postgres lint bench messages clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)  ## create the virtualenv and install pinned requirements

run: install  ## migrate, build the demo city if empty, run nightly jobs, publish the demo's due quotas, serve on 127.0.0.1:8000
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input -v0
	DJANGO_DEBUG=1 $(PY) manage.py seed_demo --if-empty --retailers $(DEMO_RETAILERS) --products $(DEMO_PRODUCTS) --weeks $(DEMO_WEEKS)
	DJANGO_DEBUG=1 $(PY) manage.py sync_schedules
	DJANGO_DEBUG=1 $(PY) manage.py run_nightly
	DJANGO_DEBUG=1 $(PY) manage.py demo_week
	DJANGO_DEBUG=1 $(PY) manage.py demo_logins
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: install  ## the whole suite on SQLite, tasks in-process
	DJANGO_SETTINGS_MODULE=distribution.test_settings $(BIN)/pytest $(PYTEST_ARGS)

lint: install  ## ruff, the import layers (lint-imports), migrations check, OpenAPI schema check
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	DJANGO_DEBUG=1 $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

bench: install  ## benchmarks on PostgreSQL (see docs/benchmarks.md)
	$(PY) bench/run_all.py

messages: install  ## refresh and compile the translation catalogs
	DJANGO_DEBUG=1 $(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=bench
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

clean:  ## remove the virtualenv and the local database
	rm -rf $(VENV) db.sqlite3 staticfiles
