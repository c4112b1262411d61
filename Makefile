# GraphCRM: `make demo` runs the app on the embedded database with the demo
# portfolio; `make test` runs the whole test suite.  Both set up .venv first.
# `make test` also installs Debian's Chromium for the end-to-end tests
# (`make browser`: apt-get, only when /usr/bin/chromium is missing).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test browser clean neo4j neo4j-stop

$(BIN)/graphcrm: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/graphcrm
	$(BIN)/graphcrm serve --demo

test: $(BIN)/graphcrm browser
	$(BIN)/python -m pytest

browser:
	test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium fonts-wqy-microhei)

clean:
	rm -rf $(VENV) build *.egg-info test-artifacts

# A local Neo4j 5.26 for development and tests (data in instance/neo4j, Bolt on 127.0.0.1, no
# authentication); the Bolt URL is the last line printed.  The first run downloads Neo4j from
# Maven Central (Java 17 and Maven needed).  See neo4j/run.
neo4j:
	neo4j/run start instance/neo4j

neo4j-stop:
	neo4j/run stop instance/neo4j
