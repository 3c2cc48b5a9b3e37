# commentflow — the two commands a new machine needs:
#   make run    install, migrate, load the demo province into an empty database (never
#               changes existing data), serve on http://127.0.0.1:5000
#               (with the scheduler beside it: reminders, e-mail to instance/outbox/, drafts
#               read in the background; LibreOffice, poppler, Tesseract via apt-get if it can)
#   make test   install (PostgreSQL, Chromium, LibreOffice, poppler, Tesseract too, via
#               apt-get), run the whole suite
VENV ?= .venv
PYTHON ?= python3
PORT ?= 5000
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app

.PHONY: install install-dev run test test-deps translations lint bench-tools

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime
	$(VENV)/bin/pybabel -q compile -d commentflow/translations

install-dev: $(VENV)/.dev install

run: install
	bash scripts/install-document-tools.sh --optional
	$(FLASK) db upgrade
	$(FLASK) demo
	@echo "Bộ lập lịch (nhắc hạn, gửi thư, đọc dự thảo) chạy cùng máy chủ; thư được ghi vào instance/outbox/."
	$(FLASK) scheduler & SCHEDULER=$$!; \
	trap 'kill $$SCHEDULER 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test-deps:
	bash scripts/install-test-deps.sh
	$(PY) scripts/fetch_axe.py

test: install-dev test-deps
	$(PY) -m pytest -n 2

translations: install-dev
	$(VENV)/bin/pybabel -q extract -F babel.cfg -k _l -o commentflow/translations/messages.pot commentflow templates
	$(VENV)/bin/pybabel -q update -i commentflow/translations/messages.pot -d commentflow/translations
	$(VENV)/bin/pybabel -q compile -d commentflow/translations

bench-tools:
	bash scripts/install-bench-tools.sh

lint: install-dev
	$(VENV)/bin/ruff check commentflow tests bench migrations app.py
