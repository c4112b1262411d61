"""The map as it was (graphcrm.asof): a hand-made history written through the
store (every backend); the map as of each moment equals the map rebuilt by
replaying the log from empty; erased people stay erased; bad dates get a
clear message; two maps compared."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from graphcrm.asof import bid_gates, compare_maps, graph_as_of, graphs_as_of, map_of, moment_of, readiness_moves
from graphcrm.cli import main as cli
from graphcrm.errors import ValidationError
from graphcrm.graph import open_store
from graphcrm.graph.nxgraph import build_graph
from graphcrm.transfer.forget import PLACEHOLDER, forget
from graphcrm.users import add_user

from fixtures import PASSWORD, login

ANCIENT = "2000-01-01"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _history(store) -> tuple[str, list[str]]:
    """A bid's pursuit written step by step; the moment after each step."""
    add_user(store, "lina", password="pw-123456789", role="manager", display_name="Lina Wu")
    lina = store.user_by_username("lina")["id"]
    store.create_account({"name": "江州市住建局"}, member_id=lina, id="acc-1")
    moments = []

    def step():
        moments.append(_now())

    wang = store.create_person("acc-1", {"name": "王伟", "stance": "neutral", "influence": 3}, id="p-1")
    store.create_person("acc-1", {"name": "Emily Chen", "title": "CIO", "influence": 5}, id="p-2")
    store.create_opportunity("acc-1", {"name": "智慧工地", "stage": "lead"}, id="opp-1")
    step()
    store.relate("RELATIONSHIP", lina, "p-1", {"strength": 2})
    store.relate("ROLE_IN", "p-1", "opp-1", {"role": "technical_buyer"})
    store.relate("REPORTS_TO", "p-1", "p-2")
    step()
    store.update("Person", "p-1", {"stance": "skeptic"}, version=wang["version"])
    store.create_person("acc-1", {"name": "赵磊", "stance": "champion"}, id="p-3")
    store.relate("ROLE_IN", "p-3", "opp-1", {"role": "coach"})
    store.relate("INFLUENCES", "p-3", "p-2", {"strength": 4})
    store.log_interaction({"kind": "meeting", "channel": "in_person", "at": "2026-05-01T09:00:00+00:00",
                           "summary": "site visit"}, user_ids=[lina], person_ids=["p-1", "p-3"])
    step()
    line = store.get_relationship("RELATIONSHIP", lina, "p-1")
    store.update_relationship("RELATIONSHIP", lina, "p-1", {"strength": 4}, version=line["version"])
    store.update("Opportunity", "opp-1", {"stage": "qualify"}, version=1)
    store.unrelate("REPORTS_TO", "p-1", "p-2")
    step()
    store.delete("Person", "p-3")  # the coach leaves, with their lines
    store.relate("ROLE_IN", "p-2", "opp-1", {"role": "decision_maker"})
    step()
    return lina, moments


def _replayed(entries: list[dict], users: dict) -> dict:
    """The map rebuilt by replaying the log forward from an account without
    anything but our users (whose own entries are not the account's)."""
    nodes = {n: dict(d) for n, d in users.items()}
    lines: dict[tuple, dict] = {}
    implied = {"account_id": "WORKS_AT", "member_id": "MEMBER_OF"}
    for entry in entries:
        after = json.loads(entry.get("after") or "{}")
        target, action = entry["target_id"], entry["action"]
        if entry["target_label"] == "Interaction":
            for user_id in after.get("user_ids") or ():
                for person_id in after.get("person_ids") or ():
                    line = lines.setdefault((user_id, person_id, "RELATIONSHIP"), {"strength": 1})
                    line["last_contact_at"] = max(line.get("last_contact_at") or "", after["at"])
        elif "->" in target:
            start, end = target.split("->")
            key = (start, end, entry["target_label"])
            if action == "unrelate":
                lines.pop(key)
            elif action == "relate":
                lines[key] = dict(after)
            else:
                lines[key].update(after)
        elif action == "create":
            nodes[target] = {"label": entry["target_label"], **after}
            for field, rel_type in implied.items():
                if field in after:
                    start, end = (after[field], target) if field == "member_id" else (target, after[field])
                    rel = "FOR" if entry["target_label"] == "Opportunity" else rel_type
                    lines[(start, end, rel)] = {}
        elif action == "update":
            nodes[target].update(after)
        elif action == "delete":
            del nodes[target]
            lines = {k: v for k, v in lines.items() if target not in k[:2]}
    rels = [(k[2], k[0], k[1], v) for k, v in lines.items()]
    return map_of(build_graph([(d.pop("label"), {"id": n, **d}) for n, d in nodes.items()], rels))


