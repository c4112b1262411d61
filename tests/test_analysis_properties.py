"""Property tests: monotone readiness, determinism, graphs never modified."""

from __future__ import annotations

import json
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphcrm.analysis import bid_readiness, coverage_gaps, opportunity_report, what_if
from graphcrm.model import BUYING_ROLES, STANCES

from deals import NOW, Deal, days_ago

ROLES = list(BUYING_ROLES)


@st.composite
def deals(draw):
    """A random account with one bid, our users, a competitor and ties."""
    d = Deal()
    d.node("Account", "a1", name="Acme")
    d.node("Opportunity", "o1", name="Bid", stage="tender", value=1_000_000)
    d.rel("FOR", "o1", "a1")
    d.node("Competitor", "c1", name="Rival")
    if draw(st.booleans()):
        d.rel("COMPETES_FOR", "c1", "o1")
    n_users = draw(st.integers(1, 3))
    users = [f"u{i}" for i in range(n_users)]
    for u in users:
        d.node("User", u, username=u, display_name=u.upper())
    n = draw(st.integers(1, 9))
    people = [f"p{i}" for i in range(n)]
    for p in people:
        role = draw(st.sampled_from(ROLES + [None]))
        d.person(p, influence=draw(st.integers(1, 5)), stance=draw(st.sampled_from(list(STANCES))))
        if role:
            per_deal = {}
            if draw(st.booleans()):
                per_deal["influence"] = draw(st.integers(1, 5))
            if draw(st.booleans()):
                per_deal["stance"] = draw(st.sampled_from(list(STANCES)))
            d.rel("ROLE_IN", p, "o1", role=role, **per_deal)
    for _ in range(draw(st.integers(0, 2 * n))):
        a, b = draw(st.sampled_from(people)), draw(st.sampled_from(people))
        if a != b:
            t = draw(st.sampled_from(["REPORTS_TO", "INFLUENCES", "KNOWS"]))
            d.rel(t, a, b, **({} if t == "REPORTS_TO" else {"strength": draw(st.integers(1, 5))}))
    for _ in range(draw(st.integers(0, 2 * n))):
        u, p = draw(st.sampled_from(users)), draw(st.sampled_from(people))
        strength, last = draw(st.integers(1, 5)), days_ago(draw(st.integers(0, 400)))
        d.rel("RELATIONSHIP", u, p, strength=strength, last_contact_at=last)
    for _ in range(draw(st.integers(0, n))):
        d.rel("RELATIONSHIP", "c1", draw(st.sampled_from(people)), strength=draw(st.integers(1, 5)))
    return d


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(deals(), st.data())
def test_strong_relationship_to_uncovered_decision_maker_never_lowers_readiness(d, data):
    # make sure there is an uncovered decision-maker to reach
    people = sorted({k[1] for k in d.rels if k[0] == "ROLE_IN"} | {"px"})
    target = data.draw(st.sampled_from(people))
    if target == "px":
        d.person("px", influence=data.draw(st.integers(1, 5)))
    role = data.draw(st.sampled_from(["economic_buyer", "decision_maker"]))
    d.rel("ROLE_IN", target, "o1", role=role)
    for k in [k for k in d.rels if k[0] == "RELATIONSHIP" and k[2] == target and k[1].startswith("u")]:
        d.rels[k] = {**d.rels[k], "strength": min(d.rels[k]["strength"], 2)}
    before = bid_readiness(d.graph(), "o1")
    user = data.draw(st.sampled_from(sorted({k for k, (lbl, _) in d.nodes.items() if lbl == "User"} | {"unew"})))
    if user == "unew":
        d.node("User", "unew", username="unew", display_name="New")
    last = days_ago(data.draw(st.integers(0, 400)))
    existing = d.rels.get(("RELATIONSHIP", user, target))
    if existing is not None:
        # strengthening a relationship we already have does not make its last contact older
        last = max(last, existing["last_contact_at"])
    d.rel("RELATIONSHIP", user, target, strength=data.draw(st.integers(3, 5)), last_contact_at=last)
    after = bid_readiness(d.graph(), "o1")
    assert after["score"] >= before["score"]
    for b, a in zip(before["components"], after["components"], strict=True):
        assert a["value"] >= b["value"] - 1e-9, (b, a)


@FAST
@given(deals())
def test_readiness_is_bounded_and_consistent(d):
    r = bid_readiness(d.graph(), "o1")
    assert 0 <= r["score"] <= 100
    assert abs(sum(c["points"] for c in r["components"]) - r["score"]) <= 0.51 + 0.01 * len(r["components"])
    assert all(0.0 <= c["value"] <= 1.0 for c in r["components"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deals(), st.randoms(use_true_random=False))
def test_same_graph_same_output(d, rnd):
    G1 = d.graph()
    r1 = opportunity_report(G1, "o1")
    assert json.dumps(r1, sort_keys=True, ensure_ascii=False) == json.dumps(
        opportunity_report(G1, "o1"), sort_keys=True, ensure_ascii=False
    )
    # insertion order does not matter for gaps and readiness
    shuffled = Deal()
    items = list(d.nodes.items())
    rnd.shuffle(items)
    shuffled.nodes = dict(items)
    rels = list(d.rels.items())
    rnd.shuffle(rels)
    shuffled.rels = dict(rels)
    G2 = shuffled.graph()
    assert coverage_gaps(G1, "o1") == coverage_gaps(G2, "o1")
    assert bid_readiness(G1, "o1") == bid_readiness(G2, "o1")


@settings(max_examples=40, deadline=None)
@given(deals())
def test_analysis_never_modifies_the_graph(d):
    G = d.graph()
    snapshot = (
        json.dumps(sorted((n, sorted(a.items())) for n, a in G.nodes(data=True)), default=str),
        json.dumps(sorted((u, v, k, sorted(a.items())) for u, v, k, a in G.edges(keys=True, data=True)), default=str),
        dict(G.graph),
    )
    opportunity_report(G, "o1")
    what_if(G, "o1", ["p0", "u0"])
    after = (
        json.dumps(sorted((n, sorted(a.items())) for n, a in G.nodes(data=True)), default=str),
        json.dumps(sorted((u, v, k, sorted(a.items())) for u, v, k, a in G.edges(keys=True, data=True)), default=str),
        dict(G.graph),
    )
    assert snapshot == after


def test_now_defaults_to_loaded_at():
    d = Deal()
    d.node("Account", "a1", name="A").node("Opportunity", "o1", name="B").rel("FOR", "o1", "a1")
    d.node("User", "u1", username="u1", display_name="U")
    d.person("p", role="economic_buyer", influence=5)
    d.rel("RELATIONSHIP", "u1", "p", strength=5, last_contact_at=days_ago(10))
    G = d.graph()
    assert G.graph["loaded_at"] == NOW
    assert "stale_relationship" not in [f["kind"] for f in coverage_gaps(G, "o1")]
    assert "stale_relationship" in [f["kind"] for f in coverage_gaps(G, "o1", now="2026-07-01")]


def test_random_is_untouched():
    state = random.getstate()
    G = Deal().node("Person", "x", name="x").graph()
    from graphcrm.analysis import brokers, factions

    brokers(G)
    factions(G)
    assert random.getstate() == state
