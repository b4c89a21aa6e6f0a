# Two commands set everything up on a fresh clone:
#   make run   – the app with its embedded default (SQLite, tasks in-process, mails on the console)
#   make test  – the whole test suite on PostgreSQL and Redis (private ones when none answers, see README)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mitlaeufer
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# A production .env in the same checkout (docker compose reads it) must not leak into the
# embedded default or the tests: settings.py skips .env when this is false.
NO_DOT_ENV := DJANGO_READ_DOT_ENV=false

.PHONY: run test lint bench messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(NO_DOT_ENV) $(BIN)/python manage.py migrate --noinput
	$(NO_DOT_ENV) $(BIN)/python manage.py load_demo_data
	$(NO_DOT_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-dev
	$(NO_DOT_ENV) TEST_DATABASE_URL='$(TEST_DATABASE_URL)' TEST_REDIS_URL='$(TEST_REDIS_URL)' \
	  $(BIN)/python -m tools.testservices -- $(BIN)/pytest $(PYTEST_ARGS)

# The matching benchmark on the configured database (DATABASE_URL unset: SQLite), see README.
BENCH_SIZES ?= 10000,100000,1000000
bench: $(VENV)/.installed-run
	$(NO_DOT_ENV) $(BIN)/python manage.py bench_matching --volunteers $(BENCH_SIZES) --baseline-max 100000

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Collect new strings into locale/en (German is the source language, so there is no de catalogue),
# then translate them and run this again to compile (needs GNU gettext).
messages: $(VENV)/.installed-run
	$(BIN)/python manage.py makemessages -l en -l tr -l ar -l uk -l ru -l fa --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=test-artifacts
	$(BIN)/python manage.py compilemessages --ignore=.venv
