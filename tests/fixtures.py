"""Shared test data and helpers: the small portfolios the web tests run on,
the route table of the authorization matrix, and signing in.

Not a test module (pytest collects nothing here); fixtures that use these
are in conftest.py.
"""

from __future__ import annotations

import dataclasses
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from graphcrm.model import RELATIONSHIP_TYPES
from graphcrm.users import add_user

#: the password of every user of these portfolios
PASSWORD = "correct-horse-42"
#: a name that would run script if a page put it in as markup
XSS = "<img src=x onerror=alert(1)>"


def text(response) -> str:
    """A test client response's body as text."""
    return response.get_data(as_text=True)


def login(client, username: str, password: str = PASSWORD):
    """Sign ``client`` in as ``username``; return the response (302 when it worked)."""
    return client.post("/login", data={"username": username, "password": password})


@contextmanager
def demo_app(settings):
    """A web app (TESTING, no CSRF) over the demo portfolio, in the data folder
    of ``settings`` (an embedded server of its own, stopped on leaving)."""
    from graphcrm.demo import load_demo
    from graphcrm.graph import embedded_server
    from graphcrm.web import create_app
    from graphcrm.web.db import get_store

    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "SETTINGS": settings})
    with app.app_context():
        load_demo(get_store())
    try:
        yield app
    finally:
        app.extensions["graphcrm_store"].close()
        embedded_server(settings).stop()


#: the keys of an API error: problem details (RFC 9457; graphcrm/web/openapi.py ``Problem``)
PROBLEM_KEYS = {"type", "title", "status", "detail", "error", "message", "field", "current", "changes"}


def assert_problem(body: dict, field: str | None = None) -> None:
    """The API's error shape: problem details, ``error`` and ``message`` repeating
    the title and detail, and the field at fault when there is one."""
    assert set(body) <= PROBLEM_KEYS and body["type"] == "about:blank", body
    assert body["title"] and body["detail"] and body["status"] >= 400, body
    assert (body["error"], body["message"]) == (body["title"], body["detail"]), body
    if field is not None:
        assert body["field"] == field, body


def signed_in(app, username: str = "lina"):
    """A new test client of ``app``, signed in as ``username``."""
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def graph_env(settings) -> dict[str, str]:
    """The environment that points graphcrm commands at the graph of ``settings``
    (a graph of the embedded server, or a Neo4j database)."""
    env = {"GRAPHCRM_DATA_DIR": str(settings.data_dir), "GRAPHCRM_GRAPH": settings.graph_name}
    if settings.database_url:
        env.update(GRAPHCRM_DATABASE_URL=settings.database_url, GRAPHCRM_NEO4J_DATABASE=settings.neo4j_database,
                   GRAPHCRM_NEO4J_USER=settings.neo4j_user, GRAPHCRM_NEO4J_PASSWORD=settings.neo4j_password or "")
    return env


# -- the Salesforce export in tests/data/salesforce -------------------------------------------------

FIXTURES = Path(__file__).parent / "data" / "salesforce"
#: its accounts and contacts, as GraphCRM ids
A1, A2, A3 = "sf-0015g00000EgRdAAAV", "sf-0015g00000SzFgsAAF", "sf-0015g00000WbLgxAAF"
WANG, LI, EMILY = "sf-0035g00000WqCioAAF", "sf-0035g00000LnCfoAAF", "sf-0035g00000EmChnAAF"


# -- the web tests' portfolio ----------------------------------------------------------------------


def load_web_portfolio(store) -> dict:
    """Two accounts with separate teams, a bid, a champion, and a person with a hostile name."""
    ids = {}
    east = store.create("Account", {"name": "华东电网 East Grid", "segment": "strategic", "tier": "cooperative",
                                    "lifecycle": "active", "annual_value": 12_000_000, "industry": "Utilities"},
                        id="acc-east")
    west = store.create("Account", {"name": "Westbank Logistics", "segment": "growth"}, id="acc-west")
    ids.update(east=east["id"], west=west["id"])
    users = {
        "admin": "admin", "director": "director", "lina": "manager", "omar": "manager",
        "bo": "bid", "vera": "viewer",
    }
    for username, role in users.items():
        ids[username] = add_user(store, username, role=role, password=PASSWORD, id=f"user-{username}")["id"]
    store.relate("MEMBER_OF", ids["lina"], ids["east"], {"team_role": "account manager"})
    store.relate("MEMBER_OF", ids["vera"], ids["east"])
    store.relate("MEMBER_OF", ids["omar"], ids["west"])
    cio = store.create_person(ids["east"], {"name": "王强", "title": "CIO", "department": "IT",
                                            "influence": 5, "stance": "supporter"}, id="p-cio")
    cfo = store.create_person(ids["east"], {"name": "Li Na CFO", "title": "CFO", "department": "Finance",
                                            "influence": 5, "stance": "skeptic"}, id="p-cfo")
    xss = store.create_person(ids["east"], {"name": XSS, "title": "Engineer", "department": "IT",
                                            "influence": 2, "stance": "champion"}, id="p-xss")
    store.create_person(ids["west"], {"name": "Wes Secret", "title": "COO", "influence": 4}, id="p-west")
    store.relate("REPORTS_TO", xss["id"], cio["id"])
    store.relate("INFLUENCES", cio["id"], cfo["id"], {"strength": 4})
    store.relate("KNOWS", cio["id"], "p-west", {"strength": 3})  # former colleagues across accounts
    store.relate("RELATIONSHIP", ids["lina"], cio["id"], {"strength": 4, "since": "2024-01-10"})
    opp = store.create_opportunity(ids["east"], {"name": "Grid upgrade 2027", "value": 8_000_000,
                                                 "stage": "tender", "close_date": "2027-03-01"}, id="opp-east")
    store.relate("ROLE_IN", cio["id"], opp["id"], {"role": "technical_buyer"})
    store.relate("ROLE_IN", cfo["id"], opp["id"], {"role": "economic_buyer"})
    store.relate("ROLE_IN", xss["id"], opp["id"], {"role": "coach"})
    store.relate("MEMBER_OF", ids["bo"], opp["id"])
    comp = store.create("Competitor", {"name": "RivalCorp"}, id="comp-1")
    store.relate("COMPETES_FOR", comp["id"], opp["id"])
    store.relate("RELATIONSHIP", comp["id"], cfo["id"], {"strength": 5})
    west_opp = store.create_opportunity(ids["west"], {"name": "Warehouse WMS", "stage": "qualify"}, id="opp-west")
    ids.update(opp=opp["id"], west_opp=west_opp["id"])
    return ids



