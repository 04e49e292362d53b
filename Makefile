# Two commands do everything on a fresh machine with Python 3.10+ and make:
#   make run   – install, migrate, seed the demo school when empty, make the web push keys when
#                missing, serve with a worker and beat
#   make test  – install the test tools and run lint, type checks and the whole suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint types pytest install install-test messages benchmark clean

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) install --quiet -c constraints.txt -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --silent --no-audit --no-fund && touch $@; \
	else echo "npm not found: the accessibility checks in the browser tests will skip"; fi

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test node_modules/.installed

# Links printed and emailed (sign-ins, invite letters, notifications) point at this server
# unless SITE_URL says otherwise.
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py vapid_keys --if-missing
	$(PY) manage.py serve --host $(HOST) --port $(PORT)

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: install-test
	$(VENV)/bin/mypy .

pytest: install-test
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test: lint types pytest

messages: install
	$(PY) manage.py makemessages --all --ignore=.venv --ignore=node_modules --ignore=var

benchmark: install-test
	for b in benchmarks/*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) node_modules var
