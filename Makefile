# Maillon — the two commands of the README are `make run` and `make test`.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py

.PHONY: run test e2e lint format setup venv assets db demo bench clean

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

# The site, one background worker (every message: e-mail, SMS, in-app; scheduled jobs) and the
# scheduler that enqueues the daily jobs (maillon/core/scheduler.py); Ctrl-C stops all three.
# The links in messages and the `site` of var/demo-credentials.json follow PORT.
run: export MAILLON_SITE_URL := http://127.0.0.1:$(PORT)
run: setup
	$(MANAGE) db_worker --queue-name "*" & worker=$$!; \
	$(MANAGE) run_scheduler & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: venv var assets
	$(BIN)/pytest -n auto

# The end-to-end journeys in headless Chromium (the Debian package; Playwright never downloads one).
e2e: venv var
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	  else echo "Chromium is missing: run 'sudo apt-get install chromium' (or set MAILLON_E2E_CHROMIUM to a Chromium binary)."; fi; }
	$(BIN)/pytest tests/e2e -m e2e

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
	$(PY) bench/alerts.py --alerts 2000
	$(PY) bench/matching.py --sample 4
	$(PY) bench/slots.py --slots 1000000
	$(PY) bench/booking.py --clients 50 --slots 1000

clean:
	rm -rf $(VENV) node_modules var/*.sqlite3
