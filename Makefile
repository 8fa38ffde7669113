# Qamqor: `make run` serves the demo, `make test` runs the whole suite. Both set up what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEV_ENV := DJANGO_DEBUG=1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench install messages migrate demo clean lock resilience

# Installs exactly what requirements-dev.lock names, each file checked against its hash (the
# venv's own pip is enough: upgrading pip first would fetch a file no hash covers). The lock is
# made from requirements*.txt by `make lock`; a test fails when it is older than they are.
$(VENV)/.installed: requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

# requirements.lock: what a production machine installs (docs/deploy.md); requirements-dev.lock:
# that plus the test tools, at the same versions. Only this target installs pip-tools.
PIP_COMPILE := $(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links
lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet pip-tools==7.6.2
	$(PIP_COMPILE) $(LOCK_ARGS) --output-file requirements.lock requirements.txt
	$(PIP_COMPILE) $(LOCK_ARGS) --constraint requirements.lock --output-file requirements-dev.lock requirements-dev.txt

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

# The web server and, beside it, one task worker (reminders and letters: docs/operations.md,
# "Workers and messages"). The worker stops when the server does, however it ends (Ctrl+C
# included: the shell's trap sends it SIGTERM). No autoreload for the worker: restart `make run`
# after changing a task's code.
run: demo
	$(DEV_ENV) $(PY) manage.py db_worker --no-reload --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(DEV_ENV) $(PY) manage.py check --fail-level WARNING
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

test: lint
	$(VENV)/bin/pytest -q

bench: install
	$(DEV_ENV) $(PY) bench/run.py

# PostgreSQL restarted under a stream of bookings, on a throwaway cluster of its own (port 55432
# or the next free one; the machine's server is never touched): docs/operations.md.
resilience: install
	$(PY) bench/pg_restart.py $(RESILIENCE_ARGS)

clean:
	rm -rf $(VENV) node_modules data