def test_the_map_as_it_was_equals_the_map_rebuilt_from_the_log(any_store):
    lina, moments = _history(any_store)
    G = any_store.account_graph("acc-1")
    everything = any_store.account_history("acc-1", ANCIENT)["entries"]
    users = {lina: {"label": "User", **{k: G.nodes[lina][k] for k in ("display_name", "role")}}}
    for moment in moments:
        since = any_store.account_history("acc-1", moment)["entries"]
        as_of = graph_as_of(G, since, moment)
        assert map_of(as_of) == _replayed([e for e in everything if e["at"] < moment], users), moment
    assert map_of(graph_as_of(G, [], _now())) == map_of(G) | {"nodes": {
        n: d for n, d in map_of(G)["nodes"].items() if d["label"] != "Interaction"}}


def test_known_answers_at_each_step(any_store):
    lina, moments = _history(any_store)
    G = any_store.account_graph("acc-1")
    entries = any_store.account_history("acc-1", moments[0])["entries"]
    graphs = graphs_as_of(G, entries, moments)
    first, third, fourth = graphs[moments[0]], graphs[moments[2]], graphs[moments[3]]
    assert not first.has_edge(lina, "p-1") and first.has_edge("p-1", "opp-1") is False
    assert first.nodes["p-1"]["stance"] == "neutral" and "p-3" not in first
    assert third.nodes["p-3"]["name"] == "赵磊" and third.has_edge("p-3", "p-2", "INFLUENCES")
    assert third["p-3"]["opp-1"]["ROLE_IN"]["role"] == "coach"
    assert third[lina]["p-1"]["RELATIONSHIP"]["last_contact_at"] == "2026-05-01T09:00:00+00:00"
    assert "last_contact_at" not in graphs[moments[1]][lina]["p-1"]["RELATIONSHIP"]  # before the meeting
    assert not graphs[moments[1]].has_edge(lina, "p-3")  # the meeting made that line
    assert fourth[lina]["p-1"]["RELATIONSHIP"]["strength"] == 4 and "p-3" in fourth
    assert third.graph["loaded_at"] == moments[2]
    diff = compare_maps(first, G)
    assert [p["name"] for p in diff["people"]["changed"]] == ["王伟"]
    assert ("王伟", "REPORTS_TO", "Emily Chen") not in {(x["start_name"], x["type"], x["end_name"])
                                                        for x in diff["lines"]["added"]}
    assert {(x["start_name"], x["type"]) for x in diff["lines"]["added"]} >= {
        ("Lina Wu", "RELATIONSHIP"), ("王伟", "ROLE_IN"), ("Emily Chen", "ROLE_IN")}
    gone = compare_maps(third, G)
    assert [p["name"] for p in gone["people"]["removed"]] == ["赵磊"]


def test_an_erased_person_stays_erased_on_every_date(any_store):
    lina, moments = _history(any_store)
    forget(any_store, "p-1", by="admin")
    G = any_store.account_graph("acc-1")
    entries = any_store.account_history("acc-1", moments[0])["entries"]
    for moment, H in graphs_as_of(G, entries, moments).items():
        assert H.nodes["p-1"]["name"] == PLACEHOLDER, moment
        assert "王伟" not in json.dumps(map_of(H)["nodes"], ensure_ascii=False)


@pytest.mark.parametrize(("text", "words"), [
    ("2026-13-01", "must be a date like 2026-05-01"),
    ("last week", "must be a date like 2026-05-01"),
    ("", "must be a date like 2026-05-01"),
    ("2026-07-01", "2026-07-01 is in the future"),
    ("2026-01-09", "nothing to show on 2026-01-09: it was added on 2026-01-10"),
])
def test_a_bad_date_is_named(text, words):
    with pytest.raises(ValidationError, match="as_of") as caught:
        moment_of(text, today=date(2026, 6, 1), first="2026-01-10T08:00:00+00:00")
    assert words in caught.value.message


def test_the_day_the_account_was_added_and_today_are_fine():
    assert moment_of("2026-01-10", today=date(2026, 6, 1), first="2026-01-10T08:00:00+00:00") == \
        "2026-01-11T00:00:00+00:00"
    assert moment_of("2026-06-01", today=date(2026, 6, 1), first=None) == "2026-06-02T00:00:00+00:00"


# -- the command line ------------------------------------------------------------------------


