"""The advice the analysis gives, pinned by hand-computed cases.

Every coverage finding's severity at, below and above each of its thresholds
(with the reason it gives: message, action and data), every bid-readiness
component's formula on small buying centres, and the warm-path weights and
staleness.  Each expected figure is worked out by hand in the table beside it,
from the rules in the docstrings of ``coverage.py``, ``readiness.py`` and
``paths.py``.

No test reads the calendar: every call passes ``now=NOW``, and the graphs are
loaded on another day (``LOADED_AT``), so a rule that ignored ``now`` fails.
A few cases go through what-if (a departure) and the opportunity report, where
the same rules are applied in another context.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from graphcrm.analysis import bid_readiness, coverage_gaps, opportunity_report, warm_paths, what_if
from graphcrm.analysis.readiness import WEIGHTS
from graphcrm.graph.nxgraph import build_graph

NOW = "2026-05-01T00:00:00+00:00"
LOADED_AT = "2026-01-01T00:00:00+00:00"  # four months earlier: nothing is stale as of then

USERS = {"u1": ("李娜", "Key-account manager"), "u2": ("David Chen", None), "u3": ("王磊", None)}
COMPETITORS = {"c1": "Northwind Systems", "c2": "东方智联"}

def member(pid, name, role, influence=3, stance="neutral", **extra):
    """A person: ``extra`` may give a ``title``, an ``account`` other than a1 and
    ``deal``, the per-deal properties of their role (``stance``, ``influence``)."""
    return (pid, name, role, influence, stance, extra)


#: A buying centre with somebody in every required role.
FULL = [
    member("eb", "王强", "economic_buyer", 5, "supporter"),
    member("dm", "Anna Müller", "decision_maker", 4, "supporter"),
    member("tb", "陈静", "technical_buyer", 3),
    member("ub", "Tom Baker", "user_buyer", 2),
    member("pr", "赵敏", "procurement", 2),
    member("ch", "韩雪", "champion", 4, "champion"),
]


def days_before(days: int | None) -> str | None:
    """The ISO time ``days`` whole days before NOW (None: never)."""
    if days is None:
        return None
    return (datetime.fromisoformat(NOW) - timedelta(days=days)).astimezone(timezone.utc).isoformat()


def bid(
    people, *, ours=(), ties=(), theirs=(), bidders=("c1",), met=(), account_only=(), inactive=(), opportunity=None
):
    """One bid ``o1`` ("Grid upgrade") at account ``a1``.

    ``people``: :func:`member` tuples of the buying centre; ``account_only``:
    the same for people of the account outside it (role ignored).  ``ours``:
    ``(user, person, strength or None, days since last contact or None)``;
    ``ties``: ``(type, a, b, strength or None)``; ``theirs``: ``(competitor,
    person, strength)``; ``bidders``: competitors bidding on o1; ``met``:
    ``(user, person, days ago)`` meetings; ``inactive``: users who left;
    ``opportunity``: o1's properties other than its name (default: at the tender stage).
    """
    opportunity = {"stage": "tender"} if opportunity is None else opportunity
    nodes = [
        ("Account", {"id": "a1", "name": "江州电网"}),
        ("Account", {"id": "a2", "name": "江州电力设计院"}),
        ("Opportunity", {"id": "o1", "name": "Grid upgrade", **opportunity}),
    ]
    rels = [("FOR", "o1", "a1", {})]
    for u, (name, title) in USERS.items():
        props = {"id": u, "username": u, "display_name": name, "title": title}
        nodes.append(("User", {**props, "active": False if u in inactive else None}))
    for c, name in COMPETITORS.items():
        nodes.append(("Competitor", {"id": c, "name": name}))
    for c in bidders:
        rels.append(("COMPETES_FOR", c, "o1", {}))
    for p, name, _role, influence, stance, extra in list(people) + list(account_only):
        props = {"id": p, "name": name, "influence": influence, "stance": stance, "title": extra.get("title")}
        nodes.append(("Person", props))
        rels.append(("WORKS_AT", p, extra.get("account", "a1"), {}))
    for p, _, role, _, _, extra in people:
        rels.append(("ROLE_IN", p, "o1", {"role": role, **extra.get("deal", {})}))
    for u, p, strength, days in ours:
        rels.append(("RELATIONSHIP", u, p, {"strength": strength, "last_contact_at": days_before(days)}))
    for t, a, b, strength in ties:
        rels.append((t, a, b, {"strength": strength}))
    for c, p, strength in theirs:
        rels.append(("RELATIONSHIP", c, p, {"strength": strength}))
    for i, (u, p, days) in enumerate(met):
        nodes.append(("Interaction", {"id": f"i{i}", "kind": "meeting", "at": days_before(days)}))
        rels += [("ATTENDED", u, f"i{i}", {}), ("WITH", f"i{i}", p, {})]
    return build_graph(nodes, rels, loaded_at=LOADED_AT)


def findings(G, kind, **kw) -> list[dict]:
    """The findings of ``kind`` for o1 as of NOW."""
    return [f for f in coverage_gaps(G, "o1", now=NOW, **kw) if f["kind"] == kind]


def severities(G, kind, **kw) -> list[str]:
    return [f["severity"] for f in findings(G, kind, **kw)]


def component(G, name, **kw) -> dict:
    """One bid-readiness component of o1 as of NOW."""
    return next(c for c in bid_readiness(G, "o1", now=NOW, **kw)["components"] if c["name"] == name)


# == coverage findings =============================================================================

# -- missing_role ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dropped, roles, severity, message",
    [
        ("eb", ["economic_buyer"], "high", "No economic buyer identified for Grid upgrade."),
        ("dm", ["decision_maker"], "high", "No decision maker identified for Grid upgrade."),
        ("tb", ["technical_buyer"], "medium", "No technical buyer identified for Grid upgrade."),
        ("ub", ["user_buyer"], "low", "No user buyer identified for Grid upgrade."),
        ("pr", ["procurement"], "low", "No procurement identified for Grid upgrade."),
        ("ch", ["champion", "coach"], "high", "No champion or coach / informant identified for Grid upgrade."),
    ],
)
def test_a_missing_role_is_graded_by_the_role(dropped, roles, severity, message):
    G = bid([p for p in FULL if p[0] != dropped])
    (f,) = findings(G, "missing_role")
    assert (f["severity"], f["message"], f["data"]) == (severity, message, {"role": roles[0], "roles": roles})
    params = {"roles": roles, "opportunity": "Grid upgrade"}
    assert f["texts"]["message"] == {"code": "gap.missing_role", "params": params}


def test_a_full_buying_centre_misses_no_role():
    assert findings(bid(FULL), "missing_role") == []


@pytest.mark.parametrize(
    "stand_in",
    [member("ch", "韩雪", "coach"), member("ch", "韩雪", "influencer", stance="champion")],
    ids=["a coach", "an influencer who champions us"],
)
def test_a_coach_or_a_champion_by_stance_fills_the_champion_role(stand_in):
    G = bid([p for p in FULL if p[0] != "ch"] + [stand_in])
    assert findings(G, "missing_role") == []


# -- no_eb_access / no_dm_access -------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, kind, strength, days, strong, message",
    [
        ("economic_buyer", "no_eb_access", None, None, 3,
         "We have no relationship at all with the economic buyer, 王强 (stakeholder, economic buyer)."),
        ("economic_buyer", "no_eb_access", 1, 1, 3,
         "We have only a strength-1 relationship with the economic buyer, 王强 (stakeholder, economic buyer)."),
        ("economic_buyer", "no_eb_access", 2, 1, 3,
         "We have only a strength-2 relationship with the economic buyer, 王强 (stakeholder, economic buyer)."),
        ("economic_buyer", "no_eb_access", 3, 1, 3, None),
        ("economic_buyer", "no_eb_access", 3, 400, 3, None),  # stale, but strong: access is not the question
        ("economic_buyer", "no_eb_access", 3, 1, 4,
         "We have only a strength-3 relationship with the economic buyer, 王强 (stakeholder, economic buyer)."),
        ("economic_buyer", "no_eb_access", 4, 1, 4, None),
        ("decision_maker", "no_dm_access", 2, 1, 3,
         "We have only a strength-2 relationship with the decision maker, 王强 (stakeholder, decision maker)."),
        ("decision_maker", "no_dm_access", 3, 1, 3, None),
    ],
)
def test_access_to_a_decision_role_needs_a_strong_relationship(role, kind, strength, days, strong, message):
    ours = [] if strength is None else [("u1", "x", strength, days)]
    G = bid([member("x", "王强", role, 5)], ours=ours)
    found = findings(G, kind, strong=strong)
    if message is None:
        assert found == []
        return
    (f,) = found
    assert (f["severity"], f["message"]) == ("high", message)
    assert f["action"] == "Get a senior sponsor on our side introduced to 王强; see the warm introduction paths."
    assert f["data"] == {"role": role, "best_strength": strength or 0}
    assert [p["id"] for p in f["people"]] == ["x"]


def test_the_best_of_several_relationships_decides_access():
    G = bid([member("eb", "王强", "economic_buyer", 5)], ours=[("u1", "eb", 2, 1), ("u2", "eb", 3, 1)])
    assert findings(G, "no_eb_access") == []


# -- uncovered_high_influence ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "influence, strength, high_influence, severity",
    [
        (3, None, 4, None),  # below the influence threshold
        (4, None, 4, "medium"),
        (4, 2, 4, "medium"),  # at the influence threshold: medium, not high
        (4, 3, 4, None),  # a strong relationship covers them
        (5, 2, 4, "high"),
        (5, 3, 4, None),
        (3, 2, 3, "medium"),  # a lower threshold
        (2, 2, 3, None),
    ],
)
def test_an_uncovered_high_influence_stakeholder_is_graded_by_influence(influence, strength, high_influence, severity):
    ours = [] if strength is None else [("u1", "gt", strength, 1)]
    G = bid([member("gt", "郭涛", "influencer", influence)], ours=ours)
    found = findings(G, "uncovered_high_influence", high_influence=high_influence)
    assert [f["severity"] for f in found] == ([severity] if severity else [])
    if severity:
        (f,) = found
        assert f["message"] == (
            f"郭涛 (stakeholder, influencer) has influence {influence} but no strong relationship with our team."
        )
        assert f["action"] == "Plan a meeting with 郭涛, ideally through a warm introduction."
        assert f["data"] == {"role": "influencer", "influence": influence, "best_strength": strength or 0}


@pytest.mark.parametrize("role", ["economic_buyer", "decision_maker", "blocker"])
def test_decision_roles_and_blockers_are_not_uncovered_high_influence(role):
    G = bid([member("x", "Paul Wright", role, 5, "opponent" if role == "blocker" else "neutral")])
    assert findings(G, "uncovered_high_influence") == []


# -- uncovered_blocker -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, influence, stance, strength, severity, reason",
    [
        ("blocker", 3, "opponent", None, "medium", "blocker"),
        ("blocker", 3, "neutral", 2, "medium", "blocker"),
        ("blocker", 4, "skeptic", None, "high", "blocker"),
        ("blocker", 5, "opponent", 2, "high", "blocker"),
        ("blocker", 4, "opponent", 3, None, None),  # we know them well ourselves
        ("influencer", 4, "opponent", None, "high", "opponent"),
        ("influencer", 5, "opponent", 2, "high", "opponent"),
        ("influencer", 3, "opponent", None, None, None),  # a low-influence opponent is no blocker
        ("influencer", 5, "skeptic", None, None, None),
    ],
)
def test_an_uncovered_blocker_is_graded_by_influence(role, influence, stance, strength, severity, reason):
    ours = [] if strength is None else [("u1", "bl", strength, 1)]
    G = bid([member("bl", "Paul Wright", role, influence, stance)], ours=ours)
    found = findings(G, "uncovered_blocker")
    assert [f["severity"] for f in found] == ([severity] if severity else [])
    if severity:
        (f,) = found
        assert f["message"] == (
            f"Paul Wright (stakeholder, {role}) is {'a blocker' if reason == 'blocker' else 'an opponent'} "
            f"with influence {influence}, and nobody we know well can work on them."
        )
        assert f["texts"]["message"]["code"] == "gap.uncovered_blocker." + reason
        assert f["action"] == (
            "Find out Paul Wright's objections and win over someone who influences them, or meet them directly."
        )
        assert f["data"] == {"role": role, "influence": influence, "stance": stance}


@pytest.mark.parametrize(
    "tie, stance, strength, covered",
    [
        (("INFLUENCES", "y", "bl"), "supporter", 3, True),  # y sways the blocker and we know y well
        (("INFLUENCES", "y", "bl"), "supporter", 2, False),  # ... but not well enough
        (("INFLUENCES", "y", "bl"), "skeptic", 5, False),  # y would not speak for us
        (("INFLUENCES", "y", "bl"), "opponent", 5, False),
        (("INFLUENCES", "y", "bl"), "neutral", 3, True),
        (("REPORTS_TO", "bl", "y"), "neutral", 4, True),  # the blocker's manager
        (("REPORTS_TO", "y", "bl"), "neutral", 5, False),  # the blocker's subordinate is no lever
        (("INFLUENCES", "bl", "y"), "supporter", 5, False),
        (("KNOWS", "y", "bl"), "supporter", 5, False),
    ],
)
def test_a_blocker_is_covered_through_someone_who_sways_them(tie, stance, strength, covered):
    G = bid(
        [member("bl", "Paul Wright", "blocker", 4, "opponent"), member("y", "陈静", "technical_buyer", 3, stance)],
        ours=[("u1", "y", strength, 1)],
        ties=[(tie[0], tie[1], tie[2], None)],
    )
    assert (findings(G, "uncovered_blocker") == []) is covered


def test_a_lever_outside_the_buying_centre_counts_with_their_own_stance():
    people = [member("bl", "Paul Wright", "blocker", 4, "opponent")]
    G = bid(people, account_only=[member("cfo", "刘洋", None, 3, "supporter")],
            ours=[("u1", "cfo", 3, 1)], ties=[("INFLUENCES", "cfo", "bl", None)])
    assert findings(G, "uncovered_blocker") == []
    G = bid(people, account_only=[member("cfo", "刘洋", None, 3, "skeptic")],
            ours=[("u1", "cfo", 3, 1)], ties=[("INFLUENCES", "cfo", "bl", None)])
    assert severities(G, "uncovered_blocker") == ["high"]


def test_findings_name_people_by_title_role_influence_and_stance():
    G = bid([member("gt", "郭涛", "influencer", 4, title="CFO")], ours=[("u1", "gt", 2, 1)])
    (f,) = findings(G, "uncovered_high_influence")
    assert f["message"] == "郭涛 (CFO, influencer) has influence 4 but no strong relationship with our team."
    assert f["people"] == [
        {"id": "gt", "name": "郭涛", "label": "Person", "title": "CFO", "influence": 4, "stance": "neutral",
         "role": "influencer"}
    ]


def test_a_member_without_role_influence_or_stance_counts_as_a_neutral_of_influence_3():
    G = bid([member("gt", "郭涛", None, None, None)])
    assert findings(G, "uncovered_high_influence") == []
    (f,) = findings(G, "uncovered_high_influence", high_influence=3)
    assert f["message"] == "郭涛 (stakeholder) has influence 3 but no strong relationship with our team."
    assert f["people"] == [{"id": "gt", "name": "郭涛", "label": "Person", "influence": 3, "stance": "neutral"}]


def test_per_deal_influence_and_stance_win_over_the_persons_own():
    G = bid([member("gt", "郭涛", "influencer", 2, "supporter", deal={"influence": 5, "stance": "skeptic"})])
    (f,) = findings(G, "uncovered_high_influence")
    assert (f["severity"], f["people"][0]["influence"], f["people"][0]["stance"]) == ("high", 5, "skeptic")


def test_every_holder_of_a_decision_role_is_checked():
    people = [member("eb1", "王强", "economic_buyer", 5), member("eb2", "刘洋", "economic_buyer", 4)]
    G = bid(people, ours=[("u1", "eb1", 4, 1), ("u1", "eb2", 1, 1)])
    assert [f["people"][0]["id"] for f in findings(G, "no_eb_access")] == ["eb2"]


def test_a_relationship_without_a_strength_counts_3():
    G = bid([member("eb", "王强", "economic_buyer", 5)], ours=[("u1", "eb", None, 1)])
    assert findings(G, "no_eb_access") == []
    assert findings(G, "no_eb_access", strong=4)[0]["data"]["best_strength"] == 3


def test_a_colleague_who_left_gives_no_access():
    G = bid([member("eb", "王强", "economic_buyer", 5)], ours=[("u1", "eb", 4, 1)], inactive=["u1"])
    (f,) = findings(G, "no_eb_access")
    assert f["message"] == "We have no relationship at all with the economic buyer, 王强 (stakeholder, economic buyer)."


def test_every_blocker_is_checked():
    people = [member("b1", "Paul Wright", "blocker", 4, "opponent"), member("b2", "孙伟", "blocker", 4, "opponent")]
    G = bid(people, ours=[("u1", "b1", 4, 1)])
    assert [f["people"][0]["id"] for f in findings(G, "uncovered_blocker")] == ["b2"]


@pytest.mark.parametrize(
    "levers, covered",
    [
        ([member("y1", "陈静", "influencer", 3, "skeptic"), member("y2", "赵敏", "influencer", 3, "supporter")], True),
        ([member("y1", "陈静", "influencer", 3, "supporter", deal={"stance": "skeptic"})], False),  # per deal
        ([member("y1", "陈静", "influencer", 3, "skeptic", deal={"stance": "supporter"})], True),
    ],
)
def test_every_lever_on_a_blocker_is_tried_with_its_per_deal_stance(levers, covered):
    G = bid([member("bl", "Paul Wright", "blocker", 4, "opponent")] + levers,
            ours=[("u1", y[0], 4, 1) for y in levers], ties=[("INFLUENCES", y[0], "bl", None) for y in levers])
    assert (findings(G, "uncovered_blocker") == []) is covered


def test_a_lever_who_leaves_no_longer_covers_the_blocker():
    people = [member("bl", "Paul Wright", "blocker", 4, "opponent"),
              member("y1", "陈静", "influencer"), member("y2", "赵敏", "influencer")]
    ties = [("INFLUENCES", "y1", "bl", None), ("INFLUENCES", "y2", "bl", None)]
    G = bid(people, ours=[("u1", "y1", 4, 1), ("u2", "y2", 4, 1)], ties=ties)
    assert [f for f in what_if(G, "o1", "y1", now=NOW)["new_findings"] if f["kind"] == "uncovered_blocker"] == []
    G = bid(people, ours=[("u1", "y1", 4, 1), ("u2", "y2", 2, 1)], ties=ties)
    new = what_if(G, "o1", "y1", now=NOW)["new_findings"]
    assert [(f["kind"], f["people"][0]["id"]) for f in new if f["kind"] == "uncovered_blocker"] == [
        ("uncovered_blocker", "bl")
    ]


# -- stale_relationship ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, influence, cadence, severity",
    [
        ("influencer", 5, 30, "high"),
        ("influencer", 4, 60, "high"),
        ("influencer", 3, 90, "medium"),
        ("influencer", 2, 180, "low"),
        ("influencer", 1, 180, "low"),
        ("decision_maker", 2, 180, "high"),  # a decision role is key whatever the influence
        ("economic_buyer", 1, 180, "high"),
    ],
)
def test_a_stale_relationship_goes_stale_after_its_cadence_and_is_graded_by_the_stakeholder(
    role, influence, cadence, severity
):
    def stale(days, **kw):
        G = bid([member("hx", "韩雪", role, influence)], ours=[("u1", "hx", 4, days)])
        return findings(G, "stale_relationship", **kw)

    assert stale(cadence - 1) == [] and stale(cadence) == []  # on the last day of the cadence: still fresh
    (f,) = stale(cadence + 1)
    assert f["severity"] == severity
    assert f["message"] == (
        f"Our strong relationship with 韩雪 (stakeholder, {role.replace('_', ' ')}) is going stale: "
        f"last contact {cadence + 1} days ago, cadence {cadence} days."
    )
    assert f["action"] == "李娜 should contact 韩雪 this week."
    assert f["data"] == {"days_since": cadence + 1, "cadence_days": cadence, "role": role}
    assert [p["id"] for p in f["people"]] == ["hx", "u1"]
    (never,) = stale(None)
    assert never["severity"] == severity
    assert never["message"] == (
        f"Our strong relationship with 韩雪 (stakeholder, {role.replace('_', ' ')}) is going stale: "
        f"last contact never recorded, cadence {cadence} days."
    )
    assert never["data"] == {"days_since": None, "cadence_days": cadence, "role": role}
    assert stale(cadence + 1, cadence={influence: cadence + 1}) == []


@pytest.mark.parametrize(
    "ours, fires",
    [
        ([("u1", "hx", 4, 61), ("u2", "hx", 3, 61)], True),  # every strong relationship is past its cadence
        ([("u1", "hx", 4, 61), ("u2", "hx", 3, 60)], False),  # one strong one is fresh
        ([("u1", "hx", 4, 61), ("u2", "hx", 2, 1)], True),  # a fresh weak one does not help
        ([("u1", "hx", 2, 400)], False),  # a weak stale one is no strong relationship going stale
    ],
)
def test_a_stakeholder_is_stale_only_when_every_strong_relationship_is(ours, fires):
    G = bid([member("hx", "韩雪", "influencer", 4)], ours=ours)
    assert (findings(G, "stale_relationship") != []) is fires


def test_the_strongest_stale_relationship_is_reported_first_with_every_owner():
    G = bid([member("hx", "韩雪", "influencer", 4)], ours=[("u1", "hx", 3, 90), ("u2", "hx", 5, 70)])
    (f,) = findings(G, "stale_relationship")
    assert f["data"]["days_since"] == 70 and [p["id"] for p in f["people"]] == ["hx", "u2", "u1"]
    assert f["action"] == "David Chen should contact 韩雪 this week."


def test_an_interaction_refreshes_a_relationship():
    people = [member("hx", "韩雪", "influencer", 5)]
    assert findings(bid(people, ours=[("u1", "hx", 4, 200)], met=[("u1", "hx", 31)]), "stale_relationship")
    assert not findings(bid(people, ours=[("u1", "hx", 4, 200)], met=[("u1", "hx", 30)]), "stale_relationship")
    # someone else's meeting does not refresh our relationship
    assert findings(bid(people, ours=[("u1", "hx", 4, 200)], met=[("u2", "hx", 1)]), "stale_relationship")


def test_a_stale_relationship_is_high_for_whoever_the_caller_counts_as_high_influence():
    G = bid([member("hx", "韩雪", "influencer", 3)], ours=[("u1", "hx", 4, 91)])
    assert severities(G, "stale_relationship") == ["medium"]
    assert severities(G, "stale_relationship", high_influence=3) == ["high"]


def test_a_stakeholder_without_influence_has_the_cadence_of_influence_3():
    G = bid([member("hx", "韩雪", "influencer", None)], ours=[("u1", "hx", 4, 90)])
    assert findings(G, "stale_relationship") == []
    G = bid([member("hx", "韩雪", "influencer", None)], ours=[("u1", "hx", 4, 91)])
    assert findings(G, "stale_relationship")[0]["data"]["cadence_days"] == 90


@pytest.mark.parametrize(
    "edge_days, meetings, days_since",
    [
        (40, [70], 40),  # an older meeting does not age the relationship
        (70, [40], 40),
        (None, [80, 75], 75),  # the latest meeting
        (None, [75, 80], 75),
        (100, [], 100),
    ],
)
def test_the_last_contact_is_the_latest_of_the_relationship_and_our_meetings(edge_days, meetings, days_since):
    G = bid([member("hx", "韩雪", "influencer", 5)], ours=[("u1", "hx", 4, edge_days)],
            met=[("u1", "hx", d) for d in meetings])
    (f,) = findings(G, "stale_relationship")
    assert f["data"]["days_since"] == days_since


# -- no_champion / weak_champion -------------------------------------------------------------------


def test_a_coach_without_a_champion_is_a_medium_gap():
    G = bid([member("co", "David Chen", "coach", 3)])
    (f,) = findings(G, "no_champion")
    assert (f["severity"], [p["id"] for p in f["people"]]) == ("medium", ["co"])
    assert f["message"] == "Grid upgrade has a coach but nobody who actively sells for us inside the customer."
    assert f["data"] == {"role": "champion"}
    assert findings(bid([member("co", "David Chen", "coach"), member("ch", "韩雪", "champion")]), "no_champion") == []
    assert findings(bid([member("x", "王强", "influencer")]), "no_champion") == []


@pytest.mark.parametrize(
    "influence, strength, why, action",
    [
        (2, 3, "influence", "replace"),
        (1, 5, "influence", "replace"),
        (3, 3, None, None),  # above both thresholds
        (3, 2, "relationship", "strengthen"),
        (5, None, "relationship", "strengthen"),
        (2, 2, "both", "strengthen"),
    ],
)
def test_a_lone_weak_champion_is_high_with_its_reason(influence, strength, why, action):
    ours = [] if strength is None else [("u1", "ch", strength, 1)]
    found = findings(bid([member("ch", "韩雪", "champion", influence, "champion")], ours=ours), "weak_champion")
    if why is None:
        assert found == []
        return
    (f,) = found
    assert f["severity"] == "high"
    assert f["texts"]["message"]["code"] == "gap.weak_champion." + why
    assert f["texts"]["action"]["code"] == "gap.weak_champion." + action
    best = strength or 0
    assert f["message"] == {
        "influence": f"Our champion 韩雪 (stakeholder, champion) has low influence ({influence}).",
        "relationship": f"Our champion 韩雪 (stakeholder, champion) has a weak relationship with us "
        f"(best strength {best}).",
        "both": f"Our champion 韩雪 (stakeholder, champion) has low influence ({influence}) and a weak relationship "
        f"with us (best strength {best}).",
    }[why]
    assert f["action"] == {
        "replace": "Find a champion with more influence; ask 韩雪 to introduce one.",
        "strengthen": "Strengthen the relationship with 韩雪.",
    }[action]
    assert f["data"] == {"role": "champion", "influence": influence, "best_strength": best}


@pytest.mark.parametrize(
    "second, severity",
    [
        (member("zm", "赵敏", "champion", 4, "champion"), "low"),  # a strong second champion: housekeeping
        (member("zm", "赵敏", "influencer", 4, "champion"), "low"),  # a champion by stance counts too
        (member("zm", "赵敏", "champion", 2, "champion"), "high"),  # both weak
    ],
)
def test_a_weak_champion_beside_a_strong_one_is_low(second, severity):
    G = bid([member("ch", "韩雪", "champion", 2, "champion"), second], ours=[("u1", "ch", 4, 1), ("u2", "zm", 4, 1)])
    found = findings(G, "weak_champion")
    assert {f["people"][0]["id"]: f["severity"] for f in found}["ch"] == severity
    assert len(found) == (2 if severity == "high" else 1)


# -- single_threaded -------------------------------------------------------------------------------

THREE = [
    member("a", "韩雪", "technical_buyer"),
    member("b", "David Chen", "user_buyer"),
    member("c", "赵敏", "procurement"),
]


@pytest.mark.parametrize(
    "ours, data, message",
    [
        ([], {"strong_contacts": 0, "owners": 0},
         "Grid upgrade is single-threaded: no strong contact in a buying center of 3."),
        ([("u1", "a", 2, 1), ("u2", "b", 2, 1)], {"strong_contacts": 0, "owners": 0},
         "Grid upgrade is single-threaded: no strong contact in a buying center of 3."),
        ([("u1", "a", 3, 1), ("u2", "b", 2, 1)], {"strong_contacts": 1, "owners": 1},
         "Grid upgrade is single-threaded: only one strong contact (韩雪) in a buying center of 3."),
        ([("u1", "a", 3, 1), ("u2", "a", 5, 1)], {"strong_contacts": 1, "owners": 2},
         "Grid upgrade is single-threaded: only one strong contact (韩雪) in a buying center of 3."),
        ([("u1", "a", 3, 1), ("u1", "b", 4, 400)], {"strong_contacts": 2, "owners": 1},
         "All 2 strong relationships in Grid upgrade are held by one person on our side, 李娜."),
        ([("u1", "a", 3, 1), ("u2", "b", 3, 1)], None, None),
        ([("u1", "a", 3, 1), ("u1", "b", 3, 1), ("u2", "c", 3, 1)], None, None),
    ],
)
def test_single_threading_counts_strong_contacts_and_their_owners(ours, data, message):
    found = findings(bid(THREE, ours=ours), "single_threaded")
    if data is None:
        assert found == []
        return
    (f,) = found
    assert (f["severity"], f["data"], f["message"]) == ("high", data, message)


def test_single_threading_people_are_the_contacts_then_their_owners():
    (f,) = findings(bid(THREE, ours=[("u2", "a", 3, 1), ("u1", "a", 3, 1)]), "single_threaded")
    assert [p["id"] for p in f["people"]] == ["a", "u1", "u2"]
    (f,) = findings(bid(THREE, ours=[("u2", "a", 3, 1), ("u2", "c", 3, 1)]), "single_threaded")
    assert [p["id"] for p in f["people"]] == ["u2", "a", "c"]
    assert f["action"] == "Bring a second team member into the relationships David Chen holds."


def test_an_empty_buying_centre_is_not_single_threaded():
    assert findings(bid([]), "single_threaded") == []


# -- single_point_of_failure -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "target, high_influence, cut, severity, message",
    [
        (member("x", "郭涛", "decision_maker", 2), 4, "y", "high",
         "If 陈静 (stakeholder) left, we would lose our only path to 郭涛 (stakeholder, decision maker)."),
        (member("x", "郭涛", "influencer", 5), 4, "y", "medium",
         "If 陈静 (stakeholder) left, we would lose our only path to 郭涛 (stakeholder, influencer)."),
        (member("x", "郭涛", "influencer", 4), 4, "y", "medium", None),
        (member("x", "郭涛", "influencer", 3), 4, None, None, None),  # not a key stakeholder
        (member("x", "郭涛", "influencer", 3), 3, "y", "medium", None),
    ],
)
def test_a_single_point_of_failure_is_graded_by_whom_it_cuts_off(target, high_influence, cut, severity, message):
    G = bid([target, member("y", "陈静", "influencer", 3)],
            ours=[("u1", "y", 2, 1), ("u2", "y", 2, 1)], ties=[("KNOWS", "y", "x", 2)])
    found = findings(G, "single_point_of_failure", high_influence=high_influence)
    assert [(f["people"][0]["id"], f["severity"]) for f in found] == ([(cut, severity)] if cut else [])
    if cut:
        assert found[0]["data"] == {"side": "theirs", "cuts": ["x"]}
        assert found[0]["action"] == "Build a second relationship to 郭涛 that does not depend on 陈静."
    if message:
        assert found[0]["message"] == message


def test_one_of_our_people_can_be_the_single_point_of_failure():
    people = [member("dm", "Anna Müller", "decision_maker", 3)]
    (f,) = findings(bid(people, ours=[("u1", "dm", 2, 1)]), "single_point_of_failure")
    assert (f["severity"], f["data"], [p["id"] for p in f["people"]]) == (
        "high", {"side": "ours", "cuts": ["dm"]}, ["u1", "dm"]
    )
    assert f["message"] == (
        "If 李娜 (our Key-account manager) left, we would lose our only path to "
        "Anna Müller (stakeholder, decision maker)."
    )
    (f,) = findings(bid(people, ours=[("u2", "dm", 2, 1)]), "single_point_of_failure")
    assert f["message"].startswith("If David Chen (our team member) left,")
    assert findings(bid(people, ours=[("u1", "dm", 2, 1), ("u2", "dm", 1, 1)]), "single_point_of_failure") == []


@pytest.mark.parametrize(
    "tie",
    [("KNOWS", "y", "x"), ("KNOWS", "x", "y"), ("INFLUENCES", "y", "x"), ("INFLUENCES", "x", "y"),
     ("REPORTS_TO", "x", "y"), ("REPORTS_TO", "y", "x")],
)
def test_any_customer_tie_in_either_direction_is_a_way_in(tie):
    people = [member("a", "Tom Baker", "influencer", 2),  # a non-key member, unreached, listed first
              member("x", "郭涛", "decision_maker", 3), member("y", "陈静", "influencer", title="IT director")]
    G = bid(people, ours=[("u1", "y", 2, 1), ("u2", "y", 2, 1)], ties=[(*tie, None)])
    (f,) = findings(G, "single_point_of_failure")
    assert f["message"] == (
        "If 陈静 (IT director) left, we would lose our only path to 郭涛 (stakeholder, decision maker)."
    )


def test_only_our_active_colleagues_are_ways_in():
    people = [member("dm", "Anna Müller", "decision_maker", 3)]
    assert findings(bid(people, ours=[("u1", "dm", 2, 1), ("u2", "dm", 2, 1)]), "single_point_of_failure") == []
    # a colleague who left, or a competitor, is no second way in
    G = bid(people, ours=[("u1", "dm", 2, 1), ("u2", "dm", 2, 1)], inactive=["u2"])
    assert [f["people"][0]["id"] for f in findings(G, "single_point_of_failure")] == ["u1"]
    G = bid(people, ours=[("u1", "dm", 2, 1)], theirs=[("c1", "dm", 5)])
    assert [f["people"][0]["id"] for f in findings(G, "single_point_of_failure")] == ["u1"]


def test_a_departure_can_make_a_single_point_of_failure():
    people = [member("dm", "Anna Müller", "decision_maker", 3), member("y", "陈静", "influencer"),
              member("z", "赵敏", "influencer")]
    G = bid(people, ours=[("u1", "y", 2, 1), ("u2", "z", 2, 1)], ties=[("KNOWS", "y", "dm", None),
                                                                      ("KNOWS", "z", "dm", None)])
    assert findings(G, "single_point_of_failure") == []
    new = what_if(G, "o1", "z", now=NOW)["new_findings"]
    assert sorted(f["people"][0]["id"] for f in new if f["kind"] == "single_point_of_failure") == ["u1", "y"]


# -- blocker_on_path -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ties, blockers, length",
    [
        ([("REPORTS_TO", "ch", "bl"), ("REPORTS_TO", "bl", "dm")], ["bl"], 2),
        ([("INFLUENCES", "ch", "bl"), ("INFLUENCES", "bl", "dm")], ["bl"], 2),
        ([("KNOWS", "ch", "y"), ("KNOWS", "y", "bl"), ("KNOWS", "bl", "dm")], ["bl"], 3),
        ([("REPORTS_TO", "ch", "dm")], None, None),  # a direct line
        ([("REPORTS_TO", "ch", "bl"), ("REPORTS_TO", "bl", "dm"), ("KNOWS", "ch", "y"), ("KNOWS", "y", "dm")],
         None, None),  # a path of the same length around the blocker
        ([("REPORTS_TO", "ch", "bl"), ("REPORTS_TO", "bl", "dm"), ("KNOWS", "ch", "y"), ("KNOWS", "y", "z"),
          ("KNOWS", "z", "dm")], ["bl"], 2),  # only a longer way around
        ([("INFLUENCES", "dm", "bl"), ("INFLUENCES", "bl", "ch")], None, None),  # influence runs the other way
    ],
)
def test_a_blocker_on_every_shortest_path_from_champion_to_decider_is_high(ties, blockers, length):
    people = [
        member("ch", "韩雪", "champion", 4, "champion"),
        member("dm", "Anna Müller", "decision_maker", 5),
        member("bl", "Paul Wright", "blocker", 3, "neutral"),
        member("y", "陈静", "influencer"),
        member("z", "Tom Baker", "influencer"),
    ]
    found = findings(bid(people, ties=[(t, a, b, None) for t, a, b in ties]), "blocker_on_path")
    if blockers is None:
        assert found == []
        return
    (f,) = found
    assert f["severity"] == "high"
    assert f["data"] == {"role": "decision_maker", "champion": "ch", "blockers": blockers, "path_length": length}
    assert [p["id"] for p in f["people"]] == ["ch", "bl", "dm"]
    assert f["message"] == (
        "Every short path from our champion 韩雪 to the decision maker Anna Müller runs through Paul Wright, "
        "who opposes us."
    )


@pytest.mark.parametrize(
    "middle, account_only, blocks",
    [
        (member("bl", "Paul Wright", "influencer", 2, "opponent"), False, True),  # an opponent, whatever the role
        (member("bl", "Paul Wright", "influencer", 5, "skeptic"), False, False),
        (member("bl", "Paul Wright", None, 3, "opponent"), True, True),  # outside the buying centre
        (member("bl", "Paul Wright", None, 3, "skeptic"), True, False),
    ],
)
def test_who_counts_as_a_blocker_on_the_path(middle, account_only, blocks):
    people = [member("ch", "韩雪", "champion", 4, "champion"), member("dm", "Anna Müller", "decision_maker", 5)]
    G = bid(people + ([] if account_only else [middle]), account_only=[middle] if account_only else [],
            ties=[("REPORTS_TO", "ch", "bl", None), ("REPORTS_TO", "bl", "dm", None)])
    assert (findings(G, "blocker_on_path") != []) is blocks


@pytest.mark.parametrize(
    "first, ties",
    [
        (member("d1", "刘洋", "economic_buyer", 5), []),  # unreachable from the champion
        (member("d1", "刘洋", "economic_buyer", 5), [("REPORTS_TO", "ch", "d1")]),  # a direct line
        (member("d1", "刘洋", "economic_buyer", 5), [("REPORTS_TO", "bl", "d1"), ("KNOWS", "ch", "y"),
                                                    ("KNOWS", "y", "d1")]),  # a way around the blocker
        (None, []),  # the champion is the first decider
    ],
)
def test_every_decider_is_checked_for_a_blocker_on_the_path(first, ties):
    champion = member("ch", "韩雪", "decision_maker" if first is None else "champion", 4, "champion")
    people = [champion, member("zd", "Anna Müller", "decision_maker", 5), member("bl", "Paul Wright", "blocker", 3),
              member("y", "陈静", "influencer"), member("x", "Tom Baker", "influencer"),
              member("op", "孙伟", "influencer", 3, "opponent")] + ([first] if first else [])
    ties = [("REPORTS_TO", "ch", "bl"), ("REPORTS_TO", "bl", "zd"),
            ("KNOWS", "ch", "x"), ("KNOWS", "x", "op"), ("KNOWS", "op", "zd")] + ties  # op: on a longer path only
    (f,) = findings(bid(people, ties=[(t, a, b, None) for t, a, b in ties]), "blocker_on_path")
    assert f["data"] == {"role": "decision_maker", "champion": "ch", "blockers": ["bl"], "path_length": 2}
    assert f["action"] == "Open a direct line from 韩雪 or our team to Anna Müller, or neutralise Paul Wright."


def test_a_blocker_who_leaves_is_no_longer_on_the_path():
    people = [member("ch", "韩雪", "champion", 4, "champion"), member("dm", "Anna Müller", "decision_maker", 5),
              member("bl", "Paul Wright", "influencer", 3, "opponent")]
    G = bid(people, ties=[("REPORTS_TO", "ch", "bl", None), ("REPORTS_TO", "bl", "dm", None)])
    assert severities(G, "blocker_on_path") == ["high"]
    r = what_if(G, "o1", "bl", now=NOW)
    assert [f["kind"] for f in r["resolved_findings"] if f["kind"] == "blocker_on_path"] == ["blocker_on_path"]
    assert [f for f in r["findings_after"] if f["kind"] == "blocker_on_path"] == []


def test_a_decider_from_another_organisation_is_in_the_influence_network():
    people = [member("ch", "韩雪", "champion", 4, "champion"),
              member("dm", "Anna Müller", "decision_maker", 5, account="a2"),  # the design institute's chief
              member("bl", "Paul Wright", "blocker", 3)]
    G = bid(people, ties=[("REPORTS_TO", "ch", "bl", None), ("KNOWS", "bl", "dm", None)])
    assert findings(G, "blocker_on_path")[0]["data"]["blockers"] == ["bl"]


def test_a_departure_is_judged_on_the_same_day_with_the_same_cadence_and_thresholds():
    people = [member("hx", "韩雪", "influencer", 5), member("hy", "陈静", "influencer", 4),
              member("gt", "郭涛", "influencer", 3), member("zz", "Tom Baker", "influencer", 1)]
    ours = [("u1", "hx", 4, 35), ("u1", "hy", 4, 61), ("u2", "gt", 3, 1), ("u1", "zz", 3, 1), ("u2", "zz", 3, 1)]
    kw = {"now": NOW, "cadence": {5: 40}, "strong": 4, "high_influence": 3}
    G = bid(people, ours=ours)
    assert {f["kind"] for f in coverage_gaps(G, "o1", **kw)} >= {
        "stale_relationship", "uncovered_high_influence", "single_threaded"
    }
    # Tom Baker counts for nothing here: his leaving changes nothing
    r = what_if(G, "o1", "zz", **kw)
    assert (r["new_findings"], r["resolved_findings"]) == ([], [])


def test_when_one_of_us_leaves_the_others_relationships_remain():
    G = bid([member("dm", "Anna Müller", "decision_maker", 4)], ours=[("u1", "dm", 2, 1), ("u2", "dm", 4, 1)])
    assert [f for f in what_if(G, "o1", "u1", now=NOW)["new_findings"] if f["kind"] == "no_dm_access"] == []
    new = what_if(G, "o1", "u2", now=NOW)["new_findings"]
    assert [f["data"]["best_strength"] for f in new if f["kind"] == "no_dm_access"] == [2]


@pytest.mark.parametrize(
    "props, stage, value",
    [
        ({"stage": "tender", "value": 2_500_000}, "tender", 2_500_000.0),
        ({}, "lead", 0.0),  # no stage yet: a lead
        ({"value": "TBD"}, "lead", 0.0),  # a value that is no number counts 0
    ],
)
def test_the_opportunity_report_states_the_bid_and_our_relationships(props, stage, value):
    G = bid([member("eb", "王强", "economic_buyer", 5)], ours=[("u1", "eb", 4, 12)], opportunity=props)
    r = opportunity_report(G, "o1", now=NOW)
    assert (r["opportunity"]["stage"], r["opportunity"]["value"]) == (stage, value)
    assert r["opportunity"]["account"] == {"id": "a1", "name": "江州电网"}
    assert r["buying_center"][0]["our_relationships"] == [
        {"id": "u1", "name": "李娜", "strength": 4, "last_contact": "2026-04-19T00:00:00+00:00", "days_since": 12,
         "cadence_days": 30, "stale": False}
    ]


# -- competitor_closer -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, influence, ours, theirs, competitor, bidders, severity",
    [
        ("influencer", 4, 3, 3, "c1", ("c1",), None),  # level: not closer
        ("influencer", 4, 3, 4, "c1", ("c1",), "high"),  # key stakeholder, competitor on the deal
        ("decision_maker", 1, 3, 4, "c1", ("c1",), "high"),  # key by role
        ("influencer", 3, 3, 4, "c1", ("c1",), "medium"),  # on the deal only
        ("influencer", 4, 3, 4, "c2", ("c1",), "medium"),  # key only: c2 does not bid
        ("influencer", 3, 3, 4, "c2", ("c1",), "low"),  # neither
        ("influencer", 3, 3, 4, "c2", (), "medium"),  # no bidder known: every competitor may bid
        ("influencer", 3, 0, 1, "c1", ("c1",), "medium"),  # we have nobody
    ],
)
def test_a_closer_competitor_is_graded_by_stakeholder_and_bid(
    role, influence, ours, theirs, competitor, bidders, severity
):
    G = bid([member("kw", "Klaus Weber", role, influence)], ours=[("u1", "kw", ours, 1)] if ours else [],
            theirs=[(competitor, "kw", theirs)], bidders=bidders)
    found = findings(G, "competitor_closer")
    assert [f["severity"] for f in found] == ([severity] if severity else [])
    if severity:
        (f,) = found
        who = f"Klaus Weber (stakeholder, {role.replace('_', ' ')})"
        name = COMPETITORS[competitor]
        assert f["message"] == (
            f"{name} has a stronger relationship with {who} (strength {theirs}) than we do ({ours or 'none'})."
        )
        assert f["data"] == {"competitor": competitor, "their_strength": theirs, "our_strength": ours, "role": role}
        assert [p["id"] for p in f["people"]] == ["kw", competitor]


def test_the_strongest_competitor_is_named():
    G = bid([member("kw", "Klaus Weber", "influencer", 4)], ours=[("u1", "kw", 2, 1)],
            theirs=[("c1", "kw", 3), ("c2", "kw", 5)], bidders=("c1", "c2"))
    (f,) = findings(G, "competitor_closer")
    assert (f["data"]["competitor"], f["data"]["their_strength"]) == ("c2", 5)


def test_a_closer_competitor_is_key_by_the_callers_high_influence():
    G = bid([member("kw", "Klaus Weber", "influencer", 3)], ours=[("u1", "kw", 2, 1)], theirs=[("c2", "kw", 4)])
    assert severities(G, "competitor_closer") == ["low"]
    assert severities(G, "competitor_closer", high_influence=3) == ["medium"]


def test_a_closer_competitor_we_have_no_relationship_with_says_so():
    G = bid([member("kw", "Klaus Weber", "influencer", 3)], theirs=[("c1", "kw", 2)])
    (f,) = findings(G, "competitor_closer")
    assert f["texts"]["message"]["code"] == "gap.competitor_closer.unknown"
    assert set(f["texts"]["message"]["params"]) == {"competitor", "who", "theirs"}
    assert f["action"] == (
        "Raise our relationship with Klaus Weber: more senior contact, a reference visit, or a workshop."
    )


# == bid readiness =================================================================================


@pytest.mark.parametrize(
    "people, ours, value, evidence, action",
    [
        # eb reached with strength 5 (1.0), no decision maker (0): (1 + 0) / 2
        ([member("eb", "王强", "economic_buyer", 5)], [("u1", "eb", 5, 30)], 0.5,
         ["Economic buyer 王强: best relationship strength 5 (李娜).", "No decision maker identified."],
         "Identify the decision maker."),
        # one day later the relationship is stale: 1.0 x 0.6, below 0.8: a sponsor comes first
        ([member("eb", "王强", "economic_buyer", 5)], [("u1", "eb", 5, 31)], 0.3,
         ["Economic buyer 王强: best relationship strength 5 (李娜), stale.", "No decision maker identified."],
         "Get a senior sponsor in front of 王强 (economic buyer)."),
        # eb 4/5 = 0.8, dm stale 3/5 x 0.6 = 0.36: (0.8 + 0.36) / 2
        ([member("eb", "王强", "economic_buyer", 5), member("dm", "Anna Müller", "decision_maker", 4)],
         [("u1", "eb", 4, 1), ("u2", "dm", 3, 61)], 0.58,
         ["Economic buyer 王强: best relationship strength 4 (李娜).",
          "Decision maker Anna Müller: best relationship strength 3 (David Chen), stale."],
         "Get a senior sponsor in front of Anna Müller (decision maker)."),
        # nobody knows the eb (0), dm 5/5: (0 + 1) / 2
        ([member("eb", "王强", "economic_buyer", 5), member("dm", "Anna Müller", "decision_maker", 4)],
         [("u2", "dm", 5, 1)], 0.5,
         ["Economic buyer 王强: nobody on our team knows them.",
          "Decision maker Anna Müller: best relationship strength 5 (David Chen)."],
         "Get a senior sponsor in front of 王强 (economic buyer)."),
        # the better-reached of two economic buyers counts: (0.8 + 1.0) / 2
        ([member("eb", "王强", "economic_buyer", 5), member("eb2", "刘洋", "economic_buyer", 4),
          member("dm", "Anna Müller", "decision_maker", 4)],
         [("u1", "eb", 2, 1), ("u1", "eb2", 4, 1), ("u2", "dm", 5, 1)], 0.9,
         ["Economic buyer 刘洋: best relationship strength 4 (李娜).",
          "Decision maker Anna Müller: best relationship strength 5 (David Chen)."],
         "Keep the economic buyer engaged."),
        ([member("x", "郭涛", "influencer", 5)], [("u1", "x", 5, 1)], 0.0,
         ["No economic buyer identified.", "No decision maker identified."], "Identify the economic buyer."),
    ],
)
def test_economic_buyer_access_is_the_mean_access_to_the_two_decision_roles(people, ours, value, evidence, action):
    c = component(bid(people, ours=ours), "economic_buyer_access")
    assert (c["value"], c["weight"], c["points"]) == (value, 20, round(20 * value, 2))
    assert (c["evidence"], c["action"]) == (evidence, action)


@pytest.mark.parametrize(
    "people, ours, value, evidence, action",
    [
        # champion: 1 x 5/5 x (0.3 + 0.7 x 1.0)
        ([member("ch", "韩雪", "champion", 5, "champion")], [("u1", "ch", 5, 1)], 1.0,
         "Champion 韩雪: influence 5, best relationship strength 5.", "Coach the champion on our differentiators."),
        # a coach counts half: 0.5 x 5/5 x 1.0
        ([member("co", "韩雪", "coach", 5)], [("u1", "co", 5, 1)], 0.5,
         "Coach 韩雪: influence 5, best relationship strength 5.", "Coach the champion on our differentiators."),
        # a champion by stance, unknown to us: 4/5 x 0.3
        ([member("ch", "韩雪", "influencer", 4, "champion")], [], 0.24,
         "Champion 韩雪: influence 4, best relationship strength 0.", "Strengthen the relationship with 韩雪."),
        # stale strength 3 (0.36): 3/5 x (0.3 + 0.7 x 0.36) = 0.6 x 0.552
        ([member("ch", "韩雪", "champion", 3, "champion")], [("u1", "ch", 3, 91)], 0.3312,
         "Champion 韩雪: influence 3, best relationship strength 3.", "Strengthen the relationship with 韩雪."),
        # well reached (0.8) and influential: 4/5 x (0.3 + 0.56)
        ([member("ch", "韩雪", "champion", 4, "champion")], [("u1", "ch", 4, 1)], 0.688,
         "Champion 韩雪: influence 4, best relationship strength 4.", "Coach the champion on our differentiators."),
        # well reached (0.8) but low influence: 3/5 x (0.3 + 0.56)
        ([member("ch", "韩雪", "champion", 3, "champion")], [("u1", "ch", 4, 1)], 0.516,
         "Champion 韩雪: influence 3, best relationship strength 4.",
         "Ask 韩雪 to introduce a champion with more influence."),
        # champion 2/5 x (0.3 + 0.7 x 0.8) = 0.344 < coach 0.5 x 1 x 1: the coach is the best
        ([member("ch", "韩雪", "champion", 2, "champion"), member("co", "David Chen", "coach", 5)],
         [("u1", "ch", 4, 1), ("u1", "co", 5, 1)], 0.5,
         "Coach David Chen: influence 5, best relationship strength 5.", "Coach the champion on our differentiators."),
        # a coach who champions us counts in full
        ([member("co", "David Chen", "coach", 5, "champion")], [("u1", "co", 5, 1)], 1.0,
         "Champion David Chen: influence 5, best relationship strength 5.",
         "Coach the champion on our differentiators."),
        ([member("eb", "王强", "economic_buyer", 5)], [("u1", "eb", 5, 1)], 0.0,
         "No champion or coach identified.",
         "Develop a champion: a supporter with influence who will sell for us internally."),
    ],
)
def test_champion_strength_is_influence_times_access_and_a_coach_counts_half(people, ours, value, evidence, action):
    c = component(bid(people, ours=ours), "champion_strength")
    assert (c["value"], c["weight"], c["points"]) == (value, 20, round(20 * value, 2))
    assert (c["evidence"], c["action"]) == ([evidence], action)


def _full(strengths: dict, days: int = 1):
    """FULL with ``u1``'s relationship of the given strength to each person in ``strengths``."""
    return [("u1", p, s, days) for p, s in strengths.items()]


