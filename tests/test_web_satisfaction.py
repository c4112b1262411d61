"""Customer satisfaction on the pages: scores logged on the person page, the
account's figures and trend chart, the dashboard's sortable and filterable
columns, in English and Chinese; a bad score is refused with nothing stored."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import pytest

from fixtures import load_access_portfolio, login


def local(days_ago: int) -> str:
    """A moment ``days_ago`` days before now, as the form's field takes it."""
    return (datetime.now() - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M")


def feedback(days_ago: int, score, **more) -> dict:
    return {"kind": "feedback", "channel": "phone", "at": local(days_ago), "summary": "回访", "sentiment": "0",
            "satisfaction": "" if score is None else str(score), **more}


@pytest.fixture(scope="module")
def site(web_app):
    """The access portfolio and an account of lina's, Delta Water (acc-voc), whose CTO Chen Lu
    (p-chen) scored 9, then 8, then 5, logged through her page; her colleague Ma Li (p-ma) gave none."""
    with web_app() as (app, store):
        load_access_portfolio(store)
        store.create("Account", {"name": "Delta Water 三角洲水务"}, id="acc-voc")
        store.create_person("acc-voc", {"name": "Chen Lu", "influence": 5}, id="p-chen")
        store.create_person("acc-voc", {"name": "Ma Li", "influence": 2}, id="p-ma")
        store.relate("MEMBER_OF", "user-lina", "acc-voc", {"team_role": "account manager"})
        c = app.test_client()
        login(c, "lina")
        for days, score in ((200, 9), (100, 8), (10, 5)):
            assert c.post("/people/p-chen", data=feedback(days, score)).status_code == 302
        yield app, store


def page(client, url: str) -> str:
    r = client.get(url)
    assert r.status_code == 200, url
    return r.get_data(as_text=True)


def test_the_account_page_shows_the_figures_the_voices_and_the_trend_chart(site):
    app, _store = site
    c = app.test_client()
    login(c, "lina")
    body = page(c, "/accounts/acc-voc")
    assert "Customer satisfaction" in body and 'id="voices"' in body
    assert re.search(r'score-detractor">5/10</span>', body)
    months = json.loads(re.search(r'id="satisfaction-chart-data">(.*?)</script>', body, re.S).group(1))
    assert len(months) == 12 and sum(m["responses"] for m in months) >= 2
    assert "/static/chart.js" in body
    assert "falling" in body  # 9 -> 5 within the year


def test_the_person_page_shows_their_satisfaction_and_the_score_in_the_timeline(site):
    app, _store = site
    c = app.test_client()
    login(c, "lina")
    body = page(c, "/people/p-chen")
    assert "Latest satisfaction 5/10 (detractor)" in body and "satisfaction 5/10" in body
    assert "no feedback recorded" in page(c, "/people/p-ma")


@pytest.mark.parametrize("values, field", [(feedback(1, 11), "satisfaction"), (feedback(1, -1), "satisfaction"),
                                           ({**feedback(1, 7), "kind": "call"}, "satisfaction")])
def test_a_bad_score_is_refused_and_nothing_is_stored(site, values, field):
    app, store = site
    c = app.test_client()
    login(c, "lina")
    before = store.stats()["nodes"]["Interaction"]
    r = c.post("/people/p-ma", data=values)
    assert r.status_code == 400 and 'aria-invalid="true"' in r.get_data(as_text=True)
    assert re.search(rf'id="{field}"[^>]*aria-invalid', r.get_data(as_text=True)) or \
        re.search(rf'aria-invalid="true"[^>]*id="{field}"', r.get_data(as_text=True))
    assert store.stats()["nodes"]["Interaction"] == before


def test_the_dashboard_sorts_and_filters_accounts_by_satisfaction(site):
    app, _store = site
    c = app.test_client()
    login(c, "director")
    rows = re.findall(r'<a href="/accounts/(acc-\w+)">',
                      page(c, "/?accounts_sort=satisfaction&accounts_dir=desc").split('id="accounts"')[1])
    assert rows[0] == "acc-voc"  # 5/10 is above int-ours-feedback's 4; no score sorts last
    falling = page(c, "/?accounts_trend=falling")
    assert re.findall(r'<a href="/accounts/(acc-\w+)">', falling.split('id="accounts"')[1]) == ["acc-voc"]
    assert not re.findall(r'<a href="/accounts/(acc-\w+)">', page(c, "/?accounts_trend=rising").split(
        'id="accounts"')[1])
    assert c.get("/?accounts_trend=sideways").status_code == 400


def test_satisfaction_reads_in_chinese(site):
    app, _store = site
    c = app.test_client()
    login(c, "lina")
    c.get("/lang/zh")
    body = page(c, "/accounts/acc-voc")
    assert "客户满意度" in body and "贬损者" in body and "下降" in body
    assert "尚无反馈记录" in page(c, "/people/p-ma")
