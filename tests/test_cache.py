"""ReportCache: analysis results kept until a write or a new day, computed once at a time."""

from __future__ import annotations

import itertools
import os
import threading
import time
import types

import pytest

import graphcrm.cache as cache_module
from graphcrm.cache import ReportCache
from graphcrm.demo import load_demo
from graphcrm.graph.backends import FalkorBackend, Neo4jBackend
from graphcrm.graph.store import GraphStore

from fixtures import login


def another_client(store) -> GraphStore:
    """A store of its own on the graph of ``store``, as another process opens it
    (a connection or a driver of its own)."""
    backend = store.backend
    if isinstance(backend, FalkorBackend):
        return GraphStore(FalkorBackend(backend.server, backend.graph_name))
    env = os.environ
    return GraphStore(Neo4jBackend(backend.url, env.get("GRAPHCRM_TEST_NEO4J_USER", "neo4j"),
                                   env.get("GRAPHCRM_TEST_NEO4J_PASSWORD", ""), backend.database))


def test_portfolio_report_is_cached_until_a_write(any_store):
    load_demo(any_store)
    cache = ReportCache(any_store)
    first = cache.portfolio_report()
    assert cache.portfolio_report() is first
    assert (cache.hits, cache.misses) == (1, 1)
    # a write anywhere, e.g. a new stakeholder, invalidates the report
    account = first["accounts"][0]["id"]
    people_before = first["accounts"][0]["people"]
    any_store.create_person(account, {"name": "周晓梅", "title": "副总经理"})
    second = cache.portfolio_report()
    assert second is not first and cache.misses == 2
    assert next(r for r in second["accounts"] if r["id"] == account)["people"] == people_before + 1
    assert cache.portfolio_report() is second


def test_a_write_through_another_store_invalidates_too(any_store):
    load_demo(any_store)
    cache = ReportCache(any_store)
    first = cache.portfolio_report()
    other = another_client(any_store)
    try:
        person = other.list_nodes("Person", limit=1)[0]
        other.update("Person", person["id"], {"notes": "Changed from the command line"}, version=person["version"])
    finally:
        other.close()
    assert cache.portfolio_report() is not first


def test_a_new_day_invalidates(any_store):
    day = ["2026-05-01"]
    cache = ReportCache(any_store, today=lambda: day[0])
    calls = []
    assert cache.get("k", lambda: calls.append(1) or "first") == "first"
    assert cache.get("k", lambda: calls.append(1) or "again") == "first"
    day[0] = "2026-05-02"
    assert cache.get("k", lambda: calls.append(1) or "next day") == "next day"
    assert len(calls) == 2


