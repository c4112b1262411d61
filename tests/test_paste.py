"""Stakeholders from a pasted list or an .xlsx sheet: the parser (tabs, quoted
cells with line breaks, Excel's trailing empty cells, full-width characters),
the row-by-row checks, and the page: preview, correct, save all in one go."""

from __future__ import annotations

import io
import re

import pytest

from graphcrm.graph.statements import relationship_key
from graphcrm.transfer.paste import parse_table, plan_people
from graphcrm.users import add_user

from fixtures import PASSWORD, XSS, signed_in, text

REPORTS_TO = relationship_key("Person", "REPORTS_TO", "Person")

#: the twelve people of one account as a KAM would paste them from WPS, headed in Chinese
TWELVE = "\n".join([
    "姓名\t职务\t部门\t上级\t影响力\t立场\t备注列",
    "王建国\t总经理\t总经办\t\t5\t中立\t不导入",
    "David Chen\tCTO\t信息中心\t王建国\t5\t支持者\t",
    "刘芳\tCFO\t财务部\t王建国\t4\t怀疑者\t",
    "韩雪\t高级工程师\t机电工程部\tDavid Chen\t3\t反对者\t",
    "孔繁宇\t运维主管\t信息中心\tDavid Chen\t3\tneutral\t",
    "Emily Wang\tArchitect\t信息中心\tDavid Chen\t2\tchampion\t",
    "赵磊\t采购经理\t采购部\t刘芳\t4\tskeptic\t",
    "孙丽\t采购专员\t采购部\t赵磊\t2\t中立\t",
    "周敏\t项目经理\t工程部\t王建国\t3\t支持者\t",
    "吴强\t工程师\t工程部\t周敏\t2\t中立\t",
    "郑海\t法务\t法务部\t刘芳\t2\t中立\t",
    "唐军\t信息中心主任\t信息中心\tDavid Chen\t4\t拥护者\t",
])


# -- the parser -------------------------------------------------------------------------------------


def test_tabs_quoted_line_breaks_and_trailing_empty_cells():
    text = 'Name\tNotes\t\t\r\n"Li\nNa"\t"says ""hi""\tthen"\t\t\r\n\t\t\r\nBob\t\r\n'
    assert parse_table(text) == [["Name", "Notes"], ["Li\nNa", 'says "hi"\tthen'], ["Bob"]]


def test_full_width_headers_digits_and_labels_are_read():
    rows = parse_table("姓名\u3000\t影响力\t立场\n王芳\t４\t拥护者\n")
    plan = plan_people(rows, [])
    assert plan.ok and plan.rows[0].props["influence"] == 4 and plan.rows[0].props["stance"] == "champion"


def test_headers_in_any_order_english_or_chinese_and_other_columns_left_out():
    plan = plan_people(parse_table("Stance\tReports to\tNAME\tColour\nsupporter\t\tAnna Berg\tblue\n"), [])
    assert plan.ok and plan.ignored == ["Colour"]
    assert plan.rows[0].props["name"] == "Anna Berg" and plan.rows[0].props["stance"] == "supporter"


def test_without_a_header_the_columns_are_read_in_the_documented_order():
    plan = plan_people(parse_table("王芳\t总工程师\t技术部\t\tfang@example.com\n"), [])
    assert plan.ok and plan.rows[0].props["title"] == "总工程师" and plan.rows[0].props["email"] == "fang@example.com"


# -- the checks -------------------------------------------------------------------------------------


STORED = [{"id": "p-chen", "name": "David Chen", "title": "CTO", "department": "IT"},
          {"id": "p-chen-2", "name": "david chen", "title": "Driver", "department": "Logistics"},
          {"id": "p-wang", "name": "王建国", "title": "总经理"}]


def test_managers_are_found_by_name_at_the_account_and_in_the_same_paste():
    plan = plan_people(parse_table("name\tmanager\n刘芳\t王建国\n赵磊\t刘芳\n"), STORED)
    assert plan.ok
    assert [r.manager_id for r in plan.rows] == ["p-wang", "row:1"]


def test_an_unknown_or_ambiguous_manager_is_a_problem_of_its_cell_until_one_is_picked():
    rows = parse_table("name\tmanager\n刘芳\tDavid Chen\n赵磊\tNobody Here\n")
    plan = plan_people(rows, STORED)
    assert not plan.ok
    assert plan.rows[0].problems == {"manager": "2 people are named David Chen: pick one"}
    assert [c[0] for c in plan.rows[0].candidates] == ["p-chen", "p-chen-2"]
    assert plan.rows[1].problems == {"manager": "nobody named Nobody Here at this account or in this list"}
    picked = plan_people(rows[:2], STORED, managers={1: "p-chen-2"})
    assert picked.ok and picked.rows[0].manager_id == "p-chen-2"


def test_an_unknown_stance_a_bad_email_and_a_huge_cell_name_their_row_and_column():
    huge = "x" * (10 * 1024 * 1024)
    plan = plan_people(parse_table(f"name\tstance\temail\n王芳\tfriendly\tnot-an-email\n{huge}\tneutral\t\n"), [])
    first, second = plan.rows
    assert first.problems["stance"] == ("friendly is not a stance; one of: "
                                        "champion, supporter, neutral, skeptic, opponent")
    assert first.problems["email"] == "not-an-email is not an email address (like name@example.com)"
    assert second.problems["name"] == "longer than 20,000 characters"
    assert not plan.ok


