"""The analysis sentences on the pages follow the UI language: findings,
actions, readiness evidence, the next best action, the stance outlook's
model and assumptions, what-if gaps."""

from __future__ import annotations

import re
from html import unescape

from graphcrm.analysis.messages import CATALOG
from graphcrm.web import say_text

from fixtures import XSS, signed_in, text


def shown_sentences(report: dict) -> list[tuple[str, dict]]:
    """(English sentence, message) of the analysis sentences the opportunity page shows."""
    out = []
    for f in report["findings"]:
        out.append((f["message"], f["texts"]["message"]))
        out.append((f["action"], f["texts"]["action"]))
    ready = report["readiness"]
    out.append((ready["next_best_action"], ready["texts"]["next_best_action"]))
    for c in ready["components"]:
        out.append((c["action"], c["texts"]["action"]))
        out.extend(zip(c["evidence"], c["texts"]["evidence"], strict=True))
    so = report["stance_outlook"]
    out.append((so["model"], so["texts"]["model"]))
    out.extend(zip(so["assumptions"], so["texts"]["assumptions"], strict=True))
    return out


def english_fragments() -> set[str]:
    """The English words of every template between its placeholders (two words or more)."""
    parts = set()
    for template in CATALOG.values():
        for part in re.split(r"%\(\w+\)s", template.replace("%%", "%")):
            part = part.strip(" .,;:()")
            if len(re.findall(r"[A-Za-z]+", part)) >= 2 and "Friedkin" not in part:
                parts.add(part)
    return parts


def test_opportunity_page_in_chinese(app):
    c = signed_in(app, "lina")
    report = c.get("/api/opportunities/opp-east").get_json()
    sentences = shown_sentences(report)
    assert {f["kind"] for f in report["findings"]} >= {"single_threaded", "competitor_closer", "no_eb_access"}
    english_page = unescape(text(c.get("/opportunities/opp-east?leaves=p-cio")))
    for english, _ in sentences:
        assert english in english_page, english

    c.get("/lang/zh")
    raw = text(c.get("/opportunities/opp-east?leaves=p-cio"))
    assert XSS not in raw  # the names inside the sentences are still text
    page = unescape(raw)
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        chinese = [say_text(msg, english) for english, msg in sentences]
    for (english, _), zh in zip(sentences, chinese, strict=True):
        assert zh != english and zh in page, (english, zh)
        assert english not in page, english
    # e.g. single-threaded, the competitor, the economic buyer, with the deal's own names
    assert "Grid upgrade 2027处于单线联系：采购决策团队共3人，只有一个强关系联系人（王强）。" in page
    assert "RivalCorp与Li Na CFO（CFO，经济决策者）的关系（强度5）强于我们（无关系）。" in page
    assert "经济决策者Li Na CFO：我方团队无人认识。" in page
    # the what-if gaps of "王强 leaves" too, and no English template text anywhere
    assert "假设此人离开" in page and "新出现的缺口" in page
    for part in english_fragments():
        assert part not in page, part


def test_unknown_message_falls_back_to_english(app):
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        assert say_text({"code": "gap.not_in_this_version", "params": {}}, "The English sentence.") == (
            "The English sentence."
        )
        assert say_text({"code": "gap.no_champion", "params": {}}, "Missing parameter.") == "Missing parameter."
        assert say_text({"code": "ready.contact", "params": {"name": "王强"}}, "Contact 王强 this week.") == (
            "本周联系王强。"
        )
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert say_text({"code": "ready.contact", "params": {"name": "王强"}}, "?") == "Contact 王强 this week."


def test_dashboard_next_best_action_in_chinese(app):
    c = signed_in(app, "director")
    report = c.get("/api/portfolio").get_json()
    (row,) = [o for o in report["opportunities"] if o["id"] == "opp-east"]
    c.get("/lang/zh")
    page = unescape(text(c.get("/")))
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        zh = say_text(row["texts"]["next_best_action"], row["next_best_action"])
    assert zh in page and row["next_best_action"] not in page
    assert "个强关系联系人 · " in page  # the suggested tier's evidence
