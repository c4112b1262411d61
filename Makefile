# GraphCRM: `make demo` runs the app on the embedded database with the demo
# portfolio; `make test` runs the whole test suite.  Both set up .venv first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test clean

$(BIN)/graphcrm: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/graphcrm
	$(BIN)/graphcrm serve --demo

test: $(BIN)/graphcrm
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build *.egg-info test-artifacts