def test_the_command_analyses_the_map_as_of_a_date_and_names_a_bad_one(runner):
    with open_store(runner.settings) as store:
        _history(store)
    today = date.today()
    now = json.loads(runner.invoke(cli, ["analyze", "opportunity", "opp-1", "--json"]).output)
    then = runner.invoke(cli, ["analyze", "opportunity", "opp-1", "--as-of", today.isoformat(), "--json"])
    assert then.exit_code == 0, then.output
    assert json.loads(then.output)["readiness"]["score"] == now["readiness"]["score"]
    account = runner.invoke(cli, ["analyze", "account", "acc-1", "--as-of", today.isoformat()])
    assert account.exit_code == 0 and "江州市住建局" in account.output
    for day, words in ((today - timedelta(days=1), "nothing to show on"), (today + timedelta(days=1), "future"),
                       ("2026-02-30", "must be a date like")):
        refused = runner.invoke(cli, ["analyze", "opportunity", "opp-1", "--as-of", str(day)])
        assert refused.exit_code == 1 and "--as-of" in refused.output and words in refused.output
    assert runner.invoke(cli, ["analyze", "portfolio", "--as-of", str(today)]).exit_code == 2
    assert runner.invoke(cli, ["analyze", "opportunity", "nope", "--as-of", str(today)]).exit_code == 1


def test_the_command_lists_the_changes_of_a_bid_or_a_person(runner):
    with open_store(runner.settings) as store:
        _history(store)
    bid = json.loads(runner.invoke(cli, ["history", "opportunity", "opp-1", "--json"]).output)
    assert {c["params"].get("subject") for c in bid if c["code"] == "role.added"} == {"王伟", "赵磊", "Emily Chen"}
    person = runner.invoke(cli, ["history", "person", "p-1"])
    assert "王伟: stance Neutral → Skeptic" in person.output and "Emily Chen joined" not in person.output
    assert runner.invoke(cli, ["history", "person", "p-nobody"]).exit_code == 1


def test_each_gate_of_a_bid_keeps_its_buying_center_and_readiness_of_then(any_store):
    lina, moments = _history(any_store)
    G = any_store.account_graph("acc-1")
    gates = bid_gates(G, any_store.account_history("acc-1", ANCIENT)["entries"], "opp-1")
    assert [(g["from_stage"], g["stage"]) for g in gates] == [(None, "lead"), ("lead", "qualify")]
    assert gates[0]["buying_center"] == []
    assert [(m["name"], m["role"]) for m in gates[1]["buying_center"]] == [("王伟", "technical_buyer"),
                                                                           ("赵磊", "coach")]
    assert gates[1]["readiness"]["score"] > gates[0]["readiness"]["score"]
    moves = readiness_moves(gates[0]["readiness"], gates[1]["readiness"])
    assert moves["change"] == gates[1]["readiness"]["score"] - gates[0]["readiness"]["score"]
    assert moves["components"] and all(m["after"] != m["before"] for m in moves["components"])
    assert {g["kind"] for g in gates[0]["gaps"]} >= {"empty_buying_center"}


# -- the pages --------------------------------------------------------------------------------


def _water_board(store) -> None:
    """An account with a past, restored as a backup would be: added on 2 January,
    王伟 turned skeptic and became the decision maker on 1 March, the bid moved
    to qualify on 2 March.  Lina is on its team and last met 王伟 on 10 February."""
    lina = store.user_by_username("lina")["id"]
    stamp = {"version": 1, "updated_at": "2026-03-02T09:00:00+00:00"}
    store.restore_backup(
        {"Account": [{"id": "acc-water", "name": "江州水务集团", "created_at": "2026-01-02T08:00:00+00:00", **stamp}],
         "Person": [{"id": "p-wang", "name": "王伟", "stance": "skeptic", "influence": 4,
                     "created_at": "2026-01-02T09:00:00+00:00", **stamp}],
         "Opportunity": [{"id": "opp-water", "name": "智慧水务", "stage": "qualify",
                          "created_at": "2026-01-02T10:00:00+00:00", **stamp}]},
        {"Person:WORKS_AT:Account": [{"start": "p-wang", "end": "acc-water", "props": dict(stamp)}],
         "User:MEMBER_OF:Account": [{"start": lina, "end": "acc-water", "props": dict(stamp)}],
         "Opportunity:FOR:Account": [{"start": "opp-water", "end": "acc-water", "props": dict(stamp)}],
         "Person:ROLE_IN:Opportunity": [{"start": "p-wang", "end": "opp-water",
                                         "props": {"role": "decision_maker", **stamp}}],
         "User:RELATIONSHIP:Person": [{"start": lina, "end": "p-wang", "props": {
             "strength": 4, "last_contact_at": "2026-02-10T09:00:00+00:00", **stamp}}]},
        [{"id": f"audit-water-{n}", "at": at, "actor": "lina", "via": "web", "action": action,
          "target_label": label, "target_id": target, **{k: json.dumps(v) for k, v in values.items()}}
         for n, (at, action, label, target, values) in enumerate([
             ("2026-01-02T08:00:00+00:00", "create", "Account", "acc-water", {"after": {"name": "江州水务集团"}}),
             ("2026-01-02T09:00:00+00:00", "create", "Person", "p-wang",
              {"after": {"name": "王伟", "stance": "neutral", "influence": 4, "account_id": "acc-water"}}),
             ("2026-01-02T10:00:00+00:00", "create", "Opportunity", "opp-water",
              {"after": {"name": "智慧水务", "stage": "lead", "account_id": "acc-water"}}),
             ("2026-03-01T09:00:00+00:00", "update", "Person", "p-wang",
              {"before": {"stance": "neutral"}, "after": {"stance": "skeptic"}}),
             ("2026-03-01T09:30:00+00:00", "relate", "ROLE_IN", "p-wang->opp-water",
              {"after": {"role": "decision_maker"}}),
             ("2026-03-02T09:00:00+00:00", "update", "Opportunity", "opp-water",
              {"before": {"stage": "lead"}, "after": {"stage": "qualify"}})])],
        undo=False)


