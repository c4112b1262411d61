"""Shared test data for the analysis tests: hand-made stakeholder graphs.

``Deal`` is a mutable ``(nodes, rels)`` description of one account with one
bid; ``base_deal()`` returns one of a well-covered opportunity that produces
no coverage finding at all; each finding test changes one thing and checks
that exactly the expected finding appears.  ``NOW`` is the day the tests run
on, ``days_ago(n)`` a timestamp ``n`` days before it.

Not a test module (pytest collects nothing here); the test modules import it
as ``from deals import ...``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from graphcrm.graph.nxgraph import build_graph

sys.path.insert(0, str(Path(__file__).parent))

NOW = "2026-05-01T00:00:00+00:00"
FRESH = "2026-04-26T00:00:00+00:00"  # 5 days before NOW


def days_ago(n: int) -> str:
    from datetime import datetime, timedelta

    return (datetime.fromisoformat(NOW) - timedelta(days=n)).isoformat()


class Deal:
    """A mutable (nodes, rels) description of one account with one bid."""

    def __init__(self):
        self.nodes: dict[str, tuple[str, dict]] = {}
        self.rels: dict[tuple[str, str, str], dict] = {}

    # -- building --------------------------------------------------------
    def node(self, label, id, **props):
        self.nodes[id] = (label, {"id": id, **props})
        return self

    def rel(self, type, a, b, **props):
        self.rels[(type, a, b)] = props
        return self

    def drop(self, type, a, b):
        self.rels.pop((type, a, b), None)
        return self

    def drop_node(self, id):
        self.nodes.pop(id, None)
        self.rels = {k: v for k, v in self.rels.items() if id not in k[1:]}
        return self

    def person(self, id, *, role=None, influence=3, stance="neutral", account="a1", opp="o1", **props):
        self.node("Person", id, name=props.pop("name", id.upper()), influence=influence, stance=stance, **props)
        self.rel("WORKS_AT", id, account)
        if role:
            self.rel("ROLE_IN", id, opp, role=role)
        return self

    def graph(self, **attrs):
        attrs.setdefault("loaded_at", NOW)
        return build_graph(
            list(self.nodes.values()),
            [(t, a, b, dict(p)) for (t, a, b), p in self.rels.items()],
            **attrs,
        )


def base_deal() -> Deal:
    d = Deal()
    d.node("Account", "a1", name="Acme Power")
    d.node("Opportunity", "o1", name="Grid upgrade", stage="tender", value=10_000_000)
    d.rel("FOR", "o1", "a1")
    d.node("User", "u1", username="li", display_name="Li Wei", role="manager", title="Key-account manager")
    d.node("User", "u2", username="gao", display_name="Gao Feng", role="bid", title="Solution architect")
    d.node("Competitor", "c1", name="Rival Corp")
    d.rel("COMPETES_FOR", "c1", "o1")
    d.person("eb", role="economic_buyer", influence=5, stance="supporter", name="王总", title="General manager",
             department="Board")
    d.person("dm", role="decision_maker", influence=4, stance="supporter", title="Deputy GM", department="Board")
    d.person("tb", role="technical_buyer", influence=3, stance="supporter", title="IT director", department="IT")
    d.person("ub", role="user_buyer", influence=2, title="Operations lead", department="Operations")
    d.person("pr", role="procurement", influence=2, title="Buyer", department="Procurement")
    d.person("ch", role="champion", influence=4, stance="champion", name="Zhang Min", title="Deputy IT director",
             department="IT")
    for a, b in [("dm", "eb"), ("tb", "dm"), ("ub", "dm"), ("pr", "eb"), ("ch", "dm")]:
        d.rel("REPORTS_TO", a, b)
    for p in ["eb", "dm", "tb", "ub", "pr", "ch"]:
        for u in ["u1", "u2"]:
            d.rel("RELATIONSHIP", u, p, strength=4, last_contact_at=FRESH)
    d.rel("RELATIONSHIP", "c1", "tb", strength=2)
    return d
