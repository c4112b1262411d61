# GraphCRM: `make demo` runs the app on the embedded database with the demo
# portfolio; `make test` runs the whole test suite.  Both set up .venv first.
# `make docs` serves the documentation site (docs/, mkdocs.yml) at http://127.0.0.1:8000.
# `make test` first checks the code (`make lint`: ruff, and mypy on graphcrm/graph)
# and installs Debian's Chromium for the end-to-end tests (`make browser`: apt-get,
# only when /usr/bin/chromium is missing).  `make fonts` installs what the review
# pack's PDF needs from Debian (Pango for WeasyPrint, fonts for English and Chinese),
# only when fontconfig finds no font for Chinese; `make demo` and `make test` run it.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint docs browser fonts clean neo4j neo4j-stop mutation

$(BIN)/graphcrm: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,docs]'
	touch $@

demo: $(BIN)/graphcrm fonts
	$(BIN)/graphcrm serve --demo

test: lint $(BIN)/graphcrm browser fonts
	$(BIN)/python -m pytest

lint: $(BIN)/graphcrm
	$(BIN)/ruff check graphcrm tests bench
	$(BIN)/mypy

docs: $(BIN)/graphcrm
	$(BIN)/mkdocs serve

browser:
	test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium fonts-wqy-microhei)

# the packages graphcrm/review.py names in its errors (FONT_PACKAGES), and Pango
fonts:
	test -n "$$(fc-list :lang=zh-cn family 2>/dev/null)" || (apt-get update && apt-get install -y \
		libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-dejavu-core fonts-wqy-microhei)

clean:
	rm -rf $(VENV) build *.egg-info test-artifacts site

# `make mutation`: mutation testing with mutmut (configured in setup.cfg's [mutmut]) of
# graphcrm/analysis/ and graphcrm/transfer/plan.py against the analysis and import tests,
# in a copy under mutants/; then the survivors and the share killed per module.  Slow
# (an hour or more on two cores), so not part of `make test` nor of CI.
MUTATION_CHILDREN ?= 2

define MUTATION_SUMMARY
import json, pathlib
print(f"{'module':36} {'killed':>7} {'total':>6} {'share':>6} {'survived':>9} {'timeout':>8} {'no tests':>9}")
for meta in sorted(pathlib.Path("mutants").rglob("*.py.meta")):
    codes = list(json.loads(meta.read_text())["exit_code_by_key"].values())
    killed, total = sum(c in (1, 3) for c in codes), len(codes)
    print(f"{str(meta)[len('mutants/'):-len('.meta')]:36} {killed:7} {total:6} {killed / max(total, 1):6.0%} "
          f"{codes.count(0):9} {sum(c in (24, -24, 36, 152, 255) for c in codes):8} {sum(c in (5, 33) for c in codes):9}")
endef
export MUTATION_SUMMARY

mutation: $(BIN)/graphcrm
	$(BIN)/pip install --quiet -e '.[test,mutation]'
	$(BIN)/mutmut run --max-children $(MUTATION_CHILDREN)
	$(BIN)/mutmut results
	$(BIN)/python -c "$$MUTATION_SUMMARY"

# A local Neo4j 5.26 for development and tests (data in instance/neo4j, Bolt on 127.0.0.1, no
# authentication); the Bolt URL is the last line printed.  The first run downloads Neo4j from
# Maven Central (Java 17 and Maven needed).  See neo4j/run.
neo4j:
	neo4j/run start instance/neo4j

neo4j-stop:
	neo4j/run stop instance/neo4j
