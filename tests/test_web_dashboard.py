"""The director's dashboard tables, paged, sorted and filtered on the server
(web/dashboard.py, web/tables.py), against the real embedded database with a
portfolio of more than one page (the page size lowered to 5)."""

from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta

import openpyxl
import pytest

from graphcrm.users import add_user
from graphcrm.web import dashboard
from graphcrm.web.tables import Table, text_key, value_key

from fixtures import PASSWORD, login

# id, name, segment, lifecycle, annual value
ACCOUNTS = [
    ("acc-01", "华东电网 East Grid", "strategic", "active", 12_000_000),
    ("acc-02", "Westbank Logistics", "growth", "active", 1_000_000),
    ("acc-03", "江州市住房和城乡建设局", "key", "at_risk", 3_000_000),
    ("acc-04", "Northwind Traders", "general", "active", 500_000),
    ("acc-05", "上海申通地铁 Shanghai Metro", "strategic", "active", 8_000_000),
    ("acc-06", "Harbor Health Group", "key", "at_risk", 2_000_000),
    ("acc-07", "深圳能源集团", "growth", "prospect", None),
    ("acc-08", "alpine Cement", "general", "active", 300_000),
    ("acc-09", "广州港集团 Guangzhou Port", "key", "active", 5_000_000),
    ("acc-10", "Blue River Water", "growth", "at_risk", 800_000),
    ("acc-11", "中铁建工", "strategic", "expanding", 9_000_000),
    ("acc-12", "Evergreen Foods", "general", "active", 200_000),
]
# id, account, name, stage, value (open bids make their account's value at risk)
BIDS = [
    ("opp-01", "acc-01", "电网数字化改造 Grid digitalisation", "tender", 8_000_000),
    ("opp-02", "acc-01", "Substation monitoring", "qualify", 1_500_000),
    ("opp-03", "acc-01", "配电自动化", "lead", 600_000),
    ("opp-04", "acc-01", "Control room refit", "evaluation", 2_200_000),
    ("opp-05", "acc-05", "信号系统升级 Signalling upgrade", "tender", 6_000_000),
    ("opp-06", "acc-05", "Depot WMS", "pre_bid", 900_000),
    ("opp-07", "acc-05", "乘客信息系统", "submitted", 1_200_000),
    ("opp-08", "acc-05", "Ticketing cloud", "qualify", 700_000),
    ("opp-09", "acc-09", "智慧港口 Smart port", "tender", 4_000_000),
    ("opp-10", "acc-09", "Crane telemetry", "lead", 300_000),
    ("opp-11", "acc-09", "堆场管理系统", "evaluation", 1_800_000),
    ("opp-12", "acc-09", "Gate automation", "submitted", 2_500_000),
]

# bid -> days from today to its close date (the others have none)
CLOSING = {"opp-01": 10, "opp-02": 20, "opp-05": 45, "opp-09": -5, "opp-12": 200}


@pytest.fixture(scope="module")
def app(web_app):
    with web_app() as (app, store):
        for id_, name, segment, lifecycle, value in ACCOUNTS:
            props = {"name": name, "segment": segment, "lifecycle": lifecycle}
            if value is not None:
                props["annual_value"] = value
            store.create("Account", props, id=id_)
        for username, role in {"director": "director", "lina": "manager"}.items():
            add_user(store, username, role=role, password=PASSWORD, id=f"user-{username}")
        store.relate("MEMBER_OF", "user-lina", "acc-02")
        for id_, account, name, stage, value in BIDS:
            props = {"name": name, "stage": stage, "value": value}
            if id_ in CLOSING:
                props["close_date"] = (date.today() + timedelta(days=CLOSING[id_])).isoformat()
            store.create_opportunity(account, props, id=id_)
        store.relate("MEMBER_OF", "user-lina", "opp-05", {"team_role": "sales lead"})  # a manager on it: the owner
        store.relate("MEMBER_OF", "user-director", "opp-01")  # the only one of ours on it: the owner
        # an economic buyer our director knows on some bids: their readiness differs
        account_of = {opp: account for opp, account, *_ in BIDS}
        for n, opp in enumerate(["opp-01", "opp-05", "opp-09", "opp-12"]):
            person = store.create_person(account_of[opp], {"name": f"王{n}经理", "title": "CFO", "influence": 5},
                                         id=f"p-{opp}")
            store.relate("ROLE_IN", person["id"], opp, {"role": "economic_buyer"})
            store.relate("RELATIONSHIP", "user-director", person["id"], {"strength": 4, "since": "2025-01-10"})
        # and one nobody knows: the bid closes soon without us at the decision
        store.create_person("acc-01", {"name": "赵敏", "title": "CFO", "influence": 3}, id="p-opp-02")
        store.relate("ROLE_IN", "p-opp-02", "opp-02", {"role": "economic_buyer"})
        yield app


