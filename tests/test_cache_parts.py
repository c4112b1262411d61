"""The portfolio report from per-account parts (ReportCache, graphcrm/analysis/parts.py) equals the report from
the whole portfolio graph, after any sequence of writes, on every store."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphcrm.analysis import portfolio_report
from graphcrm.analysis.parts import account_part, portfolio_from_parts, scope_of
from graphcrm.cache import ReportCache
from graphcrm.demo import load_demo
from graphcrm.errors import GraphCRMError

NOW = "2026-06-01T08:00:00+00:00"
ACCOUNTS = ["a-metro", "a-metro-ops", "a-hospital"]
PEOPLE = {  # person -> account: the metro group, its operations company (PART_OF) and a hospital
    "p-wang": "a-metro", "p-li": "a-metro", "p-emma": "a-metro",
    "p-zhao": "a-metro-ops", "p-chen": "a-metro-ops",
    "p-liu": "a-hospital", "p-james": "a-hospital",
}
USERS = ["u-lina", "u-zhangwei"]
OPPORTUNITIES = {"o-line2": "a-metro", "o-signal": "a-metro-ops", "o-ward": "a-hospital"}


def _portfolio(store) -> None:
    """Three accounts whose analysis reaches into each other: a buying center
    with a stakeholder of another account, ties and levers across accounts,
    feedback given by people of two accounts with its follow-up."""
    store.create("User", {"username": "li.na", "display_name": "李娜 Li Na", "role": "manager"}, id="u-lina")
    store.create("User", {"username": "zhang.wei", "display_name": "张伟 Zhang Wei", "role": "manager"},
                 id="u-zhangwei")
    names = {"a-metro": "滨海地铁集团 Binhai Metro Group", "a-metro-ops": "滨海地铁运营 Metro Operations",
             "a-hospital": "市第一医院 First City Hospital"}
    for a, name in names.items():
        store.create_account({"name": name, "tier": "service", "annual_value": 2e6, "potential_value": 9e6}, id=a)
    store.relate("PART_OF", "a-metro-ops", "a-metro")
    titles = {"p-wang": ("王强", "总经理", 5), "p-li": ("李静", "采购部长", 4), "p-emma": ("Emma Wu", "IT lead", 3),
              "p-zhao": ("赵敏", "运营总监", 4), "p-chen": ("陈涛", "信号工程师", 2), "p-liu": ("刘洋", "院长", 5),
              "p-james": ("James Xu", "CIO", 3)}
    for p, (name, title, influence) in titles.items():
        store.create_person(PEOPLE[p], {"name": name, "title": title, "department": title[-2:],
                                        "influence": influence}, id=p)
    for o, a in OPPORTUNITIES.items():
        store.create_opportunity(a, {"name": o[2:].title(), "stage": "tender", "value": 5e6,
                                     "close_date": "2026-07-15"}, id=o)
    store.relate("ROLE_IN", "p-wang", "o-line2", {"role": "economic_buyer"})
    store.relate("ROLE_IN", "p-zhao", "o-line2", {"role": "influencer"})  # of the operations company
    store.relate("ROLE_IN", "p-chen", "o-signal", {"role": "technical_buyer"})
    store.relate("INFLUENCES", "p-liu", "p-wang", {"strength": 4})  # a lever at the hospital
    store.relate("KNOWS", "p-emma", "p-james", {"strength": 3})
    store.relate("RELATIONSHIP", "u-lina", "p-zhao", {"strength": 4, "last_contact_at": "2026-03-01T09:00:00+00:00"})
    store.relate("RELATIONSHIP", "u-zhangwei", "p-liu", {"strength": 3})
    store.relate("MEMBER_OF", "u-lina", "a-metro")
    store.log_interaction({"kind": "feedback", "channel": "in_person", "at": "2026-05-20T10:00:00+00:00",
                           "summary": "信号系统故障投诉 complaint about signal faults", "satisfaction": 4},
                          user_ids=["u-lina"], person_ids=["p-chen", "p-li"])


_person = st.sampled_from(sorted(PEOPLE))
_opportunity = st.sampled_from(sorted(OPPORTUNITIES))
_user = st.sampled_from(USERS)
_write = st.one_of(
    st.tuples(st.just("tie"), st.sampled_from(["KNOWS", "INFLUENCES", "REPORTS_TO"]), _person, _person,
              st.integers(1, 5)),
    st.tuples(st.just("role"), _person, _opportunity,
              st.sampled_from(["decision_maker", "economic_buyer", "champion", "blocker", "coach"])),
    st.tuples(st.just("ours"), _user, _person, st.integers(1, 5), st.integers(0, 200)),
    st.tuples(st.just("person"), _person, st.integers(1, 5), st.sampled_from(["champion", "neutral", "opponent"]),
              st.sampled_from([None, "evaluation_committee"])),
    st.tuples(st.just("stage"), _opportunity, st.sampled_from(["qualify", "tender", "evaluation", "won", "lost"])),
    st.tuples(st.just("feedback"), _user, st.lists(_person, min_size=1, max_size=2, unique=True),
              st.integers(0, 10)),
    st.tuples(st.just("works"), _person, st.sampled_from(ACCOUNTS)),
    st.tuples(st.just("member"), _user, st.sampled_from([*ACCOUNTS, *OPPORTUNITIES])),
    st.tuples(st.just("new person"), st.sampled_from(ACCOUNTS), st.integers(1, 5)),
    st.tuples(st.just("active"), _user, st.booleans()),
)


def _toggle(store, rel_type: str, start: str, end: str, props: dict | None = None) -> None:
    try:
        store.get_relationship(rel_type, start, end)
    except GraphCRMError:
        store.relate(rel_type, start, end, props)
    else:
        store.unrelate(rel_type, start, end)


def _apply(store, write: tuple, step: int) -> None:
    kind, *args = write
    if kind == "tie":
        rel_type, p, q, strength = args
        _toggle(store, rel_type, p, q, None if rel_type == "REPORTS_TO" else {"strength": strength})
    elif kind == "role":
        p, o, role = args
        _toggle(store, "ROLE_IN", p, o, {"role": role})
    elif kind == "ours":
        u, p, strength, days = args
        contact = f"2026-{1 + days % 5:02d}-{1 + days % 28:02d}T09:00:00+00:00"
        store.relate("RELATIONSHIP", u, p, {"strength": strength, "last_contact_at": contact})
    elif kind in ("person", "stage", "active"):
        label, node_id = {"person": "Person", "stage": "Opportunity", "active": "User"}[kind], args[0]
        changes = {"person": lambda: {"influence": args[1], "stance": args[2], "compliance_role": args[3]},
                   "stage": lambda: {"stage": args[1]},
                   "active": lambda: {"active": args[1]}}[kind]()
        store.update(label, node_id, changes, version=store.get(label, node_id)["version"])
    elif kind == "feedback":
        u, people, score = args
        store.log_interaction({"kind": "feedback", "channel": "phone", "summary": f"回访 follow-up call {step}",
                               "at": f"2026-05-{10 + step % 18:02d}T10:00:00+00:00", "satisfaction": score},
                              user_ids=[u], person_ids=people)
    elif kind == "works":
        p, a = args
        if a != PEOPLE[p]:  # a second employer; the first stays
            _toggle(store, "WORKS_AT", p, a)
    elif kind == "member":
        _toggle(store, "MEMBER_OF", *args)
    else:
        a, influence = args
        store.create_person(a, {"name": f"孙磊 Sun Lei {step}", "title": "经理", "influence": influence})


def _same(incremental: dict, store) -> None:
    full = portfolio_report(store.portfolio_graph(for_analysis=True), now=NOW)
    assert json.loads(json.dumps(incremental)) == json.loads(json.dumps(full))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(writes=st.lists(_write, min_size=1, max_size=8))
def test_the_report_from_parts_equals_the_report_from_the_whole_graph_after_any_writes(any_store, writes):
    if any_store.backend_name == "neo4j":  # a real server: a few examples, each of several writes
        writes = writes[:4]
    any_store.clear()
    _portfolio(any_store)
    cache = ReportCache(any_store, now=lambda: NOW, batch=2)  # three accounts: two in one graph, then one
    _same(cache.portfolio_report(), any_store)
    for step, write in enumerate(writes):
        try:
            _apply(any_store, write, step)
        except GraphCRMError:
            continue  # refused (a reports-to cycle, a second manager...): nothing written
        _same(cache.portfolio_report(), any_store)
    # another process (or this one after a restart) takes the saved parts over
    restarted = ReportCache(any_store, now=lambda: NOW)
    _same(restarted.portfolio_report(), any_store)
    assert restarted._parts and all(part.value for part in restarted._parts.values())
    G = any_store.analysis_graph(ACCOUNTS)  # each account's scope in a graph of all is what is loaded for it
    assert all(scope_of(G, a) == set(any_store.analysis_graph([a])) for a in ACCOUNTS)
    any_store.forget_results()
    assert any_store.saved_results(["part:a-metro"]) == [None]
    _same(ReportCache(any_store, now=lambda: NOW).portfolio_report(), any_store)  # computed again


def test_a_write_recomputes_only_the_parts_of_accounts_it_reaches(any_store):
    _portfolio(any_store)
    cache = ReportCache(any_store, now=lambda: NOW, batch=2)  # the first two accounts computed in one graph
    cache.portfolio_report()

    def recomputed_after(label: str, node_id: str, changes: dict) -> list[str]:
        before = dict(cache._parts)
        any_store.update(label, node_id, changes, version=any_store.get(label, node_id)["version"])
        cache.portfolio_report()
        return sorted(a for a, part in cache._parts.items() if part is not before[a])

    # the hospital's own part, and the metro group's: 刘洋 at the hospital sways 王强 there
    assert recomputed_after("Person", "p-james", {"title": "首席信息官 CIO"}) == ["a-hospital", "a-metro"]
    # 赵敏 works at the operations company and sits in the metro group's Line 2 buying center
    assert recomputed_after("Person", "p-zhao", {"influence": 5}) == ["a-metro", "a-metro-ops"]
    # the hospital's analysis reads nothing of the metro group's
    assert recomputed_after("Person", "p-emma", {"title": "IT 总监"}) == ["a-metro", "a-metro-ops"]


def test_parts_of_the_demo_portfolio_sum_up_to_its_report(any_store):
    load_demo(any_store)
    ids = any_store.account_ids()
    one_by_one = [account_part(any_store.analysis_graph([a]), a, now=NOW) for a in ids]
    G = any_store.analysis_graph(ids)
    # an account's scope in the graph of all is what the store loads for it alone
    assert all(scope_of(G, a) == set(any_store.analysis_graph([a])) for a in ids)
    in_one_graph = [account_part(G, a, now=NOW) for a in ids]
    full = json.loads(json.dumps(portfolio_report(any_store.portfolio_graph(for_analysis=True), now=NOW)))
    assert json.loads(json.dumps(portfolio_from_parts(one_by_one))) == full
    assert json.loads(json.dumps(portfolio_from_parts(in_one_graph))) == full
