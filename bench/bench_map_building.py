"""What mapping one pursuit costs a key-account manager in the browser: page loads, fields filled, clicks, wall time.

    .venv/bin/python bench/bench_map_building.py [--flow forms|fastest|both]

The scenario (issue "Map building a key-account manager will actually do"):
an account, 12 stakeholders with their org chart, 2 informal influence
lines, our relationships to 4 of them, a competitor's tie to their CTO, an
opportunity with 6 buying-center roles and 3 interactions.  Debian's
Chromium (Playwright) signs in as ``lina`` to ``graphcrm serve --demo`` in a
temporary folder and does it the way a user would:

* ``forms``: one form per fact, as the app allowed before the paste page and
  the person form's pickers (every stakeholder and every reports-to line a
  form of its own);
* ``fastest``: the quickest way the app offers now: the 12 people with their
  org chart pasted as one list; the influence lines, our relationships and
  the competitor's tie in the account map's side panel, the buying-center
  roles in the power map's (a person found with the find box, each change
  saved without a page load); the interactions on the person pages.  Before
  the map could be edited this flow took 54 page loads, 32 fields and 41
  clicks.

A page load is a navigation of the main frame (a form's save that redirects
counts once; a save on the map loads no page); fields are the inputs filled
or chosen; clicks are the links and buttons pressed (and Enter in the find
box).  Prints one JSON object per flow.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from graphcrm.demo import DEMO_PASSWORD

CHROMIUM = "/usr/bin/chromium"
#: the 12 people: name, title, department, manager (by name), influence, stance
PEOPLE = [
    ("王建国", "总经理", "总经办", "", 5, "neutral"),
    ("David Chen", "CTO", "信息中心", "王建国", 5, "supporter"),
    ("刘芳", "CFO", "财务部", "王建国", 4, "skeptic"),
    ("韩雪", "高级工程师", "机电工程部", "David Chen", 3, "opponent"),
    ("孔繁宇", "运维主管", "信息中心", "David Chen", 3, "neutral"),
    ("Emily Wang", "Architect", "信息中心", "David Chen", 2, "champion"),
    ("赵磊", "采购经理", "采购部", "刘芳", 4, "skeptic"),
    ("孙丽", "采购专员", "采购部", "赵磊", 2, "neutral"),
    ("周敏", "项目经理", "工程部", "王建国", 3, "supporter"),
    ("吴强", "工程师", "工程部", "周敏", 2, "neutral"),
    ("郑海", "法务", "法务部", "刘芳", 2, "neutral"),
    ("唐军", "信息中心主任", "信息中心", "David Chen", 4, "champion"),
]
INFLUENCES = [("唐军", "David Chen"), ("Emily Wang", "韩雪")]  # (who, whom)
OURS = ["David Chen", "唐军", "刘芳", "周敏"]
ROLES = [("王建国", "economic_buyer"), ("David Chen", "decision_maker"), ("韩雪", "technical_buyer"),
         ("赵磊", "procurement"), ("唐军", "champion"), ("孙丽", "user_buyer")]
MEETINGS = ["David Chen", "唐军", "刘芳"]


class Meter:
    """A signed-in browser page that counts what the user does."""

    def __init__(self, page, base: str):
        self.page, self.base = page, base
        self.loads = self.fields = self.clicks = 0
        page.on("framenavigated", lambda frame: self._navigated(frame))

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.loads += 1

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)

    def fill(self, selector: str, value: str) -> None:
        self.page.fill(selector, value)
        self.fields += 1

    def select(self, selector: str, value) -> None:
        self.page.select_option(selector, value)
        self.fields += 1

    def click(self, selector: str) -> None:
        self.page.click(selector)
        self.page.wait_for_load_state()
        self.clicks += 1

    def person_link(self, name: str) -> str:
        return self.page.locator("table#stakeholders a", has_text=name).first.get_attribute("href")

    def pick(self, selector: str, text: str) -> None:
        """Choose the option of a person picker whose text holds ``text`` (name — title — department)."""
        self.select(selector, self.page.locator(f"{selector} option", has_text=text).first.get_attribute("value"))

    def find_on_map(self, name: str) -> None:
        """Choose a person on the map with the find box: the side panel opens with them."""
        self.fill("#network-find", name)
        self.page.press("#network-find", "Enter")
        self.clicks += 1
        self.page.wait_for_function("(name) => document.getElementById('map-person-name').textContent === name",
                                    arg=name)

    def save_on_map(self, selector: str) -> None:
        """Press a save button of the map's side panel and wait for the status line to say it was saved."""
        self.page.evaluate("document.getElementById('map-status').textContent = ''")
        self.page.click(selector)
        self.clicks += 1
        self.page.wait_for_function(
            "() => /^(已保存|Saved|未保存|Not saved)/.test(document.getElementById('map-status').textContent)")
        said = self.page.text_content("#map-status")
        if not said.startswith(("已保存", "Saved")):
            raise RuntimeError(f"the map did not save: {said}")