@pytest.fixture(autouse=True)
def five_rows_a_page(monkeypatch):
    monkeypatch.setattr(dashboard, "PAGE_SIZE", 5)


@pytest.fixture(scope="module")
def director(app):
    c = app.test_client()
    assert login(c, "director").status_code == 302
    return c


@pytest.fixture(scope="module")
def report(director):
    return director.get("/api/portfolio").get_json()


def page_of(client, url: str) -> str:
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    return html.unescape(r.get_data(as_text=True))


def rows(page: str, table_id: str) -> list[str]:
    """Ids of the rows the table shows, top to bottom."""
    body = page[page.index(f'id="{table_id}"'):]
    body = body[:body.index("</table>")]
    kind = "opportunities" if table_id == "bids" else "accounts"
    return re.findall(rf'<td><a href="/{kind}/([^"]+)">', body)


def section(page: str, table_id: str) -> str:
    """The heading, filter form, count, table and pager of one table."""
    start = page.index(f'id="{table_id}-title"')
    end = page.find("<h2", start + 1)
    return page[start:end if end > 0 else None]


def default_bids(report) -> list[str]:
    return [o["id"] for o in sorted(report["opportunities"], key=lambda o: o["readiness"])]


def default_accounts(report) -> list[str]:
    return [a["id"] for a in dashboard.attention_first(report["accounts"])]


# -- paging -----------------------------------------------------------------------------------------


def test_first_page_in_default_order_with_the_count(director, report):
    page = page_of(director, "/")
    assert len({o["readiness"] for o in report["opportunities"]}) > 1  # the default order means something
    assert rows(page, "bids") == default_bids(report)[:5]
    accounts = rows(page, "accounts")
    assert accounts == default_accounts(report)[:5]
    assert {"acc-03", "acc-06", "acc-10"} & set(accounts)  # recorded "at risk": needs attention, comes first
    assert "Showing 1–5 of 12" in section(page, "bids") and "Showing 1–5 of 12" in section(page, "accounts")
    assert 'aria-sort="ascending"' in section(page, "bids")  # least ready first: by readiness
    assert "aria-sort" not in section(page, "accounts")  # needing attention first is no single column
    assert "sortable" not in page and "table-filter" not in page and "table.js" not in page


def test_next_pages_and_a_page_past_the_last(director, report):
    page = page_of(director, "/?bids_page=2&accounts_page=3")
    assert rows(page, "bids") == default_bids(report)[5:10]
    assert rows(page, "accounts") == default_accounts(report)[10:12]
    assert "Showing 6–10 of 12" in section(page, "bids") and "Showing 11–12 of 12" in section(page, "accounts")
    bids = section(page, "bids")
    assert 'href="/?bids_page=1&accounts_page=3#bids-title" rel="prev"' in bids
    assert 'href="/?bids_page=3&accounts_page=3#bids-title" rel="next"' in bids
    assert '<span aria-current="page">2</span>' in bids
    past = page_of(director, "/?bids_page=999999")
    assert rows(past, "bids") == default_bids(report)[10:] and "Showing 11–12 of 12" in past
    assert 'rel="next"' not in section(past, "bids")


def test_page_numbers_leave_out_the_middle():
    t = Table("t", sort_keys={}, text_fields=())
    view = t.show(list(range(100)), t.query({"t_page": "5"}), page_size=10)
    assert view.page_numbers() == [1, None, 3, 4, 5, 6, 7, None, 10]
    assert view.rows == list(range(40, 50)) and (view.first, view.last, view.total) == (41, 50, 100)
    last = t.show(list(range(100)), t.query({"t_page": "10"}), page_size=10)
    assert last.page_numbers() == [1, None, 8, 9, 10]
    empty = t.show([], t.query({}), page_size=10)
    assert (empty.pages, empty.page, empty.first, empty.last, empty.page_numbers()) == (1, 1, 0, 0, [1])


# -- sorting ----------------------------------------------------------------------------------------