# -- the authorization matrix's portfolio and route table -------------------------------------------


#: text that belongs to the account "theirs" only: none of it may reach a user
#: who is not on that account's team
FORBIDDEN = ("acc-theirs", "Forbidden Freight", "禁运物流", "p-theirs", "Secret Sun", "孙秘密",
             "opp-theirs", "Hidden Deal", "秘密项目", "+86 138 0000 1234", "secret-notes", "secret-complaint")


def load_access_portfolio(store) -> dict:
    """Two accounts with separate teams.  Every role has a user; lina
    (manager), bo (bid, through an opportunity) and vera (viewer) are on the
    team of "ours", omar (manager) on "theirs".  A person of "theirs" knows a
    person of "ours", and omar knows that person: the introduction path
    omar → Secret Sun → 王强 crosses into the forbidden account; omar met both
    about the forbidden opportunity (int-theirs); lina called Anna Berg about
    ours (int-ours).  Anna Berg and Secret Sun each gave a detractor's
    feedback (int-ours-feedback, int-theirs-feedback), whose follow-ups are
    open, owned by lina and omar."""
    store.create("Account", {"name": "Harbor Ours 港口我方", "segment": "strategic", "tier": "cooperative",
                             "lifecycle": "active", "annual_value": 3_000_000}, id="acc-ours")
    store.create("Account", {"name": "Forbidden Freight 禁运物流", "segment": "growth"}, id="acc-theirs")
    users = {"admin": "admin", "director": "director", "lina": "manager", "omar": "manager",
             "bo": "bid", "vera": "viewer"}
    for username, role in users.items():
        add_user(store, username, role=role, password=PASSWORD, id=f"user-{username}")
    store.create_person("acc-ours", {"name": "王强", "title": "CIO", "department": "IT", "influence": 5,
                                     "stance": "supporter"}, id="p-ours-cio")
    store.create_person("acc-ours", {"name": "Anna Berg", "title": "CFO", "influence": 4,
                                     "stance": "skeptic"}, id="p-ours-cfo")
    store.create_person("acc-theirs", {"name": "Secret Sun 孙秘密", "title": "COO", "influence": 4,
                                       "phone": "+86 138 0000 1234", "notes": "secret-notes"}, id="p-theirs")
    store.create_opportunity("acc-ours", {"name": "Quay cranes 2027", "stage": "tender", "value": 900_000},
                             id="opp-ours")
    store.create_opportunity("acc-theirs", {"name": "Hidden Deal 秘密项目", "stage": "qualify"}, id="opp-theirs")
    store.relate("MEMBER_OF", "user-lina", "acc-ours", {"team_role": "account manager"})
    store.relate("MEMBER_OF", "user-vera", "acc-ours")
    store.relate("MEMBER_OF", "user-bo", "opp-ours")
    store.relate("MEMBER_OF", "user-omar", "acc-theirs")
    store.relate("REPORTS_TO", "p-ours-cfo", "p-ours-cio")
    store.relate("ROLE_IN", "p-ours-cio", "opp-ours", {"role": "decision_maker"})
    store.relate("ROLE_IN", "p-ours-cfo", "opp-ours", {"role": "economic_buyer"})
    store.relate("ROLE_IN", "p-theirs", "opp-theirs", {"role": "decision_maker"})
    store.relate("RELATIONSHIP", "user-lina", "p-ours-cfo", {"strength": 2})
    store.relate("RELATIONSHIP", "user-omar", "p-theirs", {"strength": 5})
    store.relate("KNOWS", "p-theirs", "p-ours-cio", {"strength": 5})
    store.create("Competitor", {"name": "RivalCorp"}, id="comp-1")
    store.relate("COMPETES_FOR", "comp-1", "opp-ours")
    store.create("Competitor", {"name": "ShadowCorp"}, id="comp-2")
    store.relate("COMPETES_FOR", "comp-2", "opp-theirs")
    store.log_interaction({"kind": "meeting", "at": "2026-04-01T09:00:00+00:00", "summary": "joint visit"},
                          user_ids=["user-omar"], person_ids=["p-theirs", "p-ours-cio"], opportunity_id="opp-theirs",
                          id="int-theirs")
    store.log_interaction({"kind": "call", "at": "2026-04-02T09:00:00+00:00", "summary": "price check"},
                          user_ids=["user-lina"], person_ids=["p-ours-cfo"], opportunity_id="opp-ours", id="int-ours")
    # detractors' feedback: each opens a follow-up owned by the account's manager
    store.log_interaction({"kind": "feedback", "at": "2026-04-03T09:00:00+00:00", "satisfaction": 4,
                           "summary": "slow support"}, user_ids=["user-lina"], person_ids=["p-ours-cfo"],
                          id="int-ours-feedback")
    store.log_interaction({"kind": "feedback", "at": "2026-04-03T09:00:00+00:00", "satisfaction": 2,
                           "summary": "secret-complaint"}, user_ids=["user-omar"], person_ids=["p-theirs"],
                          id="int-theirs-feedback")
    return {"users": users}


