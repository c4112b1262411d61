"""Every sentence the analysis writes is a message of the catalog (code and
parameters), its English is the sentence, and every template of the catalog
has a Chinese translation with the same placeholders."""

from __future__ import annotations

import re
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from graphcrm.analysis import (
    account_report,
    opportunity_report,
    portfolio_report,
    stakeholder_satisfaction,
    stance_outlook,
    what_if,
)
from graphcrm.analysis.messages import CATALOG, render, say
from graphcrm.demo import demo_portfolio
from graphcrm.graph.nxgraph import build_graph

from deals import base_deal

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from synthetic import synthetic_portfolio  # noqa: E402

PO = Path(__file__).parent.parent / "graphcrm/web/translations/zh/LC_MESSAGES/messages.po"


def placeholders(template: str) -> list:
    return sorted(re.findall(r"%\((\w+)\)s", template)) + ["%%"] * template.count("%%")


def sentences(result, out: list) -> list:
    """Every (English sentence, message) pair under ``result``'s ``texts``."""
    if isinstance(result, dict):
        for field, msg in (result.get("texts") or {}).items():
            english = result[field]
            pairs = zip(english, msg, strict=True) if isinstance(english, list) else [(english, msg)]
            out.extend(pairs)
        for k, v in result.items():
            if k != "texts":
                sentences(v, out)
    elif isinstance(result, list):
        for v in result:
            sentences(v, out)
    return out


def rare_variants() -> list:
    """Results holding the sentences the demo portfolio does not produce."""
    out = []
    never = base_deal()  # a strong relationship with no contact ever recorded
    for u in ("u1", "u2"):
        never.rel("RELATIONSHIP", u, "eb", strength=4)
    low = base_deal()  # a well-known champion of low influence
    low.node("Person", "ch", name="Zhang Min", influence=2, stance="champion")
    untitled = base_deal()  # their only way to an untitled influencer runs through an untitled manager
    untitled.person("mid").person("cfo", role="influencer", influence=4)
    untitled.rel("REPORTS_TO", "cfo", "mid").rel("REPORTS_TO", "mid", "eb")
    untitled.rel("ROLE_IN", "mid", "o1")  # a buying-center member without a role
    ours = base_deal()  # our only way to the economic buyer is a user without a title
    ours.node("User", "u1", username="li", display_name="Li Wei", role="manager")
    ours.drop("RELATIONSHIP", "u2", "eb").drop("REPORTS_TO", "dm", "eb").drop("REPORTS_TO", "pr", "eb")
    for d in (never, low, untitled, ours):
        out.append(opportunity_report(d.graph(), "o1"))
    out.append(stance_outlook(base_deal().graph(), include_relationships=False))
    empty = build_graph([("Account", {"id": "a1", "name": "Northwind Rail Authority"}),
                         ("Opportunity", {"id": "o1", "name": "Line 5 ISCS"})], [("FOR", "o1", "a1", {})],
                        loaded_at="2026-05-01T00:00:00+00:00")
    out.append(opportunity_report(empty, "o1"))  # nobody in its buying center yet
    out.append(account_report(empty, "a1"))  # nobody recorded at the account
    empty.add_node("p1", label="Person", name="David Chen", influence=4)
    empty.add_edge("p1", "a1", key="WORKS_AT")
    out.append(account_report(empty, "a1"))  # people, but none known to us
    scores = {"p1": ((240, 6), (30, 9)), "p3": ((500, 8),)}  # days ago, score
    voices = build_graph([("Person", {"id": p, "name": p}) for p in scores] + [
        ("Interaction", {"id": f"i-{p}-{ago}", "kind": "feedback", "satisfaction": score,
                         "at": (date(2026, 5, 1) - timedelta(days=ago)).isoformat()})
        for p, history in scores.items() for ago, score in history],
        [("WITH", f"i-{p}-{ago}", p, {}) for p, history in scores.items() for ago, _score in history],
        loaded_at="2026-05-01T00:00:00+00:00")
    # rising, and a score older than 12 months
    out.extend(stakeholder_satisfaction(voices, p) for p in scores)
    return out


@pytest.fixture(scope="module")
def results() -> list:
    """The reports of the demo portfolio and of a small synthetic one."""
    out = rare_variants()
    for nodes, rels in (demo_portfolio(date(2026, 5, 1)), synthetic_portfolio(20, 40, today=date(2026, 5, 1))):
        G = build_graph(nodes, rels, loaded_at="2026-05-01T00:00:00+00:00")
        out.append(portfolio_report(G))
        for n, d in sorted(G.nodes(data=True)):
            if d["label"] == "Account":
                out.append(account_report(G, n))
            elif d["label"] == "Opportunity":
                out.append(opportunity_report(G, n))
                out.extend(what_if(G, n, m) for m in sorted(G.pred[n])[:3])
    return out


def test_every_sentence_is_its_message_and_every_template_is_used(results):
    used = set()

    def record(template):
        used.add(template)
        return template

    pairs = sentences(results, [])
    assert len(pairs) > 1000
    for english, msg in pairs:
        assert render(msg) == english
        render(msg, translate=record)
    assert used == set(CATALOG.values()), set(CATALOG.values()) - used


def test_every_template_has_a_chinese_translation():
    catalog = read_po(PO.open("rb"))
    for code, template in CATALOG.items():
        entry = catalog.get(template)
        assert entry is not None and entry.string and not entry.fuzzy, (code, template)
        assert placeholders(entry.string) == placeholders(template), (code, entry.string)
        assert not re.search(r"[A-Za-z]{4,}", re.sub(r"%\(\w+\)s|Friedkin-Johnsen|DeGroot", "", entry.string)), (
            code, entry.string)


def test_messages_render_in_another_language():
    po = read_po(PO.open("rb"))
    zh = {t: po.get(t).string for t in CATALOG.values()}
    msg = say("gap.missing_role", roles=["champion", "coach"], opportunity="电网改造")
    assert render(msg) == "No champion or coach / informant identified for 电网改造."
    assert render(msg, translate=zh.get, role_label={"champion": "拥护者", "coach": "教练"}.get) == (
        "电网改造尚未识别拥护者或教练。"
    )
    groups = say("ready.roles_missing", roles=[["procurement"], ["champion", "coach"]])
    assert render(groups) == "Missing: procurement, champion or coach / informant."
    assert render(say("outlook.stubborn", committed=80, leaning=50, neutral=20)).count("%") == 3
    with pytest.raises(KeyError):
        say("gap.no_such_thing")
