# GraphCRM: `make demo` runs the app on the embedded database with the demo
# portfolio; `make test` runs the whole test suite.  Both set up .venv first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test bench-smoke clean

$(BIN)/graphcrm: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/graphcrm
	$(BIN)/graphcrm serve --demo

# The browser tests drive Debian's Chromium (Playwright's own browser download
# does not work offline); install it when it is missing.
/usr/bin/chromium:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

test: $(BIN)/graphcrm /usr/bin/chromium
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build *.egg-info test-artifacts