def _network(page: str) -> dict:
    return json.loads(page.split('<script type="application/json" id="network-data">')[1].split("</script>")[0])


def test_the_account_map_as_it_was_and_compared_with_today(client, auth, app_store):
    _water_board(app_store)
    auth.login("lina")
    then = client.get("/accounts/acc-water/as-of?date=2026-02-01")
    assert then.status_code == 200
    wang = next(n for n in _network(then.get_data(as_text=True))["nodes"] if n["id"] == "p-wang")
    assert wang["stance"] == "neutral"
    today = date.today().isoformat()
    compared = client.get(f"/accounts/acc-water/as-of?date=2026-02-01&compare={today}").get_data(as_text=True)
    wang = next(n for n in _network(compared)["nodes"] if n["id"] == "p-wang")
    assert wang["stance"] == "skeptic" and wang["change"] == "changed"
    assert "stance Neutral → Skeptic" in compared
    client.get("/lang/zh")
    assert "立场 中立 → 怀疑者" in client.get(f"/accounts/acc-water/as-of?date=2026-02-01&compare={today}").get_data(
        as_text=True)
    client.get("/lang/en")


def test_the_power_map_as_it_was_with_readiness_and_gaps_then(client, auth, app_store):
    _water_board(app_store)
    auth.login("lina")
    before = client.get("/opportunities/opp-water/as-of?date=2026-02-01").get_data(as_text=True)
    assert _network(before)["nodes"] == [] and "Nobody in the buying center" in before
    compared = client.get("/opportunities/opp-water/as-of?date=2026-02-01&compare=2026-03-05").get_data(as_text=True)
    assert [n["id"] for n in _network(compared)["nodes"]] == ["p-wang"]
    assert "王伟 has a role in 智慧水务" in compared and "since 2026-02-01" in compared


@pytest.mark.parametrize(("query", "words"), [
    ("date=2026-02-30", "must be a date like 2026-05-01"),
    ("date=2026-01-01", "nothing to show on 2026-01-01: it was added on 2026-01-02"),
    ("date=2999-01-01", "2999-01-01 is in the future"),
    ("date=2026-02-01&compare=soon", "must be a date like 2026-05-01"),
])
def test_a_bad_date_is_a_clear_400(client, auth, app_store, query, words):
    _water_board(app_store)
    auth.login("lina")
    for path in ("/accounts/acc-water/as-of", "/opportunities/opp-water/as-of"):
        page = client.get(f"{path}?{query}")
        assert page.status_code == 400 and words in page.get_data(as_text=True), path


def test_whoever_may_not_see_the_record_gets_404(client, app_store):
    _water_board(app_store)
    login(client, "omar", PASSWORD)
    assert client.get("/accounts/acc-water/as-of?date=2026-02-01").status_code == 404
    assert client.get("/opportunities/opp-water/as-of?date=2026-02-01").status_code == 404
    assert client.get("/accounts/nope/as-of").status_code == 404