def _new_account(m: Meter, flow: str) -> str:
    m.click("a[href='/accounts/new']")
    m.fill("input[name=name]", f"Northwind Rail Authority 北风轨道交通 ({flow})")  # one account per flow
    m.click("form.edit-form button[type=submit]:not([name])")
    return m.page.url.rsplit("/", 1)[1]


def _people_with_forms(m: Meter, account_id: str) -> None:
    for name, title, department, _manager, influence, stance in PEOPLE:
        m.goto(f"/accounts/{account_id}")  # back to the account, as the old form landed on the person
        m.click(f"a[href='/accounts/{account_id}/people/new']")
        m.fill("input[name=name]", name)
        m.fill("input[name=title]", title)
        m.fill("input[name=department]", department)
        m.select("select[name=influence]", str(influence))
        m.select("select[name=stance]", stance)
        m.click("form.edit-form button[type=submit]:not([name])")
    m.goto(f"/accounts/{account_id}")
    for name, _t, _d, manager, _i, _s in PEOPLE:
        if manager:
            _peer_line(m, account_id, name, "REPORTS_TO", manager)


def _peer_line(m: Meter, account_id: str, name: str, kind: str, other: str) -> None:
    m.goto(f"/accounts/{account_id}")
    m.click(f"table#stakeholders a:has-text('{name}')")
    m.click("a[href$='/relationships/new/peer']")
    m.select("select[name=kind]", kind)
    m.page.select_option("select[name=other]", label=m.page.locator(
        "select[name=other] option", has_text=other).first.inner_text())
    m.fields += 1
    m.click("form.edit-form button[type=submit]:not([name])")


def _people_pasted(m: Meter, account_id: str) -> None:
    m.click(f"a[href='/accounts/{account_id}/people/paste']")
    rows = ["Name\tTitle\tDepartment\tReports to\tInfluence\tStance"]
    rows += ["\t".join(map(str, person)) for person in PEOPLE]
    m.fill("textarea[name=text]", "\n".join(rows))
    m.click("button[value=check]")
    m.click("button[value=save]")


def _on_the_map(m: Meter, account_id: str) -> None:
    """The influence lines, our relationships, the competitor's tie, the opportunity and its
    buying center, on the account map and the power map; the interactions on the person pages."""
    m.page.wait_for_function("() => document.getElementById('network').dataset.settled === 'true'")
    for who, whom in INFLUENCES:
        m.find_on_map(who)
        m.select("#map-line-kind", "INFLUENCES")
        m.pick("#map-line-other", whom)
        m.save_on_map("#map-line button[type=submit]")
    for name in OURS:
        m.find_on_map(name)
        m.select("#map-ours-strength", "4")
        m.save_on_map("#map-ours button[type=submit]")
    m.find_on_map("David Chen")
    m.fill("#map-tie-new", "华信科技")
    m.save_on_map("#map-tie button[type=submit]")
    _new_opportunity(m, account_id)  # from the account page, where the map is
    m.page.wait_for_function("() => document.getElementById('network').dataset.settled === 'true'")
    for name, role in ROLES:
        m.pick("#map-add-role-person", name)
        m.select("#map-add-role-role", role)
        m.save_on_map("#map-add-role button[type=submit]")
    _meetings(m, account_id)