@pytest.mark.parametrize(
    "people, ours, value, evidence, action",
    [
        # six roles identified and reached in full
        (FULL, _full({p[0]: 5 for p in FULL}), 1.0, ["6 of 6 key roles identified."],
         "Confirm the decision process and criteria with the champion."),
        # six identified, none reached: 6 x 0.5 / 6
        (FULL, [], 0.5, ["6 of 6 key roles identified.",
                         "Identified but not reached: economic buyer, decision maker, technical buyer, user buyer, "
                         "procurement, champion or coach / informant."], "Reach the economic buyer."),
        # strength 3 (0.6) is reached, strength 2 (0.4) and stale 3 (0.36) are not:
        # (0.8 + 0.7 + 0.68 + 0.8 + 0.8 + 0.8) / 6 = 4.58 / 6
        (FULL, _full({"eb": 3, "dm": 2, "ub": 3, "pr": 3, "ch": 3}) + [("u2", "tb", 3, 91)], 0.7633,
         ["6 of 6 key roles identified.", "Identified but not reached: decision maker, technical buyer."],
         "Reach the decision maker."),
        # procurement missing: 5 x 1.0 / 6
        ([p for p in FULL if p[0] != "pr"], _full({p[0]: 5 for p in FULL if p[0] != "pr"}), 0.8333,
         ["5 of 6 key roles identified.", "Missing: procurement."], "Map the procurement."),
        # only the economic buyer, fully reached: 1.0 / 6
        ([member("eb", "王强", "economic_buyer", 5)], [("u1", "eb", 5, 1)], 0.1667,
         ["1 of 6 key roles identified.",
          "Missing: decision maker, technical buyer, user buyer, procurement, champion or coach / informant."],
         "Map the decision maker."),
        # the champion slot is filled by a coach, or by an influencer who champions us
        ([member("co", "韩雪", "coach")], [("u1", "co", 5, 1)], 0.1667,
         ["1 of 6 key roles identified.",
          "Missing: economic buyer, decision maker, technical buyer, user buyer, procurement."],
         "Map the economic buyer."),
        ([member("ch", "韩雪", "influencer", 3, "champion")], [("u1", "ch", 5, 1)], 0.1667,
         ["1 of 6 key roles identified.",
          "Missing: economic buyer, decision maker, technical buyer, user buyer, procurement."],
         "Map the economic buyer."),
    ],
)
def test_buying_role_coverage_is_half_identified_half_reached(people, ours, value, evidence, action):
    c = component(bid(people, ours=ours), "buying_role_coverage")
    assert (c["value"], c["weight"], c["points"]) == (value, 15, round(15 * value, 2))
    assert (c["evidence"], c["action"]) == (evidence, action)


