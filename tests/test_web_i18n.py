"""The analysis sentences on the pages follow the UI language: findings,
actions, readiness evidence, the next best action, the stance outlook's
model and assumptions, what-if gaps."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from babel.messages.mofile import read_mo

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


# -- full-width punctuation in Chinese ----------------------------------------------------------------

CJK = "[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
#: ASCII colon, parentheses or comma next to a Chinese character (one space between allowed)
HALF_WIDTH_IN_CHINESE = re.compile(rf"{CJK} ?[:(),]|[:(),] ?{CJK}")
#: what may hold ASCII punctuation in a Chinese text: placeholders, `code`, URLs
CODE_LIKE = re.compile(r"%\(\w+\)[sd]|%%|`[^`]*`|https?://\S+")


def half_width_in_chinese(text: str) -> list[str]:
    """The places of ``text`` where ASCII punctuation touches a Chinese character."""
    bare = CODE_LIKE.sub(" ", text)
    return [bare[max(m.start() - 12, 0):m.end() + 12] for m in HALF_WIDTH_IN_CHINESE.finditer(bare)]


def test_the_chinese_catalog_uses_full_width_punctuation():
    catalog = Path(__file__).parent.parent / "graphcrm/web/translations/zh/LC_MESSAGES/messages.mo"
    with catalog.open("rb") as f:
        messages = list(read_mo(f))
    found = {}
    for m in messages:
        for translated in ([m.string] if isinstance(m.string, str) else m.string):
            if m.id and half_width_in_chinese(translated):
                found[m.id if isinstance(m.id, str) else m.id[0]] = half_width_in_chinese(translated)
    assert not found, found
    assert half_width_in_chinese("投标准备度: 52") and half_width_in_chinese("有关系, 强度 4")  # the test sees them


def test_chinese_pages_use_full_width_punctuation(app):
    c = signed_in(app, "admin")
    c.get("/lang/zh")
    for url in ("/", "/accounts/acc-east", "/opportunities/opp-east", "/people/p-cio", "/my-week",
                "/accounts/acc-east/people/paste", "/import"):
        page = unescape(re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", text(c.get(url)), flags=re.S))
        shown = re.sub(r"[ \t]+", " ", page)
        assert not half_width_in_chinese(shown), (url, half_width_in_chinese(shown))
