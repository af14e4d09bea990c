# The two commands of the README: `make run` and `make test`. Everything else is their parts.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test install i18n i18n-update check lint typecheck pytest services rasa clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Compile the gettext catalogues (the .mo files are build output, not committed).
# Fuzzy entries are left out (pybabel's default); a broken catalogue fails the build.
i18n: install
	$(BIN)/pybabel compile -d content -D messages --statistics

# Extract UI strings from the code (keywords in babel.cfg) and merge them into both
# catalogues; then translate the new entries and run `make check`.
i18n-update: install
	$(BIN)/pybabel -q extract -F babel.cfg -o content/messages.pot --add-location=file \
		--sort-by-file --project=hotline189 --copyright-holder="Hotline 189 assistant contributors" .
	$(BIN)/pybabel -q update -i content/messages.pot -d content -D messages --ignore-obsolete

run: i18n
	$(BIN)/hotline start

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

check: i18n
	$(BIN)/hotline content check

services:
	bash .ci/services

rasa: install
	$(BIN)/hotline nlu train --engine rasa
	bash .ci/rasa-server start

pytest: i18n
	$(BIN)/pytest -q

test: i18n lint typecheck check services rasa pytest

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