FIVE = [member(p, name, "influencer") for p, name in [("a", "韩雪"), ("b", "David Chen"), ("c", "赵敏"),
                                                     ("d", "Tom Baker"), ("e", "陈静")]]


@pytest.mark.parametrize(
    "ours, value, evidence, action",
    [
        ([], 0.0, "0 stakeholder(s) with a strong relationship, held by 0 of our people.",
         "Build strong relationships with more stakeholders."),
        ([("u1", p, 2, 1) for p in "abcd"], 0.0,
         "0 stakeholder(s) with a strong relationship, held by 0 of our people.",
         "Build strong relationships with more stakeholders."),
        # 0.6 x 1/4 + 0.4 x 1/2
        ([("u1", "a", 3, 1)], 0.35, "1 stakeholder(s) with a strong relationship, held by 1 of our people (李娜).",
         "Build strong relationships with more stakeholders."),
        # a stale strong relationship still counts as a thread: 0.6 x 3/4 + 0.4 x 1/2
        ([("u1", "a", 3, 1), ("u1", "b", 3, 400), ("u1", "c", 5, None)], 0.65,
         "3 stakeholder(s) with a strong relationship, held by 1 of our people (李娜).",
         "Build strong relationships with more stakeholders."),
        # 0.6 x 4/4 + 0.4 x 1/2
        ([("u1", p, 3, 1) for p in "abcd"], 0.8,
         "4 stakeholder(s) with a strong relationship, held by 1 of our people (李娜).",
         "Bring a second team member into the key relationships."),
        # contacts capped at 4: 0.6 x 1 + 0.4 x 1/2
        ([("u1", p, 4, 1) for p in "abcde"], 0.8,
         "5 stakeholder(s) with a strong relationship, held by 1 of our people (李娜).",
         "Bring a second team member into the key relationships."),
        # contacts capped at 4, owners at 2: 0.6 + 0.4
        ([("u1", p, 4, 1) for p in "abcde"] + [("u2", "a", 3, 1)], 1.0,
         "5 stakeholder(s) with a strong relationship, held by 2 of our people (李娜, David Chen).",
         "Keep several threads alive."),
        # 0.6 x 2/4 + 0.4 x min(3/2, 1)
        ([("u1", "a", 3, 1), ("u2", "b", 3, 1), ("u3", "b", 3, 1)], 0.7,
         "2 stakeholder(s) with a strong relationship, held by 3 of our people (李娜, David Chen, 王磊).",
         "Build strong relationships with more stakeholders."),
    ],
)
def test_multi_threading_counts_strong_contacts_up_to_four_and_owners_up_to_two(ours, value, evidence, action):
    c = component(bid(FIVE, ours=ours), "multi_threading")
    assert (c["value"], c["weight"], c["points"]) == (value, 15, round(15 * value, 2))
    assert (c["evidence"], c["action"]) == ([evidence], action)