def _new_opportunity(m: Meter, account_id: str) -> str:
    """A new opportunity from the account page; returns its id (its page is open)."""
    m.click(f"a[href='/accounts/{account_id}/opportunities/new']")
    m.fill("input[name=name]", "北风 5号线 ISCS")
    m.select("select[name=stage]", "pre_bid")
    m.fill("input[name=value]", "38000000")
    m.click("form.edit-form button[type=submit]:not([name])")
    if "/opportunities/" not in m.page.url:  # the save went back to the account: open the new opportunity
        m.click("a:has-text('北风 5号线 ISCS')")
    return m.page.url.rsplit("/", 1)[1]


def _meetings(m: Meter, account_id: str) -> None:
    for name in MEETINGS:
        m.goto(f"/accounts/{account_id}")
        m.click(f"table#stakeholders a:has-text('{name}')")
        m.select("select[name=kind]", "meeting")
        m.fill("textarea[name=summary]", f"5号线方案交流：{name}")
        m.click("form.stacked button[type=submit]")


def _with_forms(m: Meter, account_id: str) -> None:
    """The same, one form per fact, back on the account or the opportunity after each."""
    for who, whom in INFLUENCES:  # who influences whom
        _peer_line(m, account_id, who, "INFLUENCES", whom)
    for name in OURS:
        m.goto(f"/accounts/{account_id}")
        m.click(f"table#stakeholders a:has-text('{name}')")
        m.click("a[href$='/relationships/new/ours']")
        m.select("select[name=other]", "u-lina")  # the form did not default to the signed-in user
        m.select("select[name=strength]", "4")
        m.click("form.edit-form button[type=submit]:not([name])")
    m.goto(f"/accounts/{account_id}")
    m.click("table#stakeholders a:has-text('David Chen')")
    m.click("a[href$='/relationships/new/competitor']")
    m.fill("input[name=new_competitor]", "华信科技")
    m.click("form.edit-form button[type=submit]:not([name])")
    m.goto(f"/accounts/{account_id}")
    opportunity_id = _new_opportunity(m, account_id)
    m.goto(f"/opportunities/{opportunity_id}")
    for name, role in ROLES:
        m.goto(f"/opportunities/{opportunity_id}")  # back on the opportunity after each save
        m.click(f"a[href='/opportunities/{opportunity_id}/roles/new']")
        m.page.select_option("select[name=other]", label=m.page.locator(
            "select[name=other] option", has_text=name).first.inner_text())
        m.fields += 1
        m.select("select[name=role]", role)
        m.click("form.edit-form button[type=submit]:not([name])")
    _meetings(m, account_id)


def run_flow(browser, base: str, flow: str) -> dict:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("input[name=username]", "lina")
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    m = Meter(page, base)
    start = time.perf_counter()
    m.goto("/")
    account_id = _new_account(m, flow)
    people_start = m.loads
    if flow == "forms":
        _people_with_forms(m, account_id)
    else:
        _people_pasted(m, account_id)
    people_loads = m.loads - people_start
    if flow == "forms":
        _with_forms(m, account_id)
    else:
        _on_the_map(m, account_id)
    seconds = time.perf_counter() - start
    context.close()
    return {"flow": flow, "page_loads": m.loads, "people_and_org_chart_page_loads": people_loads,
            "fields": m.fields, "clicks": m.clicks, "seconds": round(seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flow", choices=("forms", "fastest", "both"), default="both")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "GRAPHCRM_DATA_DIR": folder, "GRAPHCRM_SECRET_KEY": "bench"}
        port = 5391
        log = open(Path(folder) / "serve.log", "wb")
        server = subprocess.Popen([sys.executable, "-m", "graphcrm.cli", "serve", "--demo", "--port", str(port)],
                                  env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    urllib.request.urlopen(base + "/login", timeout=2)
                    break
                except OSError:
                    time.sleep(0.2)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                for flow in (("forms", "fastest") if args.flow == "both" else (args.flow,)):
                    print(json.dumps(run_flow(browser, base, flow), ensure_ascii=False))
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
            subprocess.run([sys.executable, "-m", "graphcrm.cli", "db", "stop"], env=env, check=False)


if __name__ == "__main__":
    main()