#: who may use a route:
#:   public     anybody, signed in or not
#:   signed_in  every signed-in user (what they see is filtered by account)
#:   view       admin and director; others only on an account they are on the team of
#:   edit       admin; manager and bid on an account they are on the team of (others: 404)
#:   merge      admin; manager on an account they are on the team of (others: 404)
#:   create     admin and manager, on no account in particular: new accounts, imports (others: 404)
#:   sees_all   admin and director (others: 403)
#:   admin      admin only (others: 403)
ACCESS = ("public", "signed_in", "view", "edit", "merge", "create", "sees_all", "admin")


@dataclasses.dataclass(frozen=True)
class Row:
    """One route and method.

    ``url`` may hold ``{account}``, ``{opportunity}``, ``{person}``,
    ``{competitor}``, ``{interaction}``, ``{feedback}`` (a feedback with an open follow-up)
    and ``{relationship}`` (type/start/end): they are
    filled with an account the user is on the team of ("ours") and one they
    are not ("theirs").  ``ok`` is the status when the user may use the route
    (a POST sends ``data``, which must be invalid: 400 and nothing written).
    ``signs_out`` marks the sign-out route (the test signs in again after it).
    """

    access: str
    url: str
    ok: int = 200
    data: dict | None = None
    signs_out: bool = False