def test_the_bid_page_shows_readiness_at_each_gate(client, auth, app_store):
    _water_board(app_store)
    auth.login("lina")
    page = client.get("/opportunities/opp-water").get_data(as_text=True)
    points = json.loads(page.split('<script type="application/json" id="gates-chart-data">')[1].split("</script>")[0])
    assert [(p["day"], p["stage"]) for p in points] == [("2026-01-02", "Lead"), ("2026-03-02", "Qualify")]
    assert points[1]["score"] > points[0]["score"]
    assert "/opportunities/opp-water/as-of?date=2026-03-02" in page
    assert "/opportunities/opp-water/changes?since=2026-03-02" in page
    client.get("/lang/zh")
    assert "投标准备度变化" in client.get("/opportunities/opp-water").get_data(as_text=True)
    client.get("/lang/en")


# -- changes since, finished -------------------------------------------------------------------


def test_the_changes_start_from_the_previous_visit_and_say_what_moved_and_went_stale(client, auth, app_store):
    _water_board(app_store)
    auth.login("lina")
    with client.session_transaction() as session:
        session["visits"] = {"opp-water": ["2026-02-01", "2026-02-20"]}
    client.get("/opportunities/opp-water")  # today's visit: 20 February becomes the visit before
    page = client.get("/opportunities/opp-water/changes").get_data(as_text=True)
    assert 'aria-current="true">My last visit (2026-02-20)</a>' in page
    assert "智慧水务: stage Lead → Qualify" in page and "王伟 joined the buying center" in page
    moves = page.split('class="card since-readiness"')[1].split("</section>")[0]
    assert "智慧水务</a>: 0 → " in moves and "Economic buyer access +" in moves
    stale = page.split('class="card since-stale"')[1].split("</section>")[0]
    assert "lina and 王伟: last contact 2026-02-10, every 60 days expected" in stale
    assert "Gate: Qualify (2026-03-02)" in page and "/opportunities/opp-water/changes?since=2026-03-02" in page
    later = client.get("/opportunities/opp-water/changes?since=2026-03-05").get_data(as_text=True)
    assert "since-readiness" in later and "Qualify" not in later.split("<tbody>")[1]


def test_without_a_visit_the_changes_start_a_week_ago_with_the_presets(client, auth, app_store):
    _water_board(app_store)
    auth.login("lina")
    page = client.get("/accounts/acc-water/changes").get_data(as_text=True)
    week = (date.today() - timedelta(days=7)).isoformat()
    assert 'aria-current="true">Last week</a>' in page and f"since={week}" in page
    assert "Last review (two weeks)" in page and "Gate:" not in page
    client.get("/lang/zh")
    assert "上次评审（两周）" in client.get("/accounts/acc-water/changes").get_data(as_text=True)
    client.get("/lang/en")


def test_the_store_counts_the_changes_of_each_account_since_a_date(any_store):
    any_store.create_account({"name": "Quiet Corp"}, id="acc-quiet")  # before the moments: no change since
    lina, moments = _history(any_store)
    assert any_store.changed_accounts(moments[2]) == {"acc-1": len(
        any_store.account_history("acc-1", moments[2])["entries"]) - 1}  # the deleted coach's entry: not counted
    assert any_store.changed_accounts("2999-01-01") == {}


def test_the_director_sees_which_accounts_changed_since_the_last_visit(client, auth, app_store):
    _water_board(app_store)
    wang = app_store.get("Person", "p-wang")
    app_store.update("Person", "p-wang", {"title": "总工程师"}, version=wang["version"])
    auth.login("director")
    with client.session_transaction() as session:
        session["visits"] = {"dashboard.index": [None, "2026-02-25"]}  # long ago: 30 days back at most
    page = client.get("/").get_data(as_text=True)
    section = page.split('id="changes-since"')[1].split("</section>")[0]
    since = (date.today() - timedelta(days=30)).isoformat()
    assert f"Changes since {since}" in section
    assert f'/accounts/acc-water/changes?since={since}">江州水务集团</a>' in section


def test_after_a_merge_the_changes_still_show_and_the_map_before_it_is_refused(client, auth, app_store):
    _water_board(app_store)
    twin = app_store.create_person("acc-water", {"name": "王伟 (2)"}, id="p-twin")
    app_store.merge_people("p-wang", "p-twin", keep_version=app_store.get("Person", "p-wang")["version"],
                           drop_version=twin["version"])
    auth.login("lina")
    page = client.get("/accounts/acc-water/changes?since=2026-02-01")
    assert page.status_code == 200 and "Two records were merged on" in page.get_data(as_text=True)
    refused = client.get("/accounts/acc-water/as-of?date=2026-02-01")
    assert refused.status_code == 400 and "two records were merged on" in refused.get_data(as_text=True)