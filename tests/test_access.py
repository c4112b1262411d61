"""The authorization matrix: every route of the app × every role × an account
the user is / is not a member of → the expected status, and no data of a
forbidden account in any response.

Every rule of ``app.url_map`` must have a row in ``ROUTES``: a new route
without one fails ``test_every_route_has_a_row``.  See ``ROUTES`` for how to
add a row.
"""

from __future__ import annotations

import json
import re

import pytest

from graphcrm import tokens

from fixtures import (
    ACCESS,
    FORBIDDEN,
    ROLES,
    ROUTES,
    TARGETS,
    Row,
    expected,
    fingerprint,
    load_access_portfolio,
    login,
    targets_of,
)


def test_every_route_has_a_row(access_app):
    served = {(rule.rule, method) for rule in access_app.url_map.iter_rules()
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    missing = sorted(served - set(ROUTES))
    assert not missing, f"routes without a row in tests/fixtures.py ROUTES: {missing}"
    stale = sorted(set(ROUTES) - served)
    assert not stale, f"rows of ROUTES for routes that no longer exist: {stale}"
    assert all(row.access in ACCESS for row in ROUTES.values())


def _call(client, method: str, url: str, row: Row, headers: dict | None = None):
    if method == "GET":
        return client.get(url, headers=headers)
    return client.open(url, method=method, data=row.data or {}, headers=headers)


def _leaks(body: str, url: str = "") -> list[str]:
    """Forbidden text in a response (ids the request itself named do not count:
    pages link back to their own URL)."""
    return [word for word in FORBIDDEN if word in body and word not in url]


@pytest.mark.parametrize("role", [None, *ROLES])
def test_access_matrix(access_app, role):
    store = access_app.extensions["graphcrm_store"]
    client = access_app.test_client()
    if role:
        assert login(client, ROLES[role]).status_code == 302
    before = fingerprint(store)
    failures = []
    targets = targets_of(store)  # TARGETS with the changes an undo undoes
    for (_rule, method), row in ROUTES.items():
        for target in TARGETS:
            url = row.url.format(**targets[target])
            r = _call(client, method, url, row)
            want = expected(row, role, target)
            if r.status_code != want:
                failures.append(f"{role} {method} {url}: {r.status_code}, expected {want}")
            leaks = _leaks(r.get_data().decode("utf-8", "replace"), url)  # zips: bytes
            if role in ("manager", "bid", "viewer") and leaks:
                failures.append(f"{role} {method} {url}: shows {leaks}")
            if row.signs_out and role:
                assert login(client, ROLES[role]).status_code == 302
    assert not failures, "\n".join(failures)
    assert fingerprint(store) == before  # no request of the matrix wrote anything


@pytest.mark.parametrize("scope", tokens.SCOPES)
@pytest.mark.parametrize("role", ROLES)
def test_token_access_matrix(access_app, role, scope):
    """Every API route with a personal token of each role and scope: what the
    role's session gets, but a write with a read token, which is 403."""
    store = access_app.extensions["graphcrm_store"]
    user = store.user_by_username(ROLES[role])
    headers = {"Authorization": f"Bearer {tokens.create_token(store, user['id'], 'matrix', scope)[0]}"}
    client = access_app.test_client()
    before = fingerprint(store)
    failures = []
    for (_rule, method), row in ROUTES.items():
        if not row.url.startswith("/api/") or row.access == "public":
            continue
        for target, ids in TARGETS.items():
            url = row.url.format(**ids)
            r = _call(client, method, url, row, headers)
            want = 403 if scope == "read" and method != "GET" else expected(row, role, target)
            if r.status_code != want:
                failures.append(f"{role} {scope} {method} {url}: {r.status_code}, expected {want}")
            if role in ("manager", "bid", "viewer") and _leaks(r.get_data(as_text=True), url):
                failures.append(f"{role} {scope} {method} {url}: shows {_leaks(r.get_data(as_text=True), url)}")
    assert not failures, "\n".join(failures)
    assert fingerprint(store) == before


@pytest.mark.parametrize("role", ["manager", "bid", "viewer"])
def test_no_data_of_a_forbidden_account_anywhere(access_app, role):
    """Search, dashboard, CSV, network, JSON, person pages (who knows them,
    warm paths, timeline) of the account the user is on: nothing of the other one."""
    client = access_app.test_client()
    login(client, ROLES[role])
    urls = ["/", "/api/accounts", "/accounts/acc-ours", "/accounts/acc-ours/stakeholders.csv",
            "/opportunities/opp-ours", "/people/p-ours-cio", "/people/p-ours-cfo", "/api/accounts/acc-ours",
            "/api/opportunities/opp-ours", "/api/v1/people", "/api/v1/interactions",
            "/api/v1/opportunities",
            "/accounts/acc-ours/export/json", "/accounts/acc-ours/export/graphml", "/accounts/acc-ours/export/gexf",
            "/opportunities/opp-ours/export/json"]
    urls += [f"/search?q={q}" for q in ("Secret", "孙", "Forbidden", "禁运", "Hidden", "秘密", "138", "e")]
    for url in urls:
        r = client.get(url)
        assert r.status_code == 200, url
        assert not _leaks(r.get_data(as_text=True)), (url, _leaks(r.get_data(as_text=True)))
    # what the account page does show: our people, our opportunity, the network of our account
    page = client.get("/accounts/acc-ours").get_data(as_text=True)
    data = json.loads(re.search(r'id="network-data">(.*?)</script>', page, re.S).group(1))
    assert {"p-ours-cio", "p-ours-cfo"} <= {n["id"] for n in data["nodes"]}
    assert "Quay cranes 2027" in page


def test_who_sees_both_accounts_sees_the_crossing(access_app):
    """Admin and director see the acquaintance across accounts and the
    meeting about the other account's deal: the filter hides what is
    forbidden, not what is allowed."""
    for username in ("admin", "director"):
        client = access_app.test_client()
        login(client, username)
        page = client.get("/people/p-ours-cio").get_data(as_text=True)
        assert "Secret Sun" in page and "Hidden Deal" in page, username


# -- leaks found by hand ----------------------------------------------------------------------------


def test_a_role_of_another_teams_person_in_my_bid_does_not_show_their_name(web_app):
    """/relationships/ROLE_IN/<their person>/<my opportunity>/edit and /delete
    answer 404: the opportunity page hides that person, so does this page."""
    with web_app() as (app, store):
        load_access_portfolio(store)
        store.relate("ROLE_IN", "p-theirs", "opp-ours", {"role": "influencer"})
        c = app.test_client()
        login(c, "lina")
        for action in ("edit", "delete"):
            r = c.get(f"/relationships/ROLE_IN/p-theirs/opp-ours/{action}")
            assert r.status_code == 404 and "孙秘密" not in r.get_data(as_text=True)
        assert c.get("/relationships/ROLE_IN/p-ours-cio/opp-ours/edit").status_code == 200
        login(c, "admin")
        assert "孙秘密" in c.get("/relationships/ROLE_IN/p-theirs/opp-ours/edit").get_data(as_text=True)


def test_search_limits_after_the_access_filter(web_app):
    """A viewer finds their one account even when 60 others of the same name come first."""
    with web_app() as (app, store):
        load_access_portfolio(store)
        for i in range(60):
            store.create("Account", {"name": f"Harbor {i:02d} 港口"}, id=f"acc-harbor-{i:02d}")
            store.create_person(f"acc-harbor-{i:02d}", {"name": f"Harbor pilot {i}"})
        store.create_person("acc-ours", {"name": "Harbor master 港务长"}, id="p-ours-harbor")
        c = app.test_client()
        login(c, "vera")
        page = c.get("/search?q=harbor").get_data(as_text=True)
        assert "/accounts/acc-ours" in page and "/people/p-ours-harbor" in page
        assert "acc-harbor-" not in page and "Harbor pilot" not in page
        login(c, "director")
        page = c.get("/search?q=harbor").get_data(as_text=True)
        assert page.count('href="/accounts/acc-harbor-') == 50  # the limit, for who sees all