# To add a route: one entry, keyed by the rule exactly as in app.url_map and the method.
ROUTES: dict[tuple[str, str], Row] = {
    ("/static/<path:filename>", "GET"): Row("public", "/static/style.css"),
    ("/login", "GET"): Row("public", "/login"),
    ("/login", "POST"): Row("public", "/login", ok=400, data={"username": "", "password": ""}),
    ("/logout", "POST"): Row("signed_in", "/logout", ok=302, data={}, signs_out=True),
    ("/lang/<code>", "GET"): Row("public", "/lang/zh?next=/login", ok=302),
    ("/", "GET"): Row("signed_in", "/"),
    ("/search", "GET"): Row("signed_in", "/search?q=e"),
    ("/accounts/<account_id>", "GET"): Row("view", "/accounts/{account}"),
    ("/accounts/<account_id>/stakeholders.csv", "GET"): Row("view", "/accounts/{account}/stakeholders.csv"),
    ("/accounts/<account_id>/changes", "GET"): Row("view", "/accounts/{account}/changes?since=2026-01-01"),
    ("/people/<person_id>/changes", "GET"): Row("view", "/people/{person}/changes?since=2026-01-01"),
    ("/opportunities/<opportunity_id>/changes", "GET"): Row("view",
                                                            "/opportunities/{opportunity}/changes?since=2026-01-01"),
    ("/accounts/<account_id>/as-of", "GET"): Row("view", "/accounts/{account}/as-of"),
    ("/opportunities/<opportunity_id>/as-of", "GET"): Row("view", "/opportunities/{opportunity}/as-of"),
    ("/opportunities/<opportunity_id>", "GET"): Row("view", "/opportunities/{opportunity}"),
    ("/opportunities/<opportunity_id>/review.pdf", "GET"): Row("view", "/opportunities/{opportunity}/review.pdf"),
    ("/accounts/<account_id>/review.pdf", "GET"): Row("view", "/accounts/{account}/review.pdf?lang=zh"),
    ("/people/<person_id>", "GET"): Row("view", "/people/{person}"),
    ("/people/<person_id>", "POST"): Row("edit", "/people/{person}", ok=400,
                                         data={"kind": "call", "channel": "phone", "at": "not a time",
                                               "summary": "must not be stored"}),
    ("/api/accounts", "GET"): Row("signed_in", "/api/accounts"),
    ("/admin/audit", "GET"): Row("admin", "/admin/audit"),
    ("/my-week", "GET"): Row("signed_in", "/my-week"),
    ("/scorecard", "GET"): Row("sees_all", "/scorecard?period=30d"),
    ("/scorecard.xlsx", "GET"): Row("sees_all", "/scorecard.xlsx?from=2026-01-01&to=2026-03-31"),
    ("/dashboard/<table>.xlsx", "GET"): Row("sees_all", "/dashboard/bids.xlsx"),
    ("/compliance", "GET"): Row("sees_all", "/compliance?year=2026"),
    ("/compliance.xlsx", "GET"): Row("sees_all", "/compliance.xlsx"),
    ("/compliance.csv", "GET"): Row("sees_all", "/compliance.csv?year=2026"),
    ("/import", "GET"): Row("create", "/import"),
    ("/import", "POST"): Row("create", "/import", ok=400, data={}),
    ("/import/apply", "POST"): Row("create", "/import/apply", ok=404, data={}),  # no upload of this session
    ("/import/templates.zip", "GET"): Row("signed_in", "/import/templates.zip"),
    ("/import/templates.xlsx", "GET"): Row("signed_in", "/import/templates.xlsx"),
    ("/accounts/<account_id>/export/<fmt>", "GET"): Row("view", "/accounts/{account}/export/json"),
    ("/opportunities/<opportunity_id>/export/<fmt>", "GET"): Row("view", "/opportunities/{opportunity}/export/json"),
    ("/people/<person_id>/forget", "GET"): Row("admin", "/people/{person}/forget"),
    ("/people/<person_id>/forget", "POST"): Row("admin", "/people/{person}/forget", ok=400, data={}),
    ("/accounts/new", "GET"): Row("create", "/accounts/new"),
    ("/accounts/new", "POST"): Row("create", "/accounts/new", ok=400, data={}),
    ("/accounts/<account_id>/edit", "GET"): Row("edit", "/accounts/{account}/edit"),
    ("/accounts/<account_id>/edit", "POST"): Row("edit", "/accounts/{account}/edit", ok=400, data={}),
    ("/accounts/<account_id>/delete", "GET"): Row("edit", "/accounts/{account}/delete"),
    ("/accounts/<account_id>/delete", "POST"): Row("edit", "/accounts/{account}/delete", ok=400, data={}),
    ("/accounts/<account_id>/people/new", "GET"): Row("edit", "/accounts/{account}/people/new"),
    ("/accounts/<account_id>/people/paste", "GET"): Row("edit", "/accounts/{account}/people/paste"),
    ("/accounts/<account_id>/people/paste", "POST"):
        Row("edit", "/accounts/{account}/people/paste", ok=400, data={}),
    ("/accounts/<account_id>/people/new", "POST"): Row("edit", "/accounts/{account}/people/new", ok=400, data={}),
    ("/accounts/<account_id>/opportunities/new", "GET"): Row("edit", "/accounts/{account}/opportunities/new"),
    ("/accounts/<account_id>/opportunities/new", "POST"):
        Row("edit", "/accounts/{account}/opportunities/new", ok=400, data={}),
    ("/people/<person_id>/edit", "GET"): Row("edit", "/people/{person}/edit"),
    ("/people/<person_id>/edit", "POST"): Row("edit", "/people/{person}/edit", ok=400, data={}),
    ("/changes/<entry_id>/undo", "POST"): Row("edit", "/changes/{change}/undo", ok=400, data={}),
    ("/people/<person_id>/move", "GET"): Row("edit", "/people/{person}/move"),
    ("/people/<person_id>/move", "POST"): Row("edit", "/people/{person}/move", ok=400, data={}),
    ("/people/<person_id>/delete", "GET"): Row("edit", "/people/{person}/delete"),
    ("/people/<person_id>/delete", "POST"): Row("edit", "/people/{person}/delete", ok=400, data={}),
    ("/accounts/<account_id>/merge", "GET"): Row("merge", "/accounts/{account}/merge"),
    ("/accounts/<account_id>/merge", "POST"): Row("merge", "/accounts/{account}/merge", ok=400, data={}),
    ("/people/<person_id>/merge", "GET"): Row("edit", "/people/{person}/merge"),
    ("/people/<person_id>/merge", "POST"): Row("edit", "/people/{person}/merge", ok=400, data={}),
    ("/people/<person_id>/relationships/new/<kind>", "GET"): Row("edit", "/people/{person}/relationships/new/ours"),
    ("/people/<person_id>/relationships/new/<kind>", "POST"):
        Row("edit", "/people/{person}/relationships/new/ours", ok=400, data={}),
    ("/opportunities/<opportunity_id>/edit", "GET"): Row("edit", "/opportunities/{opportunity}/edit"),
    ("/opportunities/<opportunity_id>/edit", "POST"): Row("edit", "/opportunities/{opportunity}/edit", ok=400, data={}),
    ("/opportunities/<opportunity_id>/delete", "GET"): Row("edit", "/opportunities/{opportunity}/delete"),
    ("/opportunities/<opportunity_id>/delete", "POST"):
        Row("edit", "/opportunities/{opportunity}/delete", ok=400, data={}),
    ("/opportunities/<opportunity_id>/competitors/new", "GET"):
        Row("edit", "/opportunities/{opportunity}/competitors/new"),
    ("/opportunities/<opportunity_id>/competitors/new", "POST"):
        Row("edit", "/opportunities/{opportunity}/competitors/new", ok=400, data={}),
    ("/opportunities/<opportunity_id>/roles/new", "GET"): Row("edit", "/opportunities/{opportunity}/roles/new"),
    ("/opportunities/<opportunity_id>/roles/new", "POST"):
        Row("edit", "/opportunities/{opportunity}/roles/new", ok=400, data={}),
    ("/competitors/<competitor_id>/edit", "GET"): Row("edit", "/competitors/{competitor}/edit"),
    ("/competitors/<competitor_id>/edit", "POST"): Row("edit", "/competitors/{competitor}/edit", ok=400, data={}),
    ("/competitors/<competitor_id>/delete", "GET"): Row("edit", "/competitors/{competitor}/delete"),
    ("/competitors/<competitor_id>/delete", "POST"): Row("edit", "/competitors/{competitor}/delete", ok=400, data={}),
    ("/interactions/<interaction_id>/edit", "GET"): Row("edit", "/interactions/{interaction}/edit"),
    ("/interactions/<interaction_id>/edit", "POST"): Row("edit", "/interactions/{interaction}/edit", ok=400,
                                                         data={"kind": "call", "at": "not a time"}),
    ("/interactions/<interaction_id>/close", "GET"): Row("edit", "/interactions/{feedback}/close"),
    ("/interactions/<interaction_id>/close", "POST"): Row("edit", "/interactions/{feedback}/close", ok=400, data={}),
    ("/interactions/<interaction_id>/follow-up", "GET"): Row("edit", "/interactions/{feedback}/follow-up"),
    ("/interactions/<interaction_id>/follow-up", "POST"): Row("edit", "/interactions/{feedback}/follow-up", ok=400,
                                                              data={"follow_up_due": "2020-01-01"}),
    ("/interactions/<interaction_id>/delete", "GET"): Row("edit", "/interactions/{interaction}/delete"),
    ("/interactions/<interaction_id>/delete", "POST"): Row("edit", "/interactions/{interaction}/delete", ok=400,
                                                           data={}),
    ("/relationships/<rel_type>/<start>/<end>/edit", "GET"): Row("edit", "/relationships/{relationship}/edit"),
    ("/relationships/<rel_type>/<start>/<end>/edit", "POST"):
        Row("edit", "/relationships/{relationship}/edit", ok=400, data={}),
    ("/relationships/<rel_type>/<start>/<end>/delete", "GET"): Row("edit", "/relationships/{relationship}/delete"),
    ("/relationships/<rel_type>/<start>/<end>/delete", "POST"):
        Row("edit", "/relationships/{relationship}/delete", ok=400, data={}),
    ("/admin/users", "GET"): Row("admin", "/admin/users"),
    ("/admin/integrity", "GET"): Row("admin", "/admin/integrity"),
    ("/admin/rates", "GET"): Row("admin", "/admin/rates"),
    ("/admin/rates", "POST"): Row("admin", "/admin/rates", ok=400, data={}),
    ("/admin/users/new", "GET"): Row("admin", "/admin/users/new"),
    ("/admin/users/new", "POST"): Row("admin", "/admin/users/new", ok=400, data={}),
    ("/admin/users/<user_id>/edit", "GET"): Row("admin", "/admin/users/user-vera/edit"),
    ("/admin/users/<user_id>/edit", "POST"): Row("admin", "/admin/users/user-vera/edit", ok=400, data={}),
    ("/admin/users/<user_id>/password", "GET"): Row("admin", "/admin/users/user-vera/password"),
    ("/admin/users/<user_id>/password", "POST"): Row("admin", "/admin/users/user-vera/password", ok=400, data={}),
    ("/api/portfolio", "GET"): Row("sees_all", "/api/portfolio"),
    ("/api/accounts/<account_id>", "GET"): Row("view", "/api/accounts/{account}"),
    ("/api/opportunities/<opportunity_id>", "GET"): Row("view", "/api/opportunities/{opportunity}"),
    # editing on the map (web/mapedit.py): form data is not the JSON object these expect
    ("/api/accounts/<account_id>/map", "GET"): Row("view", "/api/accounts/{account}/map"),
    ("/api/opportunities/<opportunity_id>/map", "GET"): Row("view", "/api/opportunities/{opportunity}/map"),
    ("/api/accounts/<account_id>/map/positions", "POST"): Row("edit", "/api/accounts/{account}/map/positions",
                                                              ok=400, data={}),
    ("/api/people/<person_id>", "POST"): Row("edit", "/api/people/{person}", ok=400, data={}),
    ("/api/accounts/<account_id>/people", "POST"): Row("edit", "/api/accounts/{account}/people", ok=400,
                                                       data={"person": "must not be stored"}),
    ("/api/people/<person_id>/competitor-ties", "POST"):
        Row("edit", "/api/people/{person}/competitor-ties", ok=400, data={"new_competitor": "must not be stored"}),
    ("/api/relationships/<rel_type>/<start>/<end>/new", "POST"):
        Row("edit", "/api/relationships/{relationship}/new", ok=400, data={}),
    ("/api/relationships/<rel_type>/<start>/<end>", "POST"):
        Row("edit", "/api/relationships/{relationship}", ok=400, data={}),
    ("/api/relationships/<rel_type>/<start>/<end>/delete", "POST"):
        Row("edit", "/api/relationships/{relationship}/delete", ok=400, data={}),
    # the API for integrations (web/api.py, web/api_changes.py): the access check comes before the body,
    # which these rows send as a form (400: not JSON); a route whose body names what it changes checks it
    # after the body ("signed_in")
    ("/api/openapi.json", "GET"): Row("public", "/api/openapi.json"),
    ("/api/v1/accounts", "GET"): Row("signed_in", "/api/v1/accounts"),
    ("/api/v1/people", "GET"): Row("signed_in", "/api/v1/people"),
    ("/api/v1/interactions", "GET"): Row("view", "/api/v1/interactions?account_id={account}"),
    ("/api/v1/opportunities", "GET"): Row("view", "/api/v1/opportunities?account_id={account}"),
    ("/api/v1/people/<person_id>", "GET"): Row("view", "/api/v1/people/{person}"),
    ("/api/v1/people/<person_id>", "PATCH"): Row("edit", "/api/v1/people/{person}", ok=400, data={}),
    ("/api/v1/accounts/<account_id>/people", "POST"):
        Row("edit", "/api/v1/accounts/{account}/people", ok=400, data={"name": "must not be stored"}),
    ("/api/v1/relationships", "POST"): Row("signed_in", "/api/v1/relationships", ok=400, data={}),
    ("/api/v1/relationships/<rel_type>/<start>/<end>", "PATCH"):
        Row("edit", "/api/v1/relationships/{relationship}", ok=400, data={}),
    ("/api/v1/opportunities/<opportunity_id>/roles", "POST"):
        Row("edit", "/api/v1/opportunities/{opportunity}/roles", ok=400, data={}),
    ("/api/v1/interactions", "POST"): Row("signed_in", "/api/v1/interactions", ok=400, data={}),
    # personal API tokens (web/tokens.py)
    ("/settings/tokens", "GET"): Row("signed_in", "/settings/tokens"),
    ("/settings/tokens", "POST"): Row("signed_in", "/settings/tokens", ok=400, data={"name": ""}),
    ("/settings/tokens/<token_id>/revoke", "POST"): Row("signed_in", "/settings/tokens/tok-none/revoke", ok=400,
                                                       data={}),
    ("/admin/tokens", "GET"): Row("admin", "/admin/tokens"),
    ("/admin/tokens/<user_id>/<token_id>/revoke", "POST"):
        Row("admin", "/admin/tokens/user-lina/tok-none/revoke", ok=400, data={}),
}