def test_each_refused_cell_says_what_it_should_hold():
    long_title = "总" * 201
    plan = plan_people(parse_table(f"name\ttitle\tinfluence\tphone\n李雷\t{long_title}\t９\t微信 lilei\n"
                                   f"\t经理\t3\t\n"), [])
    first, second = plan.rows
    assert first.problems == {"title": "longer than 200 characters",
                              "influence": "9 is not an influence: a whole number from 1 to 5",
                              "phone": "微信 lilei is not a phone number: digits, spaces and + ( ) - only"}
    assert first.texts["influence"] == ("%(value)s is not an influence: a whole number from 1 to 5", {"value": "9"})
    assert second.problems == {"name": "a name is needed"}


def test_a_stored_name_needs_add_anyway_and_a_cycle_in_the_paste_is_refused():
    plan = plan_people(parse_table("name\tmanager\n王建国\t\nA\tB\nB\tA\n"), STORED)
    assert plan.rows[0].problems == {"name": "王建国 works here already (总经理)"} and plan.rows[0].same_name
    assert plan.rows[1].problems == {"manager": "reports-to cycle: A → B → A"}
    again = plan_people(parse_table("name\n王建国\n"), STORED, add_anyway=frozenset({1}))
    assert again.ok


# -- the page ---------------------------------------------------------------------------------------


@pytest.fixture
def lina(web_app):
    with web_app() as (app, store):
        store.create("Account", {"name": "江州地铁集团"}, id="acc-metro")
        add_user(store, "lina", role="manager", password=PASSWORD, id="u-lina")
        store.relate("MEMBER_OF", "u-lina", "acc-metro")
        yield signed_in(app, "lina"), store


def _post(client, **data):
    return client.post("/accounts/acc-metro/people/paste", data=data, content_type="multipart/form-data")


def test_twelve_pasted_people_with_their_org_chart_are_saved_in_one_go(lina):
    client, store = lina
    preview = _post(client, text=TWELVE, action="check")
    page = text(preview)
    assert preview.status_code == 200 and "12 stakeholders ready to save." in page
    assert "备注列" in page  # named as left out
    assert store.people_of_account("acc-metro") == []  # the preview saved nothing
    # what a browser sends back: the grid's text fields and its row count (no box ticked)
    grid = dict(re.findall(r'<input name="(r\d+-\w+)" value="([^"]*)"', page))
    grid["rows"] = re.search(r'name="rows" value="(\d+)"', page).group(1)
    done = _post(client, action="save", **grid)
    assert done.status_code == 302 and done.headers["Location"].endswith("/accounts/acc-metro#network")
    people = {p["name"]: p for p in store.people_of_account("acc-metro")}
    assert len(people) == 12 and people["韩雪"]["stance"] == "opponent"
    lines = set(store.outgoing(REPORTS_TO, [p["id"] for p in people.values()]))
    assert len(lines) == 11
    assert (people["韩雪"]["id"], people["David Chen"]["id"]) in lines
    assert "Saved 12 stakeholders: 王建国, David Chen" in text(client.get("/accounts/acc-metro"))


def test_nothing_is_saved_while_a_row_has_a_problem_and_the_grid_can_be_corrected(lina):
    client, store = lina
    page = text(_post(client, text="姓名\t立场\n王芳\tfriendly\n李娜\tneutral\n", action="save"))
    assert "1 row has a problem" in page
    assert "friendly is not a stance; one of: Advocate, Supporter, Neutral, Skeptic, Opponent" in page
    assert store.people_of_account("acc-metro") == []
    grid = {"rows": "2", "r1-name": "王芳", "r1-stance": "拥护者", "r2-name": "李娜", "r2-remove": "y"}
    assert _post(client, action="save", **grid).status_code == 302
    assert [(p["name"], p["stance"]) for p in store.people_of_account("acc-metro")] == [("王芳", "champion")]


def test_markup_in_a_pasted_name_is_text(lina):
    client, store = lina
    page = text(_post(client, text=f"name\n{XSS}\n", action="check"))
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_ten_megabyte_cell_is_named_not_a_413(lina):
    client, _store = lina
    r = _post(client, text="name\ttitle\n王芳\t" + "长" * (3 * 1024 * 1024) + "\n", action="check")
    assert r.status_code == 400 and "longer than 20,000 characters" in text(r)


def test_an_xlsx_sheet_is_read_like_a_paste(lina):
    from openpyxl import Workbook

    client, store = lina
    book = Workbook()
    for row in (["Name", "Title", "Reports to"], ["王建国", "总经理", None], ["David Chen", "CTO", "王建国"]):
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    page = text(_post(client, sheet=(io.BytesIO(data.getvalue()), "people.xlsx"), action="check"))
    assert "2 stakeholders ready to save." in page
    bad = _post(client, sheet=(io.BytesIO(b"not a workbook"), "people.xlsx"), action="check")
    assert bad.status_code == 400 and "people.xlsx is not an Excel workbook" in text(bad)


def test_only_who_may_edit_the_account_may_paste(web_app):
    with web_app() as (app, store):
        store.create("Account", {"name": "江州地铁集团"}, id="acc-metro")
        add_user(store, "omar", role="manager", password=PASSWORD)
        r = signed_in(app, "omar").post("/accounts/acc-metro/people/paste", data={"text": "name\nX\n"})
        assert r.status_code == 404 and store.people_of_account("acc-metro") == []
