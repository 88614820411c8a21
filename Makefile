# Ramani — `make run` serves the demo on http://127.0.0.1:8000, `make test` runs what CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export RAMANI_DATA_DIR ?= $(CURDIR)/var

.PHONY: install run test bench lint clean i18n

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

run: install
	$(BIN)/ramani migrate
	$(BIN)/ramani demo
	$(BIN)/ramani import boundaries src/ramani/geo/data/cod_adm2_simplified.geojson
	@echo "Serving on http://127.0.0.1:8000 (follow-up platform: /cases/, with the demo logins printed above the first time; admin: /admin/, create a user from another terminal in this folder with: $(BIN)/ramani manage createsuperuser — data dir $(RAMANI_DATA_DIR), which every ramani command of this checkout uses)"
	$(BIN)/ramani serve --host 127.0.0.1 --port 8000

test: install
	scripts/test

bench: install
	$(BIN)/python bench/import_bench.py

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

clean:
	rm -rf var .pytest_cache

# The maintainer's catalog update: Django's makemessages/compilemessages need GNU gettext (serving the
# committed .mo files does not). Then: scripts/i18n todo --json, fill FILE.json, check (docs/translations.md).
i18n: install
	@command -v xgettext >/dev/null && command -v msgfmt >/dev/null || { echo "make i18n needs GNU gettext (xgettext, msgmerge, msgfmt): sudo apt-get install gettext" >&2; exit 1; }
	$(BIN)/python scripts/i18n update