TARGETS = {
    "ours": {"account": "acc-ours", "opportunity": "opp-ours", "person": "p-ours-cio", "competitor": "comp-1",
             "relationship": "RELATIONSHIP/user-lina/p-ours-cfo", "interaction": "int-ours",
             "feedback": "int-ours-feedback"},
    "theirs": {"account": "acc-theirs", "opportunity": "opp-theirs", "person": "p-theirs", "competitor": "comp-2",
               "relationship": "RELATIONSHIP/user-omar/p-theirs", "interaction": "int-theirs",
               "feedback": "int-theirs-feedback"},
}

#: the target of a change of each account the matrix undoes (``{change}``: its audit entry, see :func:`targets_of`)
CHANGES = {"ours": "p-ours-cio->opp-ours", "theirs": "p-theirs->opp-theirs"}


def targets_of(store) -> dict:
    """:data:`TARGETS` with ``change``: the id of the audit entry of each one's change (:data:`CHANGES`)."""
    return {target: {**ids, "change": store.audit_log(target=CHANGES[target], limit=1)[0][0]["id"]}
            for target, ids in TARGETS.items()}


#: the users of the matrix, one per role: every one but admin and director is on the team of "ours" only
ROLES = {"admin": "admin", "director": "director", "manager": "lina", "bid": "bo", "viewer": "vera"}