@pytest.mark.parametrize(
    "ours, value, fresh, action",
    [
        # influence 5 + 3 + 2 = 10 in all
        ([("u1", "hi", 3, 30), ("u1", "mid", 3, 90), ("u1", "lo", 3, 180)], 1.0, 3, "Keep the cadence."),
        ([("u1", "hi", 3, 31), ("u1", "mid", 3, 90), ("u1", "lo", 3, 180)], 0.5, 2, "Contact 郭涛 this week."),
        ([("u1", "hi", 3, 30), ("u1", "mid", 3, 91), ("u1", "lo", 3, 180)], 0.7, 2, "Contact 陈静 this week."),
        ([("u1", "hi", 3, 30), ("u1", "mid", 3, 90), ("u1", "lo", 3, 181)], 0.8, 2, "Contact Tom Baker this week."),
        ([("u1", "hi", 3, 30), ("u1", "mid", 1, 1)], 0.8, 2, "Contact Tom Baker this week."),  # any fresh tie counts
        ([("u1", "hi", 3, None), ("u1", "mid", 3, 1)], 0.3, 1, "Contact 郭涛 this week."),  # never contacted
        ([("u1", "hi", 3, 400), ("u2", "hi", 1, 2)], 0.5, 1, "Contact 陈静 this week."),
        ([], 0.0, 0, "Contact 郭涛 this week."),
    ],
)
def test_engagement_recency_is_the_influence_weighted_share_contacted_within_cadence(ours, value, fresh, action):
    people = [member("hi", "郭涛", "influencer", 5), member("mid", "陈静", "influencer", 3),
              member("lo", "Tom Baker", "influencer", 2)]
    c = component(bid(people, ours=ours), "engagement_recency")
    assert (c["value"], c["weight"], c["points"]) == (value, 15, round(15 * value, 2))
    assert (c["evidence"], c["action"]) == ([f"{fresh} of 3 stakeholders contacted within their cadence."], action)


