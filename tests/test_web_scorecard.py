"""The scorecard per account manager on the web (/scorecard, /scorecard.xlsx):
the hand-made team of tests/fixtures.py, stored on each store, gives through
the page and the workbook the figures worked out by hand; directors and
admins see it, everyone else gets 403; a bad period is a clear 400."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta, timezone

import openpyxl
import pytest

from graphcrm.users import add_user

from fixtures import PASSWORD, SCORECARD_DAYS, SCORECARD_FIGURES, scorecard_team, signed_in, text


@pytest.fixture(scope="module")
def team_app(web_app):
    """A web app over the hand-made team, dated back from today, with a director, an admin, a manager and a viewer."""
    with web_app() as (app, store):
        store.bulk_load(*scorecard_team(datetime.now(timezone.utc).date()))
        for username, role in (("director", "director"), ("admin", "admin"), ("lina", "manager"),
                               ("vera", "viewer")):
            add_user(store, username, role=role, password=PASSWORD, id=f"user-{username}")
        yield app


def period() -> str:
    today = datetime.now(timezone.utc).date()
    return f"from={today - timedelta(days=SCORECARD_DAYS - 1)}&to={today}"


def figure(html: str, manager: str, name: str) -> str:
    """The text of one figure of a manager's card, tags and spacing removed."""
    card = html[html.index(f'id="manager-{manager}"'):]
    cell = re.search(rf'data-figure="{name}">(.*?)</dd>', card, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", cell).split())


@pytest.mark.parametrize("username", ["director", "admin"])
def test_the_page_gives_each_managers_figures(team_app, username):
    r = signed_in(team_app, username).get(f"/scorecard?{period()}")
    assert r.status_code == 200
    html = text(r)
    for manager, expected in SCORECARD_FIGURES.items():
        m, c, f, s = expected["maintenance"], expected["coverage"], expected["follow_ups"], expected["satisfaction"]
        assert figure(html, manager, "maintenance").startswith(f"{m['done']} / {m['due']} {m['done_pct']}%")
        assert figure(html, manager, "coverage").startswith(
            f"{c['coverage_pct']}% {c['contacts']} of {c['people']} people known")
        assert figure(html, manager, "stale") == str(expected["stale_relationships"])
        assert figure(html, manager, "follow-ups").startswith(f"{f['open']} ({f['overdue']} overdue) oldest "
                                                             f"{f['oldest_days']} days")
        assert f"{f['opened']} opened in the period, {f['answered']} answered" in figure(html, manager, "follow-ups")
        assert figure(html, manager, "satisfaction").startswith(f"NPS {s['nps']:+d} {s['responses']} scores")
        assert f"latest {s['latest']}/10" in figure(html, manager, "satisfaction")
    assert html.index("Tom Baker") < html.index("李娜 Li Na")
    assert "孙丽" not in html  # of the bid team: nobody's account manager


def test_the_workbook_gives_the_same_figures(team_app):
    r = signed_in(team_app, "director").get(f"/scorecard.xlsx?{period()}")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in r.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(r.data))
    assert book.sheetnames == ["Scorecard", "Accounts"]
    header, *rows = [list(row) for row in book["Scorecard"].iter_rows(values_only=True)]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    for name, manager in (("李娜 Li Na", "u-li"), ("Tom Baker", "u-tom")):
        got, expected = by_name[name], SCORECARD_FIGURES[manager]
        assert (got["Coverage %"], got["Stale relationships"], got["Accounts that need attention"]) == (
            expected["coverage"]["coverage_pct"], expected["stale_relationships"], expected["needs_attention"])
        assert (got["Contacts due"], got["Contacts done"], got["Done %"]) == (
            expected["maintenance"]["due"], expected["maintenance"]["done"], expected["maintenance"]["done_pct"])
        assert (got["Open follow-ups"], got["Overdue follow-ups"], got["Oldest open follow-up (days)"],
                got["Follow-ups opened in the period"], got["Answered of those"]) == tuple(
            expected["follow_ups"][k] for k in ("open", "overdue", "oldest_days", "opened", "answered"))
        assert (got["NPS"], got["Scores in the period"], got["Latest satisfaction"]) == (
            expected["satisfaction"]["nps"], expected["satisfaction"]["responses"], expected["satisfaction"]["latest"])
    accounts = [list(row) for row in book["Accounts"].iter_rows(values_only=True)]
    assert ["李娜 Li Na", "江州电网", 3, 67, 0, "yes", 4, 33, "falling", 2] in accounts


def test_the_page_and_the_workbook_speak_chinese(team_app):
    director = signed_in(team_app, "director")
    director.get("/lang/zh?next=/")
    html = text(director.get("/scorecard?period=30d"))
    assert "客户经理计分卡" in html and "近 30 天" in html
    book = openpyxl.load_workbook(io.BytesIO(director.get("/scorecard.xlsx?period=30d").data))
    assert book.sheetnames == ["计分卡", "客户"] and book["计分卡"]["A1"].value == "大客户经理"


@pytest.mark.parametrize("username", ["lina", "vera"])
def test_managers_and_viewers_get_403(team_app, username):
    client = signed_in(team_app, username)
    assert client.get("/scorecard").status_code == 403
    assert client.get("/scorecard.xlsx").status_code == 403


def test_signed_out_goes_to_the_sign_in_page(team_app):
    r = team_app.test_client().get("/scorecard")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


@pytest.mark.parametrize("query, words", [
    ("from=2026-05-01&to=2026-04-01", "starts after it ends"),
    ("from=1.5.2026", "must be a date like 2026-05-01"),
    ("period=decade", "must be one of: 30d, 90d, quarter, year, 12m, dates"),
    ("period=dates&from=2026-05-01&to=2026-04-01", "starts after it ends"),
])
def test_a_bad_period_is_a_clear_400(team_app, query, words):
    client = signed_in(team_app, "director")
    for url in ("/scorecard", "/scorecard.xlsx"):
        r = client.get(f"{url}?{query}")
        assert r.status_code == 400 and words in text(r)


def test_the_dashboard_links_to_the_scorecard(team_app):
    assert 'href="/scorecard"' in text(signed_in(team_app, "director").get("/"))