def test_sort_by_a_column_both_ways(director, report):
    names = {a["id"]: a["name"] for a in report["accounts"]}
    by_name = sorted(names, key=lambda i: names[i].casefold())
    page = page_of(director, "/?accounts_sort=name")
    assert rows(page, "accounts") == by_name[:5]
    assert by_name.index("acc-08") < by_name.index("acc-10")  # "alpine" before "Blue": case-insensitive
    accounts = section(page, "accounts")
    assert re.search(r'<th aria-sort="ascending"><a href="/\?accounts_sort=name&accounts_dir=desc#accounts-title">'
                     r'Account ▲</a></th>', accounts)
    page = page_of(director, "/?accounts_sort=name&accounts_dir=desc&accounts_page=3")
    assert rows(page, "accounts") == by_name[::-1][10:]
    assert 'aria-sort="descending"' in section(page, "accounts") and "Account ▼" in page
    # clicking again reverses, from the first page
    assert 'href="/?accounts_sort=name&accounts_dir=asc#accounts-title"' in section(page, "accounts")
    values = {o["id"]: o["value"] for o in report["opportunities"]}
    page = page_of(director, "/?bids_sort=value&bids_dir=desc")
    assert rows(page, "bids") == sorted(values, key=values.get, reverse=True)[:5]
    stages = page_of(director, "/?bids_sort=stage")
    assert [o for o in rows(stages, "bids")] == ["opp-03", "opp-10", "opp-02", "opp-08", "opp-06"]  # pipeline order


def test_sorting_puts_missing_values_last_both_ways():
    t = Table("t", sort_keys={"name": text_key("name"), "v": value_key("v")}, text_fields=("name",))
    rows_ = [{"name": "b", "v": 2}, {"name": None, "v": None}, {"name": "A", "v": 3}, {"name": "c", "v": 1}]
    assert [r["name"] for r in t.sort(rows_, "name", False)] == ["A", "b", "c", None]
    assert [r["name"] for r in t.sort(rows_, "name", True)] == ["c", "b", "A", None]
    assert [r["v"] for r in t.sort(rows_, "v", True)] == [3, 2, 1, None]
    assert t.sort(rows_, None, True) == rows_  # no column: as they come


# -- filtering --------------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["电网", "east GRID"])
def test_text_filter_of_accounts_chinese_and_english(director, q):
    page = page_of(director, f"/?accounts_q={q}")
    assert rows(page, "accounts") == ["acc-01"]
    assert "Showing 1–1 of 1" in section(page, "accounts") and f'name="accounts_q" value="{q}"' in page


def test_text_filter_of_bids_matches_the_account_name_too(director):
    page = page_of(director, "/?bids_q=广州港")
    assert sorted(rows(page, "bids")) == ["opp-09", "opp-10", "opp-11", "opp-12"]
    assert rows(page_of(director, "/?bids_q=smart+PORT"), "bids") == ["opp-09"]
    nothing = page_of(director, "/?bids_q=nowhere")
    assert rows(nothing, "bids") == [] and "No bids match the filter." in nothing
    assert "Showing" not in section(nothing, "bids")


def test_needs_attention_segment_and_stage_filters(director, report):
    # recorded at risk (03, 06, 10), or key stakeholders never contacted (the economic buyers of 01, 05, 09)
    flagged = [a for a in default_accounts(report) if a in {"acc-01", "acc-03", "acc-05", "acc-06", "acc-09", "acc-10"}]
    assert flagged == [a["id"] for a in dashboard.attention_first(report["accounts"]) if a["needs_attention"]]
    page = page_of(director, "/?accounts_attention=1")
    assert rows(page, "accounts") == flagged[:5] and "Showing 1–5 of 6" in page
    assert '<input type="checkbox" name="accounts_attention" value="1" checked>' in page
    page = page_of(director, "/?accounts_segment=key")
    assert sorted(rows(page, "accounts")) == ["acc-03", "acc-06", "acc-09"]
    assert '<option value="key" selected>' in page
    page = page_of(director, "/?accounts_segment=growth&accounts_attention=1&accounts_q=river")
    assert rows(page, "accounts") == ["acc-10"]
    page = page_of(director, "/?bids_stage=tender")
    assert sorted(rows(page, "bids")) == ["opp-01", "opp-05", "opp-09"]
    assert '<option value="tender" selected>' in page
    assert 'href="/#bids-title">Show all</a>' in section(page, "bids")  # clears the filter