def expected(row: Row, role: str | None, target: str) -> int:
    """The status ``role`` (None: not signed in) gets for ``row`` on ``target``."""
    if row.access == "public":
        return row.ok
    if role is None:
        return 401 if row.url.startswith("/api/") else 302
    member = role in ("admin", "director") or target == "ours"
    allowed = {
        "signed_in": True,
        "view": member,
        "edit": role == "admin" or (role in ("manager", "bid") and target == "ours"),
        "merge": role == "admin" or (role == "manager" and target == "ours"),
        "create": role in ("admin", "manager"),
        "sees_all": role in ("admin", "director"),
        "admin": role == "admin",
    }[row.access]
    if allowed:
        return row.ok
    return 403 if row.access in ("sees_all", "admin") else 404


def fingerprint(store) -> dict:
    """What a write would change: every node's id and version (users' but for
    their session token, which signing in and out renews) and the
    relationship counts."""
    from graphcrm.model import LABELS

    nodes = {label: sorted((n["id"], n["version"]) for n in store.list_nodes(label, limit=100_000))
             for label in LABELS if label != "User"}
    nodes["User"] = sorted((u["id"], u.get("password_hash"), u.get("role"), u.get("active"))
                           for u in store.list_nodes("User", limit=100_000))
    return {"nodes": nodes, "relationships": store.stats()["relationships"]}


# -- every label and relationship type (store, bulk, backup and export tests) -------------------------

#: one node of each label, as a form would send it
SAMPLES = {
    "Account": {"name": "深圳市住房和建设局", "segment": "strategic", "tier": "cooperative", "annual_value": 1.2e7},
    "Person": {"name": "Zhang Min 张敏", "title": "副处长", "influence": 4, "stance": "supporter"},
    "User": {"username": "li.wei", "display_name": "Li Wei 李伟", "role": "manager"},
    "Opportunity": {"name": "Metro Line 4 signalling", "stage": "tender", "value": 8.5e7, "close_date": "2027-03-31"},
    "Competitor": {"name": "华信智能 Huaxin"},
    "Interaction": {"kind": "wechat", "channel": "wechat", "at": "2026-10-02T08:15:00+00:00",
                    "summary": "确认评标时间"},
}
#: properties of the relationship types that have any
REL_PROPS = {"ROLE_IN": {"role": "coach"}, "INFLUENCES": {"strength": 2}, "KNOWS": {"strength": 2},
             "RELATIONSHIP": {"strength": 2}, "MEMBER_OF": {"team_role": "bid lead"},
             "WORKS_AT": {"since": "2020-05-01"}}
