# Qamqor: `make run` serves the demo, `make test` runs the whole suite. Both set up what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEV_ENV := DJANGO_DEBUG=1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench install messages migrate demo clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed messages

messages: $(VENV)/.installed
	$(DEV_ENV) $(PY) manage.py compile_translations

migrate: install
	$(DEV_ENV) $(PY) manage.py migrate --no-input

demo: migrate
	$(DEV_ENV) $(PY) manage.py demo

run: demo
	$(DEV_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(DEV_ENV) $(PY) manage.py check --fail-level WARNING
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

test: lint
	$(VENV)/bin/pytest -q

bench: install
	$(DEV_ENV) $(PY) bench/run.py

clean:
	rm -rf $(VENV) node_modules data