def test_engagement_recency_of_an_empty_buying_centre_is_zero():
    assert component(bid([]), "engagement_recency")["value"] == 0.0


@pytest.mark.parametrize(
    "people, ours, theirs, value, evidence, action",
    [
        ([member("a", "韩雪", "influencer", 4)], [("u1", "a", 2, 1)], [], 1.0,
         "No competitor relationships recorded in the buying center.", "Keep watching the competitors."),
        # min(3/4, 1)
        ([member("a", "韩雪", "influencer", 4)], [("u1", "a", 3, 1)], [("c1", "a", 4)], 0.75,
         "Competitors know 1 stakeholder(s); they are closer than us to 1.", "Out-engage the competition with 韩雪."),
        # level: min(4/4, 1)
        ([member("a", "韩雪", "influencer", 4)], [("u1", "a", 4, 1)], [("c2", "a", 4)], 1.0,
         "Competitors know 1 stakeholder(s); they are closer than us to 0.", "Hold our lead over the competitors."),
        # (5 x min(5/1, 1) + 5 x min(1/5, 1)) / 10: our lead with one does not make up for the other
        ([member("a", "韩雪", "influencer", 5), member("b", "Klaus Weber", "influencer", 5)],
         [("u1", "a", 5, 1), ("u1", "b", 1, 1)], [("c1", "a", 1), ("c1", "b", 5)], 0.6,
         "Competitors know 2 stakeholder(s); they are closer than us to 1.",
         "Out-engage the competition with Klaus Weber."),
        # influence-weighted, unknown to us counts 0: (4 x 0 + 1 x min(4/2, 1)) / 5;
        # people no competitor knows are left out
        ([member("a", "韩雪", "influencer", 4), member("b", "Klaus Weber", "influencer", 1),
          member("c", "赵敏", "influencer", 5)],
         [("u1", "b", 4, 1)], [("c1", "a", 3), ("c2", "b", 2)], 0.2,
         "Competitors know 2 stakeholder(s); they are closer than us to 1.", "Out-engage the competition with 韩雪."),
        # the more influential of two we trail comes first: (2 x 0.5 + 3 x 0.5) / 5
        ([member("a", "韩雪", "influencer", 2), member("b", "Klaus Weber", "influencer", 3)],
         [("u1", "a", 2, 1), ("u1", "b", 2, 1)], [("c1", "a", 4), ("c1", "b", 4)], 0.5,
         "Competitors know 2 stakeholder(s); they are closer than us to 2.",
         "Out-engage the competition with Klaus Weber."),
    ],
)
def test_competitive_balance_caps_each_stakeholder_at_one(people, ours, theirs, value, evidence, action):
    c = component(bid(people, ours=ours, theirs=theirs), "competitive_balance")
    assert (c["value"], c["weight"], c["points"]) == (value, 15, round(15 * value, 2))
    assert (c["evidence"], c["action"]) == ([evidence], action)