#: every allowed (start label, type, end label)
COMBINATIONS = [(s, t, e) for t, (starts, ends, *_) in RELATIONSHIP_TYPES.items() for s in starts for e in ends]

#: richer nodes of each label (personal data, line breaks, mixed scripts): what a backup must keep
EVERYTHING = {
    "Account": {"name": "深圳地铁集团", "segment": "key", "annual_value": 3.5e7, "industry": "Transit"},
    "Person": {"name": "周杰 Zhou Jie", "title": "总工程师", "influence": 5, "email": "zhou.jie@szmc.example.cn",
               "phone": "+86 755 0000 1111", "notes": "喜欢早上开会\nprefers mornings", "seniority": 4},
    "User": {"username": "mei.lin", "display_name": "Mei Lin 林梅", "role": "bid"},
    "Opportunity": {"name": "Line 16 PIS", "stage": "pre_bid", "value": 2.4e7, "close_date": "2027-01-31"},
    "Competitor": {"name": "Huaxin 华信"},
    "Interaction": {"kind": "visit", "channel": "in_person", "at": "2026-09-01T02:30:00+00:00",
                    "summary": "周工 asked about the SIL-4 certificate", "sentiment": 1},
}
EVERYTHING_REL_PROPS = {"ROLE_IN": {"role": "technical_buyer", "stance": "supporter"}, "KNOWS": {"strength": 4},
             "INFLUENCES": {"strength": 2}, "RELATIONSHIP": {"strength": 3, "since": "2024-05-01"},
             "MEMBER_OF": {"team_role": "bid lead"}, "WORKS_AT": {"since": "2018-07-01"}}


def load_everything(store) -> None:
    """Two nodes of every label and a relationship of every allowed (start, type, end)."""
    nodes = [(label, dict(props, id=f"{label.lower()}-{i}")) for label, props in EVERYTHING.items() for i in (1, 2)]
    for label, props in nodes:
        i = props["id"][-1]
        if label == "User":
            props["username"] += i
        if label == "Person":
            props.update(name=f"{props['name']} {i}", email=f"zhou.jie.{i}@szmc.example.cn",
                         phone=f"+86 755 0000 111{i}", notes=f"{props['notes']} {i}")
    rels = [(t, f"{s.lower()}-1", f"{e.lower()}-2", EVERYTHING_REL_PROPS.get(t, {})) for s, t, e in COMBINATIONS]
    store.bulk_merge(nodes, rels)
    add_user(store, "admin.wu", role="admin", password="very-secret-1", display_name="吴 Admin")


# -- a hand-made team for the scorecard per account manager (graphcrm/analysis/scorecard.py) -------------

#: the scorecard team's period: the last 30 days up to its "today", both included
SCORECARD_DAYS = 30


def scorecard_team(today: date) -> tuple[list, list]:
    """Two account managers and their accounts, as ``(nodes, relationships)``
    for ``build_graph`` or ``GraphStore.bulk_load``, dated back from ``today``.

    李娜 Li Na has 江州电网 (王强 influence 5, 刘芳 3, 陈静 2 whom nobody knows)
    and 华德汽车 (Klaus Weber 4, 张敏 3); Tom Baker has Harbor Logistics 港口物流
    (Emily Chen 5, 赵磊 4).  Some feedback was taken, and answered, by 孙丽 of
    the bid team, who is nobody's account manager.  Their figures over the
    last :data:`SCORECARD_DAYS` days are :data:`SCORECARD_FIGURES`, worked out
    there.  Each relationship's ``last_contact_at`` is its latest contact, as
    logging the interactions would have left it."""
    def at(days: int) -> str:
        return datetime.combine(today - timedelta(days=days), time(9, 0), timezone.utc).isoformat()

    def day(days: int) -> str:
        return (today - timedelta(days=days)).isoformat()

    nodes = [("User", {"id": "u-li", "username": "li.na", "display_name": "李娜 Li Na", "role": "manager"}),
             ("User", {"id": "u-tom", "username": "tom", "display_name": "Tom Baker", "role": "manager"}),
             ("User", {"id": "u-sun", "username": "sun.li", "display_name": "孙丽 Sun Li", "role": "bid"}),
             ("Account", {"id": "acc-grid", "name": "江州电网"}),
             ("Account", {"id": "acc-huade", "name": "华德汽车"}),
             ("Account", {"id": "acc-harbor", "name": "Harbor Logistics 港口物流"})]
    rels = [("MEMBER_OF", "u-li", "acc-grid", {}), ("MEMBER_OF", "u-li", "acc-huade", {}),
            ("MEMBER_OF", "u-tom", "acc-harbor", {})]
    for pid, name, influence, account in (
            ("p-wang", "王强", 5, "acc-grid"), ("p-liu", "刘芳", 3, "acc-grid"), ("p-chen", "陈静", 2, "acc-grid"),
            ("p-weber", "Klaus Weber", 4, "acc-huade"), ("p-zhang", "张敏", 3, "acc-huade"),
            ("p-emily", "Emily Chen", 5, "acc-harbor"), ("p-zhao", "赵磊", 4, "acc-harbor")):
        nodes.append(("Person", {"id": pid, "name": name, "influence": influence}))
        rels.append(("WORKS_AT", pid, account, {}))
    for user, pid, strength, last in (("u-li", "p-wang", 4, 10), ("u-li", "p-liu", 3, 8), ("u-li", "p-weber", 2, 100),
                                      ("u-li", "p-zhang", 3, None), ("u-tom", "p-emily", 5, 5),
                                      ("u-tom", "p-zhao", 4, 70)):
        contact = {"last_contact_at": at(last)} if last else {}
        rels.append(("RELATIONSHIP", user, pid, {"strength": strength, **contact}))
    # (id, users, person, days ago, kind, score, follow-up: (owner, due days ago, answered by))
    for iid, user, pid, ago, kind, score, follow_up in (
            ("i-wang-meet", "u-li", "p-wang", 50, "meeting", None, None),
            ("i-wang-old", "u-li", "p-wang", 200, "feedback", 9, None),
            ("i-wang-fb", "u-li", "p-wang", 15, "feedback", 10, None),
            ("i-liu-meet", "u-li", "p-liu", 40, "meeting", None, None),
            ("i-liu-fb", "u-li", "p-liu", 8, "feedback", 4, ("u-li", 1, None)),
            ("i-zhang-fb", "u-sun", "p-zhang", 40, "feedback", 6, ("u-li", 33, "i-zhang-answer")),
            ("i-zhang-answer", "u-sun", "p-zhang", 30, "call", None, None),
            ("i-weber-fb", "u-sun", "p-weber", 3, "feedback", 8, None),
            ("i-emily-old", "u-tom", "p-emily", 45, "meeting", None, None),
            ("i-emily-meet", "u-tom", "p-emily", 5, "meeting", None, None),
            ("i-emily-fb", "u-tom", "p-emily", 25, "feedback", 3, ("u-tom", 18, None)),
            ("i-zhao-meet", "u-tom", "p-zhao", 70, "meeting", None, None),
            ("i-zhao-fb", "u-sun", "p-zhao", 12, "feedback", 2, ("u-tom", 5, "i-zhao-answer")),
            ("i-zhao-answer", "u-sun", "p-zhao", 10, "call", None, None)):
        props = {"id": iid, "kind": kind, "channel": "phone", "at": at(ago)}
        if score is not None:
            props["satisfaction"] = score
        if follow_up:
            owner, due, answer = follow_up
            props.update(follow_up_owner=owner, follow_up_due=day(due),
                         **({"follow_up_closed_by": answer} if answer else {}))
        nodes.append(("Interaction", props))
        rels += [("ATTENDED", user, iid, {}), ("WITH", iid, pid, {})]
    return nodes, rels


