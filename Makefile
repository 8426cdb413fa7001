# Maillon — the two commands of the README are `make run` and `make test`.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py

.PHONY: run test lint format setup venv assets db demo bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

assets: node_modules/.installed

var:
	mkdir -p var

db: venv var
	$(MANAGE) migrate --noinput
	$(MANAGE) import_communes --skip-if-current

demo: db
	$(MANAGE) load_demo

setup: venv assets demo

# The site and one background worker (e-mails, scheduled jobs); Ctrl-C stops both.
run: setup
	$(MANAGE) db_worker --queue-name "*" & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: venv var
	$(BIN)/pytest -n auto

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Speed, as ratios measured in the same run (bench/*.py say what they measure).
bench: db
	$(PY) bench/territories.py
	$(PY) bench/directory.py --professionals 5000 --runs 3
	$(PY) bench/report.py --runs 3
	$(PY) bench/matching.py --sample 4

clean:
	rm -rf $(VENV) node_modules var/*.sqlite3
