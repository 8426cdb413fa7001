# Maillon — the two commands of the README are `make run` and `make test`.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py

.PHONY: run test e2e lint format setup venv assets db demo demo-codes bench clean

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

# --force: DEBUG is off by default and load_demo refuses then (no demo on a real instance by accident).
demo: db
	$(MANAGE) load_demo --force

# The current TOTP code of every demo account (read from the database).
demo-codes: venv
	@$(MANAGE) demo_codes

setup: venv assets demo

# The site, one background worker (every message: e-mail, SMS, in-app; scheduled jobs) and the
# scheduler that enqueues the daily jobs (maillon/core/scheduler.py); Ctrl-C stops all three.
# The links in messages and the `site` of var/demo-credentials.json follow PORT.
# DEBUG stays off (DJANGO_DEBUG=1 make run turns it on): the product's error pages, static
# files through WhiteNoise, the secret key of var/secret-key. Over plain http, so cookies
# without `Secure`. E-mails and SMS go to files under var/, not to the console: the log holds
# one line per request and one per task run.
run: export MAILLON_SITE_URL := http://127.0.0.1:$(PORT)
run: export DJANGO_SECURE_COOKIES ?= 0
run: export EMAIL_BACKEND ?= django.core.mail.backends.filebased.EmailBackend
run: export EMAIL_FILE_PATH ?= $(CURDIR)/var/mails
run: export MAILLON_SMS_BACKEND ?= maillon.core.notifications.sms.FileSmsBackend
run: export MAILLON_SMS_FILE_PATH ?= $(CURDIR)/var/sms
run: setup
	@echo "Courriels : un fichier par message dans $(EMAIL_FILE_PATH)/ (SMS : $(MAILLON_SMS_FILE_PATH)/)."
	@echo "Codes TOTP du moment des comptes de démonstration : make demo-codes"
	@echo "Site : http://127.0.0.1:$(PORT)/"
	@$(MANAGE) db_worker --queue-name "*" & worker=$$!; \
	$(MANAGE) run_scheduler --verbosity 0 & scheduler=$$!; \
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
	$(PY) bench/pathways.py --cpts 10 --patients 5000
	$(PY) bench/events.py --registrants 200 --seats 100
	$(PY) bench/threads.py --messages 10000 --writers 50
	$(PY) bench/ics_import.py
	$(PY) bench/journal_chain.py --writers 8 --seconds 5

clean:
	rm -rf $(VENV) node_modules var/*.sqlite3
