"""Property-based run of the API against its own OpenAPI description (schemathesis).

Schemathesis reads ``/api/openapi.json`` from the app in-process (WSGI) and
sends each operation requests made from the description, valid and not,
with an administrator's write token over the authorization matrix's
portfolio; every answer must be no 5xx, of a documented status, media type
and schema.  Each operation is sent valid and invalid requests, with the
generator's ids and with ids of the portfolio's records (in the path and the
body: :data:`KNOWN`), so that writes reach the store.  Derandomized (the same
cases every run) and kept to a few hundred cases (``MAX_EXAMPLES`` per
operation and variant), on both stores.

Left out: ``positive_data_acceptance``, which expects a 2xx for every
request the description allows; ids made up by the generator name no
record, and 404 is the documented answer.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from graphcrm import tokens

from fixtures import load_access_portfolio

#: cases per operation and mode (valid, invalid)
MAX_EXAMPLES = 8

#: the requests the run made, by operation, and their answers by status (reported at the end of the module)
SENT: dict[str, int] = {}
STATUSES: dict[int, int] = {}


@pytest.fixture(scope="module")
def fuzzed(web_app):
    """The app over the matrix's portfolio and an administrator's write token."""
    with web_app() as (app, store):
        load_access_portfolio(store)
        app.config["API_RATE_LIMIT"] = "1000000 per minute"
        admin = store.user_by_username("admin")
        yield app, tokens.create_token(store, admin["id"], "fuzz", "write")[0]


@pytest.fixture(scope="module")
def operations(fuzzed) -> list:
    """The operations of the description the app serves."""
    described = schemathesis.openapi.from_wsgi("/api/openapi.json", fuzzed[0])
    return [result.ok() for result in described.get_all_operations()]


def test_the_description_validates(fuzzed):
    """The description is a valid OpenAPI 3.1 document (schemathesis checks it against the specification's schema)."""
    schemathesis.openapi.from_wsgi("/api/openapi.json", fuzzed[0]).validate()


#: path parameters that name records of the portfolio (the generator's own name none)
KNOWN = {"account_id": "acc-ours", "opportunity_id": "opp-ours", "person_id": "p-ours-cio",
         "rel_type": "ROLE_IN", "start": "p-ours-cfo", "end": "opp-ours"}
#: the same in the bodies (a relationship's ends: two people; an interaction's people)
KNOWN_IN_BODIES = {"opportunity_id": "opp-ours", "person_id": "p-ours-cio", "start": "p-ours-cfo",
                   "end": "p-ours-cio", "person_ids": ["p-ours-cio", "p-ours-cfo"], "user_ids": ["user-lina"]}


def _known_ids(case):
    """``case`` with the ids of its body, if any, naming records of the portfolio."""
    if isinstance(case.body, dict):
        case.body = {k: KNOWN_IN_BODIES.get(k, v) if k in case.body else v for k, v in case.body.items()}
    return case


@pytest.mark.parametrize("ids", ["generated", "known"])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_answers_as_its_description_says(fuzzed, operations, mode, ids):
    headers = {"Authorization": f"Bearer {fuzzed[1]}"}
    for operation in operations:
        names = [p.name for p in operation.path_parameters]
        if ids == "known" and not names and operation.method.upper() == "GET":
            continue
        path_parameters = {name: KNOWN[name] for name in names} if ids == "known" else None

        cases = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

        @given(case=cases.map(_known_ids) if ids == "known" else cases)
        @settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def answers_as_described(case):
            response = case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])
            SENT[case.operation.label] = SENT.get(case.operation.label, 0) + 1
            STATUSES[response.status_code] = STATUSES.get(response.status_code, 0) + 1

        answers_as_described()


def test_the_run_sent_a_few_hundred_requests():
    """The figures of the run (printed with -s); it sent requests to every operation."""
    print(f"schemathesis: {sum(SENT.values())} requests to {len(SENT)} operations, answers {sorted(STATUSES.items())}")
    assert len(SENT) >= 20
