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

# The languages of the interface's catalogues in locale/ (settings.LANGUAGES but English, the
# language the portal is written in).
LOCALES := pl ro ur pa ar es
# Where no translatable text of the portal is: the tests' and benchmarks' strings are not shown
# to anyone, vendored or collected files are not ours, and static/errors/ holds pages rendered
# from templates/errors/ (`manage.py error_pages`).
MESSAGES_IGNORE := --ignore=.venv --ignore=node_modules --ignore=var --ignore=tests \
	--ignore=benchmarks --ignore=static/vendor --ignore=static/errors
MESSAGES_OPTIONS := $(addprefix --locale=,$(LOCALES)) $(MESSAGES_IGNORE) --no-obsolete \
	--add-location=file

.PHONY: run test lint types pytest install install-test messages catalogues benchmark clean

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

install: $(VENV)/.installed catalogues

install-test: $(VENV)/.installed-test node_modules/.installed catalogues

# The compiled catalogues (.mo) are made from locale/'s .po files here, never kept in git; only
# those older than their .po are compiled again. A catalogue that does not compile stops the run.
# Without GNU gettext's msgfmt the portal runs in English (CI installs it).
catalogues: $(VENV)/.installed
	@if command -v msgfmt >/dev/null 2>&1; then \
		$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules --ignore=var \
			--verbosity 0; \
	else echo "msgfmt not found (apt-get install gettext): the interface stays in English"; fi

# Links printed and emailed (sign-ins, invite letters, notifications) point at this server
# unless SITE_URL says otherwise.
run: export SITE_URL ?= http://$(HOST):$(PORT)
# Debug mode is off unless asked for (docs/configuration.md): the demo on one machine asks.
run: export DJANGO_DEBUG ?= true
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py vapid_keys --if-missing
	$(PY) manage.py serve --host $(HOST) --port $(PORT)

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

types: install-test
	$(VENV)/bin/mypy .

# The suite runs on one worker per core (pytest-xdist); PYTEST_ARGS comes after, so
# `make test PYTEST_ARGS="-n 0"` runs it serially, in one process (docs/testing.md).
PYTEST_WORKERS ?= auto
# Coverage of every app, failing below the floor (pyproject.toml); a part of the suite covers
# less, so `make pytest COVERAGE= PYTEST_ARGS='-k demo'` leaves it out.
COVERAGE ?= --cov
pytest: install-test
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(COVERAGE) $(PYTEST_ARGS)

test: lint types pytest

# After changing texts: the catalogues take the new and changed messages, and keep every
# translation already made (msgmerge; a changed message comes back as fuzzy for its translator).
messages: install
	$(PY) manage.py makemessages $(MESSAGES_OPTIONS)
	$(PY) manage.py makemessages --domain=djangojs $(MESSAGES_OPTIONS)

benchmark: install-test
	for b in benchmarks/*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) node_modules var