#: the scorecard of :func:`scorecard_team` over its last 30 days, worked out by hand
SCORECARD_FIGURES = {
    "u-li": {
        # 江州电网 3 people, 2 known (both strongly); 华德汽车 2 people, both known, 张敏 strongly: 4 of 5, 3 of 5
        "coverage": {"people": 5, "contacts": 4, "strong_contacts": 3, "coverage_pct": 80, "strong_pct": 60},
        # Klaus Weber 100 days silent (cadence 60), 张敏 never contacted
        "stale_relationships": 2,
        # 江州电网: 刘芳's complaint overdue; 华德汽车: its key person Klaus Weber silent for 100 days
        "needs_attention": 2,
        # 王强 (met 50 days ago, cadence 30: due; his feedback 15 days ago: done), 刘芳 (her feedback 8 days
        # ago: contacted, though not due after their meeting 40 days ago, cadence 90), Klaus Weber (100 days ago,
        # cadence 60: due, not done: 孙丽 took his feedback), 张敏 (never by Li Na: due, not done)
        "maintenance": {"relationships": 4, "due": 3, "done": 1, "done_pct": 33, "contacted": 2},
        # 刘芳's 4/10 eight days ago, due yesterday; 张敏's of 40 days ago answered before the period
        "follow_ups": {"open": 1, "overdue": 1, "oldest_days": 8, "average_days": 8.0, "opened": 1, "answered": 0},
        # 王强 10 (key voice: 2), 刘芳 4 (1), Klaus Weber 8 (key voice: 2): 100 x (2 - 1) / 5 = +20;
        # 江州电网 falls from 10 to 4 within the period
        "satisfaction": {"responses": 3, "nps": 20, "promoters": 1, "passives": 1, "detractors": 1, "falling": 1,
                         "rising": 0, "latest": 8},
    },
    "u-tom": {
        "coverage": {"people": 2, "contacts": 2, "strong_contacts": 2, "coverage_pct": 100, "strong_pct": 100},
        # 赵磊: 70 days since the last contact, cadence 60
        "stale_relationships": 1,
        "needs_attention": 1,
        # Emily Chen (45 days ago, cadence 30: due; 5 days ago: done), 赵磊 (70 days ago, 60: due, not done)
        "maintenance": {"relationships": 2, "due": 2, "done": 1, "done_pct": 50, "contacted": 1},
        # Emily Chen's 3/10 of 25 days ago open past its due date; 赵磊's 2/10 answered within the period
        "follow_ups": {"open": 1, "overdue": 1, "oldest_days": 25, "average_days": 25.0, "opened": 2, "answered": 1},
        # two detractors, both key voices: -100; 3 then 2 is steady
        "satisfaction": {"responses": 2, "nps": -100, "promoters": 0, "passives": 0, "detractors": 2, "falling": 0,
                         "rising": 0, "latest": 2},
    },
}