def test_concurrent_requests_compute_once(any_store):
    cache = ReportCache(any_store)
    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.2)
        return {"answer": 42}

    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("slow", slow))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert results == [{"answer": 42}] * 8 and all(r is results[0] for r in results)
    # the same for a result about an account
    any_store.create("Account", {"name": "华东电网"}, id="acc-e")
    threads = [threading.Thread(target=lambda: results.append(cache.for_account("acc-e", "slow", slow)))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 2 and all(r is results[8] for r in results[8:])
    assert cache._computing == {}  # no lock is kept once its result is


def test_old_results_are_evicted(any_store):
    cache = ReportCache(any_store, maxsize=2)
    for key in ("a", "b", "c"):
        cache.get(key, lambda key=key: key.upper())
    calls = []
    assert cache.get("a", lambda: calls.append(1) or "A again") == "A again"
    assert cache.get("c", lambda: calls.append(1) or "no") == "C"
    assert len(calls) == 1


def test_account_and_opportunity_reports_follow_writes(any_store):
    load_demo(any_store)
    cache = ReportCache(any_store)
    opp = next(o for o in any_store.list_nodes("Opportunity") if o["stage"] not in ("won", "lost"))
    account = any_store.account_of("Opportunity", opp["id"])
    first_account, first_opp = cache.account_report(account), cache.opportunity_report(opp["id"])
    assert cache.account_report(account) is first_account
    assert cache.opportunity_report(opp["id"]) is first_opp
    assert first_opp["opportunity"]["stage"] == opp["stage"]
    any_store.update("Opportunity", opp["id"], {"stage": "submitted"}, version=opp["version"])
    assert cache.opportunity_report(opp["id"])["opportunity"]["stage"] == "submitted"
    assert cache.account_report(account) is not first_account
    # the account graph behind the account and person pages
    G = cache.account_graph(account)
    assert cache.account_graph(account) is G
    any_store.update("Account", account, {"lifecycle": "at_risk"}, version=any_store.get("Account", account)["version"])
    assert cache.account_graph(account).nodes[account]["lifecycle"] == "at_risk"
    assert cache.account_report(account)["account"]["lifecycle"] == "at_risk"


@pytest.fixture
def demo_web(web_app):
    """A web app over a graph of its own with the demo portfolio, and a
    client signed in as the director: ``(app, store, client)``."""
    from graphcrm.demo import DEMO_PASSWORD

    with web_app() as (app, store):
        load_demo(store)
        client = app.test_client()
        assert login(client, "director", DEMO_PASSWORD).status_code == 302
        yield app, store, client


def test_dashboard_shows_a_write_at_once(demo_web):
    _, store, c = demo_web
    account = store.list_nodes("Account", limit=1)[0]
    assert account["name"] in c.get("/").get_data(as_text=True)
    store.update("Account", account["id"], {"name": "滨海港务集团 Binhai Port"}, version=account["version"])
    page = c.get("/").get_data(as_text=True)
    assert "滨海港务集团 Binhai Port" in page and account["name"] not in page
    # each language has its own tables
    c.get("/lang/zh")
    assert "进行中的投标（准备度最低的在前）" in c.get("/").get_data(as_text=True)
    c.get("/lang/en")
    assert "Open bids, least ready first" in c.get("/").get_data(as_text=True)


def test_a_slow_dashboard_shows_the_last_figures_while_new_ones_are_computed(demo_web):
    from graphcrm.web.db import get_reports

    app, store, c = demo_web
    with app.app_context():
        reports = get_reports()
    reports.background_after = 0  # as if the portfolio took seconds to analyse
    reports.refresh_every = 0
    notice = "New figures are being computed"
    account = store.list_nodes("Account", limit=1)[0]
    page = c.get("/").get_data(as_text=True)
    assert account["name"] in page and notice not in page
    store.update("Account", account["id"], {"name": "滨海港务集团 Binhai Port"}, version=account["version"])
    page = c.get("/").get_data(as_text=True)
    assert account["name"] in page and notice in page  # at once: the figures before the write
    reports._refresh.join(timeout=60)
    page = c.get("/").get_data(as_text=True)
    assert "滨海港务集团 Binhai Port" in page and notice not in page
    # the JSON API answers for the graph as it is
    store.update("Account", account["id"], {"name": "Binhai Port Group"}, version=account["version"] + 1)
    names = [a["name"] for a in c.get("/api/portfolio").get_json()["accounts"]]
    assert "Binhai Port Group" in names


def test_warm_paths_follow_writes(any_store):
    load_demo(any_store)
    cache = ReportCache(any_store)
    account = "acc-citybureau"
    people = [p["id"] for p in any_store.people_of_account(account)]
    target = next(p for p in people if cache.warm_paths(account, p) and cache.warm_paths(account, p)[0]["hops"] > 1)
    first = cache.warm_paths(account, target)
    assert cache.warm_paths(account, target) is first  # computed once while nothing changes
    user = any_store.create("User", {"username": "zhou.min", "display_name": "周敏 Zhou Min", "role": "manager"})
    any_store.relate("RELATIONSHIP", user["id"], target, {"strength": 5})
    paths = cache.warm_paths(account, target)
    assert paths[0]["hops"] == 1 and paths[0]["nodes"][0]["id"] == user["id"]  # the new direct line


def _wait_for(condition, seconds=60.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_slow_portfolio_report_is_refreshed_in_the_background(any_store):
    load_demo(any_store)
    cache = ReportCache(any_store, background_after=0, refresh_every=0)  # every report counts as slow
    first, refreshing = cache.portfolio(stale_ok=True)  # nothing to show yet: computed here
    assert not refreshing and first.report["totals"]["accounts"] >= 5
    account = first.report["accounts"][0]
    any_store.create_person(account["id"], {"name": "Grace Liu 刘嘉", "title": "CFO"})
    shown, refreshing = cache.portfolio(stale_ok=True)
    assert shown is first and refreshing  # at once, the last report, marked
    # the page that needs the graph as it is now waits for it instead
    _wait_for(lambda: cache.portfolio(stale_ok=True)[0] is not first)
    fresh, refreshing = cache.portfolio(stale_ok=True)
    assert not refreshing
    assert next(a for a in fresh.report["accounts"] if a["id"] == account["id"])["people"] == account["people"] + 1
    assert cache.portfolio_report() is fresh.report


def test_background_refreshes_wait_their_interval(any_store):
    # under a steady stream of writes the report is refreshed at most once per interval
    load_demo(any_store)
    cache = ReportCache(any_store, background_after=0, refresh_every=1.5)
    report, _ = cache.portfolio(stale_ok=True)
    person = any_store.list_nodes("Person", limit=1)[0]
    starts = []
    for n in range(2):
        any_store.update("Person", person["id"], {"notes": f"第{n}次 edit {n}"}, version=person["version"] + n)
        assert cache.portfolio(stale_ok=True) == (report, True)
        cache._refresh.join(timeout=60)
        starts.append(cache.refreshed_at)
        assert cache._portfolio is not report
        report = cache._portfolio
    assert starts[1] - starts[0] >= 1.5  # the first began at once, the second waited
    assert cache.portfolio(stale_ok=True) == (report, False)


def test_a_quick_portfolio_report_is_computed_at_once_after_a_write(any_store, monkeypatch):
    load_demo(any_store)
    # the cache's clock says each report took one second, under background_after whatever the machine
    ticks = itertools.count(0.0, 1.0)
    monkeypatch.setattr(cache_module, "time", types.SimpleNamespace(
        perf_counter=lambda: next(ticks), monotonic=time.monotonic, sleep=time.sleep))
    cache = ReportCache(any_store)
    first, _ = cache.portfolio(stale_ok=True)
    assert first.seconds == 1.0 < cache.background_after
    person = any_store.list_nodes("Person", limit=1)[0]
    any_store.update("Person", person["id"], {"name": "王建国 Wang Jianguo"}, version=person["version"])
    second, refreshing = cache.portfolio(stale_ok=True)
    assert second is not first and not refreshing


def test_a_dashboard_does_not_wait_for_the_report_another_request_is_computing(any_store):
    load_demo(any_store)
    cache = ReportCache(any_store)
    first, _ = cache.portfolio(stale_ok=True)
    any_store.create_person(first.report["accounts"][0]["id"], {"name": "Grace Liu 刘嘉", "title": "CFO"})
    with cache._portfolio_lock:  # as while another request sums the new report up
        assert cache.portfolio(stale_ok=True) == (first, True)
    fresh, refreshing = cache.portfolio(stale_ok=True)
    assert fresh is not first and not refreshing


def test_values_derived_from_a_report_stay_with_it(any_store):
    load_demo(any_store)
    cache = ReportCache(any_store)
    first, _ = cache.portfolio()
    names = first.derived("names", lambda: sorted(a["name"] for a in first.report["accounts"]))
    assert first.derived("names", lambda: ["computed again"]) is names
    account = any_store.list_nodes("Account", limit=1)[0]
    any_store.update("Account", account["id"], {"name": "滨海港务集团 Binhai Port"}, version=account["version"])
    second, _ = cache.portfolio()
    assert "滨海港务集团 Binhai Port" in second.derived(
        "names", lambda: sorted(a["name"] for a in second.report["accounts"]))
    assert "滨海港务集团 Binhai Port" not in names



# -- results about one account: kept until a write changes an account its graph holds ----------


def _accounts(store):
    """East and West know each other through one pair of people; North stands apart;
    a West engineer has a role in East's bid."""
    for id_, name in (("acc-e", "华东电网 East Grid"), ("acc-w", "Westbank Logistics"),
                      ("acc-n", "北方港务 North Port")):
        store.create("Account", {"name": name}, id=id_)
    store.create_person("acc-e", {"name": "王强", "title": "CIO", "influence": 5}, id="p-e")
    store.create_person("acc-w", {"name": "Wes Carter", "title": "COO"}, id="p-w")
    store.create_person("acc-w", {"name": "林工 Lin", "title": "Engineer"}, id="p-w2")
    store.create_person("acc-n", {"name": "赵敏", "title": "CFO"}, id="p-n")
    store.relate("KNOWS", "p-e", "p-w", {"strength": 3})
    store.create_opportunity("acc-e", {"name": "Grid upgrade 2027", "stage": "tender"}, id="opp-e")
    store.relate("ROLE_IN", "p-w2", "opp-e", {"role": "influencer"})
    store.create("User", {"username": "li.wei", "display_name": "李伟", "role": "manager"}, id="u-li")


def _kept(cache, *accounts):
    """Whether each account's cached graph is still the same object."""
    before = {a: cache.account_graph(a) for a in accounts}
    return lambda: {a: cache.account_graph(a) is before[a] for a in accounts}


def test_a_write_to_one_account_keeps_the_results_about_the_others(any_store):
    _accounts(any_store)
    cache = ReportCache(any_store)
    report = cache.account_report("acc-n")
    kept = _kept(cache, "acc-e", "acc-w", "acc-n")
    any_store.update("Person", "p-e", {"stance": "champion"}, version=1)  # East's CIO is in West's graph too
    assert kept() == {"acc-e": False, "acc-w": False, "acc-n": True}
    assert cache.account_graph("acc-e").nodes["p-e"]["stance"] == "champion"
    assert cache.account_report("acc-n") is report
    kept = _kept(cache, "acc-e", "acc-w", "acc-n")
    any_store.log_interaction({"kind": "call", "channel": "phone", "at": "2026-11-20T10:00:00+00:00",
                               "summary": "回访"}, user_ids=["u-li"], person_ids=["p-n"])
    assert kept() == {"acc-e": True, "acc-w": True, "acc-n": False}


def test_a_write_shown_in_another_accounts_graph_reaches_it(any_store):
    _accounts(any_store)
    cache = ReportCache(any_store)
    # West's COO is in East's graph (they know East's CIO): an edit at West reaches East
    kept = _kept(cache, "acc-e", "acc-n")
    any_store.update("Person", "p-w", {"title": "CEO"}, version=1)
    assert kept() == {"acc-e": False, "acc-n": True}
    assert cache.account_graph("acc-e").nodes["p-w"]["title"] == "CEO"
    # so does an edit of the West engineer with a role in East's bid (in East's graph without West)
    report = cache.opportunity_report("opp-e")
    any_store.update("Person", "p-w2", {"stance": "opponent"}, version=1)
    assert cache.opportunity_report("opp-e") is not report
    assert cache.opportunity_graph("opp-e").nodes["p-w2"]["stance"] == "opponent"
    # a new acquaintance across accounts changes both graphs (and East's, which holds West's COO)
    kept = _kept(cache, "acc-e", "acc-w", "acc-n")
    any_store.relate("KNOWS", "p-n", "p-w", {"strength": 2})
    assert kept() == {"acc-e": False, "acc-w": False, "acc-n": False}
    assert "p-w" in cache.account_graph("acc-n")


def test_writes_that_may_show_anywhere_change_every_account(any_store):
    _accounts(any_store)
    cache = ReportCache(any_store)
    for write in (
        lambda: any_store.update("User", "u-li", {"display_name": "李伟 Li Wei"}, version=1),  # users show anywhere
        lambda: any_store.delete("Person", "p-n"),
        lambda: any_store.bulk_merge([("Account", {"id": "acc-s", "name": "南方电网"})]),
    ):
        kept = _kept(cache, "acc-e", "acc-w")
        write()
        assert kept() == {"acc-e": False, "acc-w": False}
    kept = _kept(cache, "acc-e", "acc-w")
    any_store.record_event("export", "Account", "acc-e")  # an audit entry alone changes no account
    assert kept() == {"acc-e": True, "acc-w": True}
