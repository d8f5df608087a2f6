# Stadhuis op afspraak — the two commands a new developer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Languages with a catalogue; Dutch is the source language and needs none.
LOCALES := fr de en ar ru uk tr
POT := translations/messages.pot

.PHONY: run serve test lint install install-test translations extract-messages update-messages \
        compile-messages bench clean

## run: install, migrate, load the demo data into an empty database, serve on :5000
# (`PORT=5050 make run` serves on :5050, and the links in the mails follow unless
# PORTAL_BASE_URL says otherwise). In development mails are written to instance/mail/ and
# listed at /dev/mail.
RUN_PORT := $(or $(PORT),5000)
run: export PORTAL_MAIL_BACKEND ?= file
run: export PORTAL_DEV_MAILBOX ?= true
run: install compile-messages
	$(BIN)/flask --app portal db upgrade
	$(BIN)/flask --app portal demo --if-empty
	PORTAL_BASE_URL="$${PORTAL_BASE_URL:-http://127.0.0.1:$(RUN_PORT)}" \
	  $(BIN)/flask --app portal run --host 127.0.0.1 --port $(RUN_PORT)

## serve: install, migrate and serve with gunicorn the way production does (gunicorn.conf.py)
# on http://127.0.0.1:8000 (PORT, PORTAL_BIND, PORTAL_WEB_WORKERS, … change it). No demo
# data is loaded: `make run` (or `flask --app portal demo --if-empty`) fills a database.
serve: install compile-messages
	$(BIN)/flask --app portal db upgrade
	$(BIN)/gunicorn --config gunicorn.conf.py

## test: install the test extras and run the whole suite, then the linter
# Spread over the cores by pytest-xdist: each module whole on one worker, tests/load on
# one worker after another (tests/conftest.py). PYTEST_ARGS= runs it in one process.
PYTEST_ARGS ?= -n auto --dist loadgroup
test: install-test compile-messages
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	$(BIN)/ruff check .

lint: install-test
	$(BIN)/ruff check .

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[postgres]'
	touch $@

install-test: $(VENV)/.installed-test
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

## extract-messages: collect every translatable string from portal/ and templates/
extract-messages: install
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext \
	    --no-location --sort-output --project "Stadhuis op afspraak" \
	    --copyright-holder "Stad" --msgid-bugs-address "burgerzaken@stad.example" \
	    -o $(POT) .

## update-messages: merge new strings into each language's catalogue (marks changes fuzzy)
update-messages: extract-messages
	for locale in $(LOCALES); do \
	    if [ -f translations/$$locale/LC_MESSAGES/messages.po ]; then \
	        $(BIN)/pybabel -q update --ignore-obsolete --no-fuzzy-matching \
	            -i $(POT) -d translations -l $$locale; \
	    else \
	        $(BIN)/pybabel -q init -i $(POT) -d translations -l $$locale; \
	    fi; \
	done

## compile-messages: build the .mo files the portal reads (not kept in git)
compile-messages: install
	$(BIN)/pybabel -q compile -d translations

translations: update-messages compile-messages

## bench: measure the availability engine (figures, not a pass/fail test)
bench: install-test
	$(BIN)/python bench/availability.py
	$(BIN)/python bench/booking.py
	$(BIN)/python bench/staff.py
	$(BIN)/python bench/invitation_days.py
	$(BIN)/python bench/rota.py
	$(BIN)/python bench/rota_plan.py
	$(BIN)/python bench/speaker_match.py
	$(BIN)/python bench/growth.py
	$(BIN)/python bench/serving.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