def test_the_score_is_the_rounded_sum_of_the_weighted_components():
    # 20 x 0.5 + 20 x 0 + 15 x 1/6 + 15 x 0.35 + 15 x 1 + 15 x 1 = 47.75
    G = bid([member("eb", "王强", "economic_buyer", 5)], ours=[("u1", "eb", 5, 1)])
    r = bid_readiness(G, "o1", now=NOW)
    assert [c["points"] for c in r["components"]] == [10.0, 0.0, 2.5, 5.25, 15.0, 15.0]
    assert r["score"] == 48
    assert r["next_best_action"] == "Develop a champion: a supporter with influence who will sell for us internally."
    # other weights: 41 x 0.5 and nothing else = 20.5, rounded half up
    weights = {name: 0 for name in WEIGHTS} | {"economic_buyer_access": 41}
    r = bid_readiness(G, "o1", now=NOW, weights=weights)
    assert [c["points"] for c in r["components"]] == [20.5, 0.0, 0.0, 0.0, 0.0, 0.0] and r["score"] == 21


def test_the_next_best_action_is_the_component_losing_most_points():
    # eb access loses 20 x 0.5 = 10, champion strength 20 x (1 - 0.5) = 10 (tie: the first listed wins),
    # buying-role coverage 15 x (1 - 2/6) = 10
    G = bid([member("eb", "王强", "economic_buyer", 5), member("co", "韩雪", "coach", 5)],
            ours=[("u1", "eb", 5, 1), ("u2", "co", 5, 1)])
    r = bid_readiness(G, "o1", now=NOW)
    assert [c["points"] for c in r["components"]][:3] == [10.0, 10.0, 5.0]
    assert r["next_best_action"] == "Identify the decision maker."
    assert r["texts"]["next_best_action"] == {"code": "ready.identify_role", "params": {"role": "decision_maker"}}


