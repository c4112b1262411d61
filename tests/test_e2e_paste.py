"""End-to-end tests of adding stakeholders from a pasted list (web/paste.py)
in a real browser (same set-up as ``test_e2e.py``: ``graphcrm serve --demo``
in its own process, Debian's Chromium; skipped where Chromium is missing,
except under CI).

A key-account manager opens a new account, pastes twelve rows copied from a
spreadsheet with a manager column, and sees the org chart on the account's
map: three page loads from the account page (the paste page, the preview,
the account again).  In Chinese, with Chinese headers, the preview names the
problem of each cell in Chinese, the user corrects the grid and saves.
Screenshots at 1440 and 390 px, in English and Chinese, land in
``test-artifacts/paste/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from browser import require_chromium

pytestmark = pytest.mark.e2e
require_chromium()

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "paste"

#: twelve people of a metro operator as a KAM copies them from a spreadsheet: a header row
#: in another order than the form's, a column GraphCRM does not read, Excel's empty cells at the end
TWELVE = "\n".join("\t".join(row) for row in [
    ("Name", "Title", "Reports to", "Department", "Influence", "Stance", "Mobile", "Notes", "", ""),
    ("Helen Zhou", "CEO", "", "Board", "5", "neutral", "13800000001", "met at the expo"),
    ("郑海", "CTO", "Helen Zhou", "技术中心", "5", "supporter"),
    ("Mark Li", "CFO", "Helen Zhou", "Finance", "4", "skeptic"),
    ("孙悦", "采购总监", "Helen Zhou", "采购部", "4", "neutral"),
    ("王磊", "信号系统主任", "郑海", "技术中心", "3", "champion"),
    ("Grace Wu", "IT architect", "郑海", "技术中心", "3", "supporter"),
    ("赵晨", "运维经理", "郑海", "运营部", "2", "skeptic"),
    ("Tom Xu", "Controller", "Mark Li", "Finance", "2", "neutral"),
    ("钱芳", "采购经理", "孙悦", "采购部", "3", "opponent"),
    ("Lily Chen", "Buyer", "钱芳", "采购部", "1", "neutral"),
    ("周强", "工程师", "王磊", "技术中心", "2", "supporter"),
    ("Amy He", "Engineer", "Grace Wu", "技术中心", "1", "neutral"),
])


def _new_account(s, name: str) -> str:
    """Create an account through its form; return its id (the browser is on its page)."""
    s.goto("/accounts/new")
    s.page.fill("input[name=name]", name)
    with s.page.expect_navigation():
        s.page.click("main form button[type=submit]")
    return s.page.url.rstrip("/").split("/accounts/")[1].split("#")[0]


def _page_loads(s) -> list[str]:
    """Count the documents the browser loads from now on (returned list grows)."""
    loads: list[str] = []
    s.page.on("framenavigated", lambda frame: frame.parent_frame is None and loads.append(frame.url))
    return loads


def _shot(s, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    s.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_twelve_pasted_rows_become_the_org_chart_on_the_map_in_three_page_loads(session_of):
    s = session_of("lina")
    account_id = _new_account(s, "Harbour Metro (paste)")
    loads = _page_loads(s)
    with s.page.expect_navigation():
        s.page.click("text=Add stakeholders from a list")
    s.page.fill("#paste-text", TWELVE)
    with s.page.expect_navigation():
        s.page.click("button[value=check]")
    assert s.page.text_content("[role=status]").strip() == "12 stakeholders ready to save."
    assert "Left out: Notes" in s.page.inner_text("main")
    assert s.page.locator("#paste-grid tbody tr").count() == 12
    assert s.page.input_value("input[name=r2-manager]") == "Helen Zhou"
    assert s.page.input_value("input[name=r1-phone]") == "13800000001"  # "Mobile" is read as the phone
    _shot(s, "preview-1440-en")
    with s.page.expect_navigation():
        s.page.click("button[value=save]")
    assert s.page.url.endswith(f"/accounts/{account_id}#network")
    assert "Saved 12 stakeholders: Helen Zhou, 郑海" in s.page.inner_text("main")
    assert len(loads) == 3  # the paste page, the preview, the account with its map

    s.wait_for_network()
    nodes = s.page.evaluate("window.graphcrmNetwork.body.data.nodes.get().map(n => [n.id, n.label])")
    ids = {label: node_id for node_id, label in nodes}
    assert {"Helen Zhou", "郑海", "Amy He", "周强"} <= set(ids)
    lines = s.page.evaluate("window.graphcrmNetwork.body.data.edges.get()"
                            ".filter(e => e.kind === 'REPORTS_TO').map(e => [e.from, e.to])")
    assert len(lines) == 11
    assert [ids["周强"], ids["王磊"]] in lines and [ids["王磊"], ids["郑海"]] in lines
    # the org chart: the CEO above everyone, each manager above their reports
    s.page.check("input[name=network-layout][value=hierarchical]")
    s.wait_for_network()
    at = s.page.evaluate("window.graphcrmNetwork.getPositions()")
    people = [n for n in ids.values() if n in at]
    assert all(at[ids["Helen Zhou"]]["y"] < at[n]["y"] for n in people if n != ids["Helen Zhou"])
    assert all(at[report]["y"] > at[boss]["y"] for report, boss in lines)
    _shot(s, "org-chart-1440-en")
    s.page.set_viewport_size({"width": 390, "height": 900})
    s.goto(f"/accounts/{account_id}/people/paste")
    _shot(s, "paste-390-en")


def test_a_chinese_paste_names_each_problem_in_its_cell_and_saves_once_corrected(session_of):
    s = session_of("lina", "zh-CN")
    account_id = _new_account(s, "港城地铁（粘贴）")
    s.goto(f"/accounts/{account_id}/people/paste")
    assert s.page.locator("h1").text_content() == "从名单批量添加干系人"
    rows = [
        ("姓名", "职务", "部门", "直属上级", "立场", "影响力"),   # Chinese headers, another order
        ("刘总", "总经理", "总经办", "", "中立", "５"),            # a full-width digit
        ("陈工", "总工程师", "技术部", "刘总", "拥护者", "4"),
        ("<b>马</b>经理", "采购经理", "采购部", "李四", "热情", "3"),  # markup, an unknown manager and stance
    ]
    s.page.fill("#paste-text", "\n".join("\t".join(r) for r in rows))
    with s.page.expect_navigation():
        s.page.click("button[value=check]")
    assert "1 行有问题" in s.page.text_content("[role=status]")
    row = s.page.locator("#paste-grid tbody tr").nth(2)
    manager_cell = row.locator("td.problem", has=s.page.locator("input[name=r3-manager]"))
    assert "李四" in manager_cell.inner_text() and "没有" in manager_cell.inner_text()
    stance_cell = row.locator("td.problem", has=s.page.locator("input[name=r3-stance]"))
    assert "热情 不是有效的立场；可选：拥护者、支持者、中立、怀疑者、反对者" in stance_cell.inner_text()
    assert s.page.input_value("input[name=r3-name]") == "<b>马</b>经理"  # text, never markup
    assert s.page.locator("#paste-grid b").count() == 0
    assert s.page.locator("button[value=save]").count() == 0  # nothing saved while a row has a problem
    _shot(s, "problems-1440-zh")
    s.page.set_viewport_size({"width": 390, "height": 900})
    _shot(s, "problems-390-zh")
    s.page.set_viewport_size({"width": 1440, "height": 1000})

    s.page.fill("input[name=r3-manager]", "陈工")
    s.page.fill("input[name=r3-stance]", "支持者")
    with s.page.expect_navigation():
        s.page.click("button[value=check]")
    assert s.page.text_content("[role=status]").strip() == "3 位干系人可以保存。"
    with s.page.expect_navigation():
        s.page.click("button[value=save]")
    assert "已保存 3 位干系人" in s.page.inner_text("main")
    s.wait_for_network()
    labels = s.page.evaluate("window.graphcrmNetwork.body.data.nodes.get().map(n => n.label)")
    assert {"刘总", "陈工", "<b>马</b>经理"} <= set(labels)
    assert s.page.evaluate("window.graphcrmNetwork.body.data.edges.get()"
                           ".filter(e => e.kind === 'REPORTS_TO').length") == 2
    _shot(s, "saved-1440-zh")