def test_a_filter_from_the_form_keeps_the_sort_and_the_other_table(director):
    page = page_of(director, "/?bids_sort=value&bids_dir=desc&bids_page=2&accounts_q=grid&accounts_page=1")
    form = section(page, "bids")
    form = form[form.index("<form"):form.index("</form>")]
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))
    # the bids' page starts over; the text box and stage select send their own values
    assert hidden == {"bids_sort": "value", "bids_dir": "desc", "accounts_q": "grid", "accounts_page": "1"}


def test_params_of_one_table_kept_while_paging_and_sorting_the_other(director, report):
    kept = "accounts_q=e&accounts_sort=name&accounts_dir=desc"
    page = page_of(director, f"/?{kept}&bids_page=1")
    shown = rows(page, "accounts")
    bids = section(page, "bids")
    next_link = re.search(r'href="([^"]+)" rel="next"', bids).group(1)
    assert next_link == f"/?{kept}&bids_page=2#bids-title"
    page = page_of(director, next_link)
    assert rows(page, "bids") == default_bids(report)[5:10] and rows(page, "accounts") == shown
    # sorting the bids keeps the accounts' parameters and starts the bids over
    sort_link = re.search(r'href="([^"]+)">Value</a>', section(page, "bids")).group(1)
    assert sort_link == f"/?{kept}&bids_sort=value&bids_dir=asc#bids-title"
    # and paging the accounts keeps the bids' page
    accounts_next = re.search(r'href="([^"]+)" rel="next"', section(page, "accounts")).group(1)
    assert accounts_next == f"/?{kept}&bids_page=2&accounts_page=2#accounts-title"


def test_dashboard_tables_in_chinese(director):
    director.get("/lang/zh")
    try:
        page = page_of(director, "/?accounts_attention=1")
        assert "第 1–5 条，共 6 条" in page and "仅看需关注的" in page and "全部阶段" in page and "下一页" in page
    finally:
        director.get("/lang/en")


# -- bad parameters ---------------------------------------------------------------------------------


@pytest.mark.parametrize("param,value", [
    ("bids_page", "0"), ("bids_page", "abc"), ("accounts_page", "-1"), ("accounts_page", "1.5"),
    ("bids_sort", "next_best_action"), ("accounts_sort", "__class__"), ("bids_dir", "up"),
    ("accounts_dir", "DESC"), ("accounts_segment", "vip"), ("bids_stage", "won"), ("accounts_attention", "yes"),
    ("bids_owner", "user lina"), ("bids_owner", "x" * 81), ("bids_closing", "7"), ("bids_closing", "past,none"),
    ("bids_q", "x" * 201), ("accounts_q", "电" * 201),
])
def test_bad_parameter_is_400_naming_it(director, param, value):
    r = director.get("/", query_string={param: value})
    page = r.get_data(as_text=True)
    assert r.status_code == 400, (param, value)
    assert f"{param}: " in page and "Invalid input" in page and "Traceback" not in page


def test_manager_still_gets_my_accounts(app):
    c = app.test_client()
    assert login(c, "lina").status_code == 302
    page = page_of(c, "/?accounts_page=abc&bids_sort=nonsense")
    assert "My accounts" in page and "Westbank Logistics" in page
    assert "华东电网" not in page
    assert 'id="bids"' not in page and "Showing" not in page and 'rel="next"' not in page


# -- the director's week: owner, close date, reasons, exports -----------------------------------------


#: the reason opp-02 needs attention, in Chinese after its name
CLOSES_ZH = "距预计成交日期还有20天，而我方团队无人与其经济决策者建立有效关系。"


def cells(page: str, opportunity_id: str) -> str:
    """The cells of one bid's row."""
    start = page.index(f'<td><a href="/opportunities/{opportunity_id}">')
    return page[start:page.index("</tr>", start)]


def test_bids_show_their_owner_and_close_date(director):
    page = page_of(director, "/?bids_sort=close_date")
    assert rows(page, "bids")[:5] == ["opp-09", "opp-01", "opp-02", "opp-05", "opp-12"]  # no date: last
    assert "<td>lina</td>" in cells(page, "opp-05") and "<td>director</td>" in cells(page, "opp-01")
    assert (date.today() + timedelta(days=45)).isoformat() in cells(page, "opp-05")
    assert "<td></td>" in cells(page, "opp-02")  # nobody of ours on the bid, no manager on the account's team
    owners = section(page, "bids")
    assert '<option value="user-director">director</option>' in owners
    assert '<option value="user-lina">lina</option>' in owners


