"""Fuzzing (hypothesis) of every way in: the web forms, the JSON API, URLs,
the store API and the CLI, with oversized fields, control characters,
invalid UTF-8, wrong types, unknown enum values, ids that do not exist,
out-of-range dates and Cypher-like text.

Each input either succeeds (and is stored as given, as plain text) or is
refused with a 4xx / ValidationError / NotFound / one-line CLI error naming
the field, and then the graph's counts are unchanged: nothing half-written.
Never a 500, never a traceback.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from graphcrm import model
from graphcrm.cli import main as cli
from graphcrm.errors import Conflict, NotFound, ValidationError
from graphcrm.transfer.salesforce import read_salesforce
from graphcrm.users import add_user
from graphcrm.web.db import get_store

from fixtures import PASSWORD, login

CYPHER = "'}) MATCH (n) DETACH DELETE n //"
NASTY = [
    CYPHER, '"}) MATCH (n) SET n.name = "pwned" RETURN n //', "` DETACH DELETE n", "$props", "\\u0000",
    "<script>alert(1)</script>", "\x00", "\x1b[31mred", "\u202eevil", "𠜎𠜱 王强", "' OR 1=1 --", "",
    " ", "\r\n", "a" * 5000, "9" * 400, "-1", "1e309", "NaN", "null", "[]", "{}", "true",
]
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])

#: any text, including control characters and astral planes, plus known trouble
nasty_text = st.one_of(st.text(max_size=300), st.sampled_from(NASTY))
#: what a JSON body or the store may be handed instead of the right type
any_value = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), nasty_text,
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _counts(store) -> dict:
    stats = store.stats()
    return {**stats["nodes"], **stats["relationships"]}


# -- the web app ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app(web_app):
    with web_app() as (app, store):
        store.create("Account", {"name": "华东电网 East Grid"}, id="acc-east")
        add_user(store, "lina", role="manager", password=PASSWORD, id="u-lina")
        store.relate("MEMBER_OF", "u-lina", "acc-east")
        store.create_person("acc-east", {"name": "王强", "title": "CIO"}, id="p-cio")
        store.create_opportunity("acc-east", {"name": "Grid upgrade"}, id="opp-east")
        yield app


@pytest.fixture(scope="module")
def client(app):
    client = app.test_client()
    assert login(client, "lina").status_code == 302
    return client


def _fields_in_error(page: str) -> set[str]:
    """The form fields that carry an error message (the last input named before each message)."""
    named = set()
    for error in re.finditer(r'class="field-error"', page):
        names = re.findall(r'name="(\w+)"', page[: error.start()])
        names = [n for n in names if n != "csrf_token"]
        if names:
            named.add(names[-1])
    return named


interaction_form = st.fixed_dictionaries({
    "kind": st.one_of(st.sampled_from(list(model.INTERACTION_KINDS)), nasty_text),
    "channel": st.one_of(st.sampled_from(list(model.CHANNELS)), nasty_text),
    "at": st.one_of(
        st.datetimes().map(lambda d: d.isoformat(timespec="minutes")),
        st.sampled_from(["2026-05-01T09:30", "0001-01-01T00:00", "9999-12-31T23:59", "2026-13-45T99:99",
                         "2026-05-01T09:30+25:00", "1899-12-31T23:59", "2201-01-01T00:00"]),
        nasty_text,
    ),
    "summary": nasty_text,
    "sentiment": st.one_of(st.integers(min_value=-(10**20), max_value=10**20).map(str), nasty_text),
})


@FUZZ
@given(form=interaction_form)
def test_log_interaction_form(app, client, form):
    with app.app_context():
        store = get_store()
        before = _counts(store)
        known = {i["id"] for i in store.list_nodes("Interaction", limit=100_000)}
        r = client.post("/people/p-cio", data=form)
        page = r.get_data(as_text=True)
        assert r.status_code in (302, 400), page[:500]
        assert "Traceback" not in page
        after = _counts(store)
        if r.status_code == 400:
            assert after == before, "a refused form wrote something"
            assert _fields_in_error(page) & set(form), page[:2000]
        else:
            assert after["Interaction"] == before["Interaction"] + 1
            [latest] = [i for i in store.list_nodes("Interaction", limit=100_000) if i["id"] not in known]
            assert latest["summary"] == re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", form["summary"])
            assert latest["kind"] == form["kind"] and latest["channel"] == form["channel"]
            assert store.get("Account", "acc-east")["name"] == "华东电网 East Grid"


@settings(FUZZ, max_examples=20)  # each login hashes a password (~0.3 s)
@given(username=nasty_text, password=nasty_text)
def test_login_form(app, username, password):
    r = app.test_client().post("/login", data={"username": username, "password": password})
    assert r.status_code in (400, 401), r.get_data(as_text=True)[:300]
    if r.status_code == 400:
        assert _fields_in_error(r.get_data(as_text=True)) & {"username", "password"}


@FUZZ
@given(ident=nasty_text, where=st.sampled_from(["/accounts/", "/people/", "/opportunities/", "/api/accounts/",
                                                 "/api/opportunities/", "/accounts/acc-east/stakeholders.csv?x=",
                                                 "/search?q=", "/lang/"]))
@example(ident="/0", where="/api/accounts/")  # "//": no redirect page outside the JSON API
def test_ids_and_queries_in_urls(client, ident, where):
    r = client.get(where + quote(ident, safe=""))
    body = r.get_data(as_text=True)
    assert r.status_code in (200, 302, 400, 404), body[:300]
    assert "Traceback" not in body
    if where.startswith("/api/") and r.status_code != 200:
        assert r.is_json and r.get_json()["error"]


def test_oversized_bodies_answer_413_with_a_clear_page(app, client):
    with app.app_context():
        before = _counts(get_store())
    ten_mb = "名" * (10 * 1024 * 1024 // 3 + 1)
    r = client.post("/people/p-cio", data={"kind": "call", "channel": "phone", "at": "2026-05-01T09:30",
                                            "summary": ten_mb})
    assert r.status_code == 413
    assert "Request too large" in r.get_data(as_text=True) and "8 MB" in r.get_data(as_text=True)
    r = client.post("/api/accounts/acc-east", data=ten_mb.encode(), content_type="application/json")
    assert r.status_code in (405, 413)
    # a 1 MB summary is read, then refused by the form, naming the field
    r = client.post("/people/p-cio", data={"kind": "call", "channel": "phone", "at": "2026-05-01T09:30",
                                            "summary": "x" * 1_000_000})
    assert r.status_code == 400 and "summary" in _fields_in_error(r.get_data(as_text=True))
    with app.app_context():
        assert _counts(get_store()) == before


@FUZZ
@given(raw=st.binary(max_size=200))
def test_invalid_utf8_in_a_form_body(app, client, raw):
    with app.app_context():
        before = _counts(get_store())
    body = (b"kind=call&channel=phone&at=2026-05-01T09%3A30&summary=" + quote(raw, safe="").encode()
            + b"&sentiment=" + raw)
    r = client.post("/people/p-cio", data=body, content_type="application/x-www-form-urlencoded")
    assert r.status_code in (302, 400), r.get_data(as_text=True)[:300]
    if r.status_code == 400:
        with app.app_context():
            assert _counts(get_store()) == before


person_form = st.fixed_dictionaries({
    "name": nasty_text, "title": nasty_text, "department": nasty_text,
    "influence": st.one_of(st.sampled_from(["1", "3", "5"]), nasty_text),
    "stance": st.one_of(st.sampled_from(list(model.STANCES)), nasty_text),
    "email": st.one_of(st.just("wq@example.cn"), nasty_text), "phone": st.one_of(st.just("+86 10 1234"), nasty_text),
    "notes": nasty_text,
})


@FUZZ
@given(form=person_form, version=st.one_of(st.just("current"), nasty_text))
def test_person_create_and_edit_forms(app, client, form, version):
    with app.app_context():
        store = get_store()
        before, stored = _counts(store), store.get("Person", "p-cio")
        r = client.post("/accounts/acc-east/people/new", data=form)
        page = r.get_data(as_text=True)
        assert r.status_code in (302, 400), page[:500]
        if r.status_code == 400:
            assert _counts(store) == before and _fields_in_error(page) & set(form), page[:2000]
        else:
            assert _counts(store)["Person"] == before["Person"] + 1
        before = _counts(store)
        edit = {**form, "version": str(stored["version"]) if version == "current" else version}
        r = client.post("/people/p-cio/edit", data=edit)
        page = r.get_data(as_text=True)
        assert r.status_code in (302, 400, 409), page[:500]
        assert _counts(store) == before
        if r.status_code != 302:
            assert store.get("Person", "p-cio") == stored, "a refused edit changed the person"
        if r.status_code == 400:
            assert _fields_in_error(page) & set(edit), page[:2000]


# -- the store --------------------------------------------------------------------------------


def _field_names(label: str) -> list[str]:
    return list(model.NODE_MODELS[label].model_fields)


def _small_account(store) -> None:
    """An account with two people, a bid and one of our users (once per test)."""
    if store.find("Account", "acc-x") is None:
        store.create("Account", {"name": "X 集团"}, id="acc-x")
        store.create_person("acc-x", {"name": "A"}, id="p-a")
        store.create_person("acc-x", {"name": "B"}, id="p-b")
        store.create_opportunity("acc-x", {"name": "Opp"}, id="opp-x")
        add_user(store, "fuzzer", role="manager", password=PASSWORD, id="u-x")


node_input = st.sampled_from(list(model.NODE_MODELS)).flatmap(lambda label: st.tuples(
    st.just(label),
    st.dictionaries(st.sampled_from(_field_names(label) + ["bogus", "id", "version", "名字"]), any_value,
                    max_size=6),
))


@FUZZ
@given(data=node_input)
def test_store_create_with_any_properties(store, data):
    label, props = data
    before = _counts(store)
    try:
        created = store.create(label, props)
    except ValidationError as exc:
        required = {n for n, f in model.NODE_MODELS[label].model_fields.items() if f.is_required()}
        assert exc.field.split(".")[0] in set(props) | required, exc
        assert _counts(store) == before
        return
    assert _counts(store)[label] == before[label] + 1
    stored = store.get(label, created["id"])
    for key, value in props.items():
        if isinstance(value, str) and key in stored and key not in model.SYSTEM_PROPERTIES:
            assert value.strip() in (stored[key], stored[key].strip()) or key in ("notes", "summary")


@FUZZ
@given(version=any_value, changes=st.dictionaries(st.sampled_from(_field_names("Person") + ["bogus"]), any_value,
                                                   max_size=4),
       ident=st.one_of(st.just("p-fuzz"), nasty_text))
def test_store_update_with_any_input(store, version, changes, ident):
    if store.find("Person", "p-fuzz") is None:
        store.create("Account", {"name": "Fuzz Co"}, id="acc-fuzz")
        store.create_person("acc-fuzz", {"name": "Fuzz Person"}, id="p-fuzz")
    before = _counts(store)
    stored = store.get("Person", "p-fuzz")
    try:
        store.update("Person", ident, changes, version=version)
    except (ValidationError, NotFound, Conflict):
        assert store.get("Person", "p-fuzz") == stored, "a refused update changed the node"
    assert _counts(store) == before


@FUZZ
@given(rel_type=st.one_of(st.sampled_from(list(model.RELATIONSHIP_TYPES)), nasty_text),
       start=st.one_of(st.sampled_from(["p-a", "p-b", "acc-x", "u-x"]), nasty_text),
       end=st.one_of(st.sampled_from(["p-a", "p-b", "acc-x", "opp-x"]), nasty_text),
       props=st.dictionaries(st.sampled_from(["strength", "role", "since", "stance", "bogus"]), any_value, max_size=3))
def test_store_relate_with_any_input(store, rel_type, start, end, props):
    _small_account(store)
    before = _counts(store)
    try:
        store.relate(rel_type, start, end, props)
    except (ValidationError, NotFound):
        assert _counts(store) == before
        return
    assert rel_type in model.RELATIONSHIP_TYPES
    assert sum(_counts(store).values()) - sum(before.values()) in (0, 1)


@FUZZ
@given(props=st.dictionaries(st.sampled_from(_field_names("Interaction") + ["bogus"]), any_value, max_size=5),
       users=st.lists(st.one_of(st.just("u-x"), nasty_text), max_size=3),
       people=st.lists(st.one_of(st.just("p-a"), nasty_text), max_size=3),
       opportunity=st.one_of(st.none(), st.just("opp-x"), nasty_text))
def test_store_log_interaction_with_any_input(store, props, users, people, opportunity):
    _small_account(store)
    before = _counts(store)
    try:
        store.log_interaction(props, user_ids=users, person_ids=people, opportunity_id=opportunity)
    except (ValidationError, NotFound):
        assert _counts(store) == before
        return
    assert _counts(store)["Interaction"] == before["Interaction"] + 1
    assert store.integrity_problems() == []


# -- imports ----------------------------------------------------------------------------------

SALESFORCE = Path(__file__).parent / "data" / "salesforce"


@settings(FUZZ, max_examples=40)
@given(file=st.sampled_from(sorted(p.name for p in SALESFORCE.iterdir())), line=st.integers(0, 12),
       where=st.floats(0, 1), junk=st.one_of(st.binary(min_size=1, max_size=40),
                                             nasty_text.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_salesforce_import_of_a_damaged_export(store, tmp_path_factory, file, line, where, junk):
    """Bytes (invalid UTF-8, quotes, commas, NUL, Cypher-like text) put into one
    line of one file: a report naming file and line, and nothing written, or
    a consistent import."""
    folder = tmp_path_factory.mktemp("export")
    for path in SALESFORCE.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    lines = (folder / file).read_bytes().split(b"\n")
    k = min(line, len(lines) - 1)
    cut = int(len(lines[k]) * where)
    lines[k] = lines[k][:cut] + junk + lines[k][cut:]
    (folder / file).write_bytes(b"\n".join(lines))
    store.clear()
    try:
        report = read_salesforce(folder).apply(store)
    except ValidationError as exc:
        assert exc.field and store.is_empty()
        return
    if not report.ok:
        assert not report.applied and store.is_empty()
        assert all(".csv" in str(problem) for problem in report.errors), [str(p) for p in report.errors]
    else:
        assert store.integrity_problems() == []


# -- the CLI ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_env(settings):
    graph = f"test-fuzz-cli-{uuid.uuid4().hex[:8]}"
    yield {"GRAPHCRM_DATA_DIR": str(settings.data_dir), "GRAPHCRM_GRAPH": graph, "GRAPHCRM_PASSWORD": PASSWORD}
    from graphcrm.graph import open_store

    with open_store(dataclasses.replace(settings, graph_name=graph)) as store:
        store.backend.drop()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(username=nasty_text.filter(lambda s: "\x00" not in s), role=st.one_of(st.sampled_from(list(model.USER_ROLES)),
                                                                           nasty_text),
       display=st.one_of(st.none(), nasty_text.filter(lambda s: "\x00" not in s)),
       command=st.sampled_from(["user", "analyze"]))
def test_cli_inputs(cli_env, username, role, display, command):
    if command == "user":
        args = ["user", "add", username, "--role", role] + (["--name", display] if display is not None else [])
    else:
        args = ["analyze", "account", username, "--json"]
    result = CliRunner().invoke(cli, args, env=cli_env)
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