def test_of_equally_strong_champions_the_first_is_named():
    people = [member("b", "赵敏", "champion", 4, "champion"), member("a", "韩雪", "champion", 4, "champion")]
    c = component(bid(people, ours=[("u1", "a", 4, 1), ("u1", "b", 4, 1)]), "champion_strength")
    assert (c["value"], c["evidence"]) == (0.688, ["Champion 韩雪: influence 4, best relationship strength 4."])


def test_readiness_follows_the_callers_cadence_and_strong():
    G = bid([member("eb", "王强", "economic_buyer", 5)], ours=[("u1", "eb", 3, 11)])
    assert component(G, "economic_buyer_access")["value"] == 0.3  # 3/5 fresh, over two roles
    assert component(G, "economic_buyer_access", cadence={5: 10})["value"] == 0.18  # stale: x 0.6
    assert component(G, "multi_threading")["value"] == 0.35
    assert component(G, "multi_threading", strong=4)["value"] == 0.0


def test_readiness_names_the_opportunity_and_keeps_the_messages():
    r = bid_readiness(bid([member("eb", "王强", "economic_buyer", 5)], ours=[("u1", "eb", 5, 1)]), "o1", now=NOW)
    assert r["opportunity"] == {"id": "o1", "name": "Grid upgrade", "label": "Opportunity"}
    c = r["components"][0]
    assert c["texts"]["evidence"] == [
        {"code": "ready.economic_buyer.known", "params": {"name": "王强", "strength": 5, "owner": "李娜"}},
        {"code": "ready.role_missing", "params": {"role": "decision_maker"}},
    ]
    assert c["texts"]["action"] == {"code": "ready.identify_role", "params": {"role": "decision_maker"}}


def test_the_freshest_of_equally_strong_relationships_is_the_evidence():
    G = bid([member("eb", "王强", "economic_buyer", 5)], ours=[("u1", "eb", 4, 31), ("u2", "eb", 4, 1)])
    c = component(G, "economic_buyer_access")
    assert c["evidence"][0] == "Economic buyer 王强: best relationship strength 4 (David Chen)."


def test_a_role_is_reached_from_an_access_of_strong_over_5():
    # at strong 2 a role needs an access of 2/5: a stale strength-3 relationship gives 3/5 x 0.6 = 0.36
    people = [member("tb", "陈静", "technical_buyer")]
    c = component(bid(people, ours=[("u1", "tb", 3, 91)]), "buying_role_coverage", strong=2)
    assert "Identified but not reached: technical buyer." in c["evidence"]
    c = component(bid(people, ours=[("u1", "tb", 2, 1)]), "buying_role_coverage", strong=2)
    assert "Identified but not reached: technical buyer." not in c["evidence"]


# == warm paths ====================================================================================


def _paths(ours, ties=(), *, target="t", influence=3, **kw):
    """Warm paths to 严东 (``t``) as of NOW; the people: 韩雪 ``a``, 陈静 ``b``, 赵敏 ``c``, 严东 ``t``."""
    people = [member("a", "韩雪", "influencer", influence), member("b", "陈静", "influencer", influence),
              member("c", "赵敏", "influencer", influence), member("t", "严东", "influencer", influence)]
    return warm_paths(bid(people, ours=ours, ties=ties), target, now=NOW, **kw)