@pytest.mark.parametrize("query,expected", [
    ("bids_owner=user-lina", ["opp-05"]),
    ("bids_owner=user-director", ["opp-01"]),
    ("bids_owner=user-nobody", []),
    ("bids_closing=30", ["opp-01", "opp-02"]),
    ("bids_closing=90", ["opp-01", "opp-02", "opp-05"]),
    ("bids_closing=365", ["opp-01", "opp-02", "opp-05", "opp-12"]),
    ("bids_closing=past", ["opp-09"]),
    ("bids_closing=90&bids_owner=user-lina", ["opp-05"]),
    ("bids_closing=30&bids_owner=user-lina", []),
])
def test_bids_filtered_by_owner_and_close_date_window(director, query, expected):
    page = page_of(director, f"/?{query}&bids_sort=close_date")
    assert rows(page, "bids") == expected
    for _param, value in (part.split("=") for part in query.split("&")):
        if value != "user-nobody":
            assert f'<option value="{value}" selected>' in section(page, "bids")


def test_bids_without_a_close_date_are_a_window_too(director):
    page = page_of(director, "/?bids_closing=none")
    assert "Showing 1–5 of 7" in section(page, "bids")
    assert not set(rows(page, "bids")) & set(CLOSING)


def test_a_bid_shows_the_reasons_that_concern_it(director):
    page = page_of(director, "/?bids_closing=30")
    own = "Substation monitoring closes in 20 days and nobody on our team has a working relationship"
    assert own in cells(page, "opp-02")
    assert own not in cells(page, "opp-01")  # another bid's reason
    silent = "key stakeholder"  # the account's own reason: on each of its bids
    assert silent in cells(page, "opp-01") and silent in cells(page, "opp-02")
    director.get("/lang/zh")
    try:
        zh = page_of(director, "/?bids_closing=30")
        assert f"Substation monitoring{CLOSES_ZH}" in cells(zh, "opp-02")
        assert "需关注的原因" in section(zh, "bids") and "负责人" in section(zh, "bids")
        assert '<option value="30" selected>30 天内</option>' in section(zh, "bids")
    finally:
        director.get("/lang/en")


def workbook(response) -> list[list]:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="graphcrm-')
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_bids_export_as_filtered_and_sorted_every_page(director):
    sheet = workbook(director.get("/dashboard/bids.xlsx?bids_closing=365&bids_sort=close_date&bids_page=2"))
    header, data = sheet[0], sheet[1:]
    assert header[:5] == ["Opportunity", "Account", "Owner", "Close date", "Stage"]
    # 4 rows, every page: not one page of 5
    assert [row[0] for row in data] == ["电网数字化改造 Grid digitalisation", "Substation monitoring",
                                        "信号系统升级 Signalling upgrade", "Gate automation"]
    assert data[2][2] == "lina" and data[2][5] == 6_000_000 and data[2][6] == "CNY"
    assert "Substation monitoring closes in 20 days" in data[1][header.index("Why it needs attention")]
    page = page_of(director, "/?bids_closing=365")
    assert 'href="/dashboard/bids.xlsx?bids_closing=365" download' in html.unescape(page).replace("&amp;", "&")


def test_accounts_export_in_chinese(director):
    director.get("/lang/zh")
    try:
        sheet = workbook(director.get("/dashboard/accounts.xlsx?accounts_attention=1"))
    finally:
        director.get("/lang/en")
    header, data = sheet[0], sheet[1:]
    assert header[:4] == ["客户", "客户分级", "关系层级", "建议层级"] and header[-1] == "需关注的原因"
    assert len(data) == 6 and all(row[-1] for row in data)  # every one needs attention, with its reasons
    east = next(row for row in data if row[0] == "华东电网 East Grid")
    assert east[-1].split("\n") == [f"Substation monitoring{CLOSES_ZH}",
                                     "我方团队已有90天未与其1位关键干系人中的任何一位联系。"]
    assert east[4] == 12_000_000 and east[header.index("币种")] == "CNY"


@pytest.mark.parametrize("url,status", [
    ("/dashboard/people.xlsx", 404), ("/dashboard/bids.xlsx?bids_closing=7", 400),
    ("/dashboard/accounts.xlsx?accounts_sort=__class__", 400),
])
def test_export_of_a_bad_table_or_parameter(director, url, status):
    assert director.get(url).status_code == status


def test_managers_may_not_export_the_dashboard(app):
    c = app.test_client()
    assert login(c, "lina").status_code == 302
    assert c.get("/dashboard/bids.xlsx").status_code == 403
    assert c.get("/dashboard/accounts.xlsx").status_code == 403
