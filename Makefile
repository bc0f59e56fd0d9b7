# Gradient: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext chromium

.PHONY: run serve test bench setup sysdeps venv messages migrate lint format typecheck clean

run: setup migrate  ## Serve the site with demo data on http://127.0.0.1:8000
	$(PY) manage.py seed_demo
	@echo "Gradient is serving on http://127.0.0.1:8000 (Ctrl-C to stop)"
	$(PY) manage.py runserver 127.0.0.1:8000

serve: setup  ## Run the production topology (gunicorn, 2 Celery workers, beat) on PostgreSQL + Redis
	bin/serve

test: setup  ## Run the whole suite (PostgreSQL and Redis when DATABASE_URL / CELERY_BROKER_URL are set)
	$(PY) -m pytest

bench: setup  ## Ensure the synthetic province (PostgreSQL gradient_bench or DATABASE_URL), run every benchmark and the load test, write benchmarks/RESULTS.md
	$(PY) benchmarks/run_all.py $(BENCH_ARGS)

.PHONY: bench-db
bench-db: setup  ## Build (or reuse) the synthetic 50,000-firm population make bench runs on
	$(PY) benchmarks/build_synthetic_db.py $(BENCH_DB_ARGS)

setup: sysdeps venv messages

# WeasyPrint needs Pango and HarfBuzz's subsetter; certificates need a CJK font;
# compiling translations needs gettext; the browser journeys drive Debian's chromium.
# Installed where we have the rights to.
sysdeps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else \
	  echo "Missing system packages:$$missing"; \
	  echo "Install them with: sudo apt-get install -y$$missing"; exit 1; fi; \
	echo "Installing system packages:$$missing"; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e ".[dev]"
	touch $@

messages: venv
	$(PY) manage.py compilemessages --ignore=.venv -v 0

migrate: venv
	$(PY) manage.py migrate --noinput -v 0

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: venv
	$(VENV)/bin/mypy config enterprises assessments reports

clean:
	rm -rf $(VENV) var