@pytest.mark.parametrize(
    "ours, ties, score, sentence",
    [
        ([("u1", "t", 5, 1)], [], 1.0, "李娜 (our Key-account manager) → knows → 严东"),
        ([("u2", "t", 3, 1)], [], 0.6, "David Chen (our team) → knows → 严东"),
        # 4/5 x 3/5
        ([("u2", "a", 4, 1)], [("KNOWS", "a", "t", 3)], 0.48, "David Chen (our team) → knows → 韩雪 → knows → 严东"),
        # a tie without a strength counts 3
        ([("u2", "a", 4, 1)], [("KNOWS", "t", "a", None)], 0.48, "David Chen (our team) → knows → 韩雪 → knows → 严东"),
        # REPORTS_TO counts 4, whatever its strength: 4/5 x 4/5
        ([("u2", "a", 4, 1)], [("REPORTS_TO", "a", "t", 1)], 0.64,
         "David Chen (our team) → knows → 韩雪 → reports to → 严东"),
        ([("u2", "a", 4, 1)], [("REPORTS_TO", "t", "a", 5)], 0.64,
         "David Chen (our team) → knows → 韩雪 → manages → 严东"),
        ([("u2", "a", 5, 1)], [("INFLUENCES", "a", "t", 2)], 0.4,
         "David Chen (our team) → knows → 韩雪 → influences → 严东"),
        ([("u2", "a", 5, 1)], [("INFLUENCES", "t", "a", 2)], 0.4,
         "David Chen (our team) → knows → 韩雪 → is influenced by → 严东"),
        # 1 x 4/5 x 3/5
        ([("u2", "a", 5, 1)], [("KNOWS", "a", "b", 4), ("KNOWS", "b", "t", 3)], 0.48,
         "David Chen (our team) → knows → 韩雪 → knows → 陈静 → knows → 严东"),
        # of two ties between the same people, the warmer one: 1 x 5/5
        ([("u2", "a", 5, 1)], [("KNOWS", "a", "t", 2), ("INFLUENCES", "t", "a", 5)], 1.0,
         "David Chen (our team) → knows → 韩雪 → is influenced by → 严东"),
    ],
)
def test_a_warm_path_scores_the_product_of_its_hops_warmth(ours, ties, score, sentence):
    (p,) = _paths(ours, ties, k=1)
    assert (p["score"], p["sentence"], p["hops"], p["rank"]) == (score, sentence, sentence.count("→") // 2, 1)


@pytest.mark.parametrize(
    "influence, days, stale",
    [
        (5, 30, False), (5, 31, True),
        (4, 60, False), (4, 61, True),
        (3, 90, False), (3, 91, True),
        (2, 180, False), (2, 181, True),
        (1, 180, False), (1, 181, True),
        (None, 90, False), (None, 91, True),  # no influence recorded: as influence 3
        (5, None, True),  # never contacted
        (1, None, True),
    ],
)
def test_our_relationship_on_a_warm_path_goes_stale_after_the_cadence_of_whom_it_reaches(influence, days, stale):
    # the first hop, to 韩雪 (influence as given), is 4/5; stale x 0.6; then KNOWS 5/5
    (p,) = _paths([("u1", "a", 4, days)], [("KNOWS", "a", "t", 5)], influence=influence, k=1)
    assert p["steps"][0]["stale"] is stale and "stale" not in p["steps"][1]
    assert p["score"] == (0.48 if stale else 0.8)


def test_a_never_contacted_direct_relationship_is_stale():
    (p,) = _paths([("u1", "t", 5, None)], k=1)
    assert (p["score"], p["steps"][0]["stale"]) == (0.6, True)


def test_the_cadence_of_a_warm_path_can_be_changed():
    (p,) = _paths([("u1", "t", 5, 11)], influence=5, k=1, cadence={5: 10})
    assert (p["score"], p["steps"][0]["stale"]) == (0.6, True)
    (p,) = _paths([("u1", "t", 5, 10)], influence=5, k=1, cadence={5: 10})
    assert (p["score"], p["steps"][0]["stale"]) == (1.0, False)


def test_a_meeting_refreshes_our_relationship_on_a_warm_path():
    people = [member("t", "严东", "influencer", 5)]
    G = bid(people, ours=[("u1", "t", 5, 200)], met=[("u1", "t", 30)])
    assert [p["score"] for p in warm_paths(G, "t", now=NOW)] == [1.0]
    G = bid(people, ours=[("u1", "t", 5, 200)], met=[("u1", "t", 31)])
    assert [p["score"] for p in warm_paths(G, "t", now=NOW)] == [0.6]


def test_warm_paths_rank_by_score_then_by_length():
    # direct 3/5 = 0.6; via 韩雪 5/5 x 3/5 = 0.6 in two hops; via 陈静 4/5 x 5/5 = 0.8
    paths = _paths([("u1", "t", 3, 1), ("u2", "a", 5, 1), ("u3", "b", 4, 1)],
                   [("KNOWS", "a", "t", 3), ("KNOWS", "b", "t", 5)], k=5)
    assert [(p["rank"], p["score"], p["hops"], p["nodes"][0]["id"]) for p in paths] == [
        (1, 0.8, 2, "u3"), (2, 0.6, 1, "u1"), (3, 0.6, 2, "u2")
    ]


@pytest.mark.parametrize(
    "min_strength, max_hops, scores",
    [
        (1, 4, [1.0, 0.4]),
        (2, 4, [1.0, 0.4]),  # at the threshold: kept
        (3, 4, [1.0]),  # the strength-2 relationship is left out
        (5, 4, [1.0]),
        (1, 3, [1.0, 0.4]),  # the three-hop chain at the limit
        (1, 2, [0.4]),  # ... above it
        (3, 2, []),
    ],
)
def test_warm_paths_leave_out_weak_ties_and_long_chains(min_strength, max_hops, scores):
    ours = [("u1", "t", 2, 1), ("u2", "a", 5, 1)]
    ties = [("KNOWS", "a", "b", 5), ("KNOWS", "b", "t", 5)]
    paths = _paths(ours, ties, k=5, min_strength=min_strength, max_hops=max_hops)
    assert [p["score"] for p in paths] == scores


def _chain(length, *, strength=5, first=5):
    """李娜 knows p1, p1 knows p2 ... p(length - 1) knows 严东 ``t``: a path of ``length`` hops."""
    people = [member(f"p{i}", f"P{i}", "influencer") for i in range(1, length)] + [member("t", "严东", "influencer")]
    chain = [f"p{i}" for i in range(1, length)] + ["t"]
    ties = [("KNOWS", a, b, strength) for a, b in zip(chain, chain[1:], strict=False)]
    return bid(people, ours=[("u1", chain[0], first, 1)], ties=ties)


@pytest.mark.parametrize("length, max_hops, found", [(4, None, True), (5, None, False), (5, 5, True), (6, 5, False)])
def test_warm_paths_are_at_most_four_hops_unless_asked(length, max_hops, found):
    kw = {} if max_hops is None else {"max_hops": max_hops}
    paths = warm_paths(_chain(length), "t", now=NOW, **kw)
    assert [p["hops"] for p in paths] == ([length] if found else [])


def test_warm_paths_use_weak_ties_unless_asked_not_to():
    G = _chain(2, strength=1)
    assert [p["score"] for p in warm_paths(G, "t", now=NOW)] == [0.2]
    assert warm_paths(G, "t", now=NOW, min_strength=2) == []


def _fan(n):
    """n of our people each know 严东 directly, with strengths 5, 4, 3 ..."""
    users = {f"v{i}": (f"V{i}", None) for i in range(n)}
    nodes = [("User", {"id": u, "display_name": name}) for u, (name, _) in users.items()]
    nodes.append(("Person", {"id": "t", "name": "严东", "influence": 3}))
    rels = [
        ("RELATIONSHIP", u, "t", {"strength": 5 - i, "last_contact_at": days_before(1)}) for i, u in enumerate(users)
    ]
    return build_graph(nodes, rels, loaded_at=LOADED_AT)


@pytest.mark.parametrize(
    "k, scores",
    [(None, [1.0, 0.8, 0.6]), (1, [1.0]), (4, [1.0, 0.8, 0.6, 0.4]), (9, [1.0, 0.8, 0.6, 0.4, 0.2])],
)
def test_warm_paths_return_the_k_best(k, scores):
    kw = {} if k is None else {"k": k}
    assert [p["score"] for p in warm_paths(_fan(5), "t", now=NOW, **kw)] == scores


def test_a_longer_warmer_path_beats_a_shorter_colder_one():
    # direct 2/5 = 0.4 against 5/5 x 5/5 = 1.0 in two hops
    (p,) = _paths([("u1", "t", 2, 1), ("u2", "a", 5, 1)], [("KNOWS", "a", "t", 5)], k=1)
    assert (p["score"], p["hops"], p["nodes"][0]["id"]) == (1.0, 2, "u2")


def test_a_warm_path_longer_than_max_hops_is_left_out_even_within_reach():
    # 韩雪 and 陈静 both know 严东, so both are within one tie of the target
    paths = _paths([("u1", "a", 5, 1)], [("KNOWS", "a", "b", 5), ("KNOWS", "b", "t", 5), ("KNOWS", "a", "t", 1)],
                   k=3, max_hops=2)
    assert [(p["score"], p["hops"]) for p in paths] == [(0.2, 2)]


@pytest.mark.parametrize("detours, found", [(10, True), (11, False)])
def test_warm_paths_give_up_after_ten_too_long_paths_per_path_wanted(detours, found):
    # 李娜 → 韩雪, then 韩雪 → b_i → 严东 (three hops, all warmth 1) ahead of 韩雪 → 严东 (two hops, 0.2)
    people = [member("a", "韩雪", "influencer"), member("t", "严东", "influencer")]
    people += [member(f"b{i:02}", f"B{i}", "influencer") for i in range(detours)]
    ties = [("KNOWS", "a", "t", 1)]
    for i in range(detours):
        ties += [("KNOWS", "a", f"b{i:02}", 5), ("KNOWS", f"b{i:02}", "t", 5)]
    paths = warm_paths(bid(people, ours=[("u1", "a", 5, 1)], ties=ties), "t", k=1, max_hops=2, now=NOW)
    assert [p["score"] for p in paths] == ([0.2] if found else [])


def test_a_warm_path_spells_out_each_step():
    # 3/5 x 0.6 (stale) x 3/5 x 3/5 x 4/5 = 0.10368
    ties = [("KNOWS", "a", "b", 3), ("KNOWS", "b", "c", 3), ("REPORTS_TO", "c", "t", None)]
    (p,) = _paths([("u1", "a", 3, 400)], ties, k=1, max_hops=4)
    assert p["score"] == 0.1037
    assert p["steps"] == [
        {"from": "u1", "to": "a", "type": "RELATIONSHIP", "verb": "knows", "strength": 3, "stale": True},
        {"from": "a", "to": "b", "type": "KNOWS", "verb": "knows", "strength": 3},
        {"from": "b", "to": "c", "type": "KNOWS", "verb": "knows", "strength": 3},
        {"from": "c", "to": "t", "type": "REPORTS_TO", "verb": "reports to", "strength": 4},
    ]
    assert [n["id"] for n in p["nodes"]] == ["u1", "a", "b", "c", "t"]


@pytest.mark.parametrize(
    "ties, score, verb",
    [
        ([("KNOWS", "a", "t", 5), ("INFLUENCES", "t", "a", 2)], 1.0, "knows"),  # the warmer first
        ([("KNOWS", "a", "t", 3), ("INFLUENCES", "t", "a", 3)], 0.6, "knows"),  # equally warm: the first
        ([("KNOWS", "a", "a", 5), ("KNOWS", "a", "t", 4)], 0.8, "knows"),  # a tie to oneself is ignored
        ([("KNOWS", "a", "a", 5), ("KNOWS", "t", "a", 4)], 0.8, "knows"),
        # a tie left out (too weak) does not end the others
        ([("KNOWS", "a", "x", 1), ("KNOWS", "a", "t", 4), ("KNOWS", "x", "t", 1)], 0.8, "knows"),
    ],
)
def test_of_several_ties_between_two_people_the_warmest_counts(ties, score, verb):
    people = [member("a", "韩雪", "influencer"), member("t", "严东", "influencer"),
              member("x", "Tom Baker", "influencer")]
    paths = warm_paths(bid(people, ours=[("u1", "a", 5, 1)], ties=ties), "t", k=1, max_hops=2, min_strength=2,
                       now=NOW)
    assert [(p["score"], p["steps"][1]["verb"]) for p in paths] == [(score, verb)]


def test_a_tie_outside_reach_does_not_end_the_others():
    # with max_hops 2 only people one tie from 严东 count; 韩雪's tie to Tom Baker (two ties away) comes first
    people = [member("a", "韩雪", "influencer"), member("t", "严东", "influencer"),
              member("x", "Tom Baker", "influencer")]
    G = bid(people, ours=[("u1", "a", 5, 1)], ties=[("KNOWS", "a", "x", 5), ("KNOWS", "a", "t", 4)])
    assert [p["score"] for p in warm_paths(G, "t", k=1, max_hops=2, now=NOW)] == [0.8]


@pytest.mark.parametrize(
    "ours, theirs, inactive, sources, min_strength, starts",
    [
        ([("u1", "t", 4, 1)], [("c1", "t", 5)], (), None, 1, ["u1"]),  # a competitor is no way in
        ([("u1", "t", 5, 1), ("u2", "t", 4, 1)], [], ("u1",), None, 1, ["u2"]),  # nor a colleague who left
        ([("u1", "t", 5, 1), ("u2", "t", 4, 1)], [], (), ["u2"], 1, ["u2"]),
        ([("u1", "t", 1, 1), ("u2", "t", 4, 1)], [], (), None, 2, ["u2"]),
        ([("u1", "t", None, 1)], [], (), None, 3, ["u1"]),  # no strength: 3
        ([("u1", "t", None, 1)], [], (), None, 4, []),
    ],
)
def test_who_of_us_a_warm_path_starts_from(ours, theirs, inactive, sources, min_strength, starts):
    G = bid([member("t", "严东", "influencer")], ours=ours, theirs=theirs, inactive=inactive)
    paths = warm_paths(G, "t", k=5, sources=sources, min_strength=min_strength, now=NOW)
    assert [p["nodes"][0]["id"] for p in paths] == starts


def test_the_opportunity_report_finds_warm_paths_over_weak_ties():
    G = bid([member("eb", "王强", "economic_buyer", 5), member("a", "韩雪", "influencer")],
            ours=[("u1", "a", 5, 1)], ties=[("KNOWS", "a", "eb", 1)])
    (target,) = opportunity_report(G, "o1", now=NOW)["warm_paths"]
    assert target["target"]["id"] == "eb" and [p["score"] for p in target["paths"]] == [0.2]
