"""Customer feedback in the store, on every backend (``any_store``): the
portfolio graph holds it for the satisfaction figures."""

from __future__ import annotations

from graphcrm.analysis import portfolio_coverage

NOW = "2026-05-01T00:00:00+00:00"


def small_account(store) -> None:
    """Account acc-1 with 王强 (p-wang) and Emily Chen (p-emily), our user u-li."""
    store.create("Account", {"name": "华东电网"}, id="acc-1")
    store.create_person("acc-1", {"name": "王强", "influence": 5}, id="p-wang")
    store.create_person("acc-1", {"name": "Emily Chen", "influence": 2}, id="p-emily")
    store.create("User", {"username": "li", "display_name": "Li Wei", "role": "manager"}, id="u-li")


def test_the_portfolio_graph_holds_customer_feedback_and_no_other_interaction(any_store):
    s = any_store
    small_account(s)
    s.log_interaction({"kind": "feedback", "at": "2026-04-01T08:00:00+00:00", "satisfaction": 9,
                       "summary": "满意"}, user_ids=["u-li"], person_ids=["p-wang", "p-emily"], id="int-fb")
    s.log_interaction({"kind": "call", "at": "2026-04-02T08:00:00+00:00"}, user_ids=["u-li"],
                      person_ids=["p-wang"], id="int-call")
    for lean in (False, True):
        G = s.portfolio_graph(for_analysis=lean)
        assert "int-call" not in G and G.nodes["int-fb"]["satisfaction"] == 9
        assert sorted(v for _, v, t in G.out_edges("int-fb", keys=True) if t == "WITH") == ["p-emily", "p-wang"]
        assert not any(t in ("ATTENDED", "ABOUT") for *_, t in G.edges(keys=True))
    [row] = portfolio_coverage(s.portfolio_graph(for_analysis=True), now=NOW)["accounts"]
    assert row["satisfaction"]["latest"] == 9 and row["satisfaction"]["nps"] == 100
