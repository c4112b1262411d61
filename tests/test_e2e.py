"""End-to-end tests in a real browser: Debian's Chromium driven by Playwright
against ``graphcrm serve --demo`` running in its own process, on its own port
and data folder.

Screenshots of the main pages land in ``test-artifacts/e2e/`` (gitignored).
Chromium comes from ``make browser`` (apt-get); without it these tests are
skipped, except under CI (``CI=true``), where a missing browser fails.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from graphcrm.graph import open_store

from browser import ACCOUNT, ARTIFACTS, OTHER_TEAMS_ACCOUNT, XSS, XSS_ID, require_chromium

pytestmark = pytest.mark.e2e
require_chromium()

def test_login_and_account_network(session_of, demo_server):
    base, settings = demo_server
    s = session_of("lina")
    assert s.page.url == base + "/"
    assert s.page.locator("h1").inner_text() == "My accounts"
    s.shot("my-accounts")
    s.page.click(f"a[href='/accounts/{ACCOUNT}']")
    s.wait_for_network()
    with open_store(settings) as store:
        people = {p["id"] for p in store.people_of_account(ACCOUNT)}
    ids = set(s.page.evaluate("window.graphcrmNetwork.body.data.nodes.getIds()"))
    assert people <= ids and XSS_ID in ids
    assert "u-lina" in ids                   # our team member, drawn as a box
    assert s.page.evaluate("window.graphcrmNetwork.body.data.nodes.get('u-lina').shape") == "box"
    positions = s.page.evaluate("window.graphcrmNetwork.getPositions()")
    assert set(positions) == ids             # every node laid out on the canvas
    # edge toggles hide a relationship kind and bring it back
    shown = s.page.evaluate("window.graphcrmNetwork.body.data.edges.length")
    s.page.uncheck(".edge-toggle[value=REPORTS_TO]")
    fewer = s.page.evaluate("window.graphcrmNetwork.body.data.edges.length")
    s.page.check(".edge-toggle[value=REPORTS_TO]")
    assert 0 < fewer < shown == s.page.evaluate("window.graphcrmNetwork.body.data.edges.length")
    s.shot("account")
    s.page.click("table#stakeholders a >> nth=0")
    s.page.wait_for_selector("h2:has-text('Timeline')")
    s.shot("person")


def test_log_interaction_appears_in_timeline(session_of):
    # yesterday, in the calendar of the demo the server loaded (its dates count back from
    # the same today): newer than any of the demo's interactions with 韩雪
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    s = session_of("lina")
    s.goto("/people/p-han-xue")
    s.page.select_option("select[name=kind]", "meeting")
    s.page.select_option("select[name=channel]", "video")
    s.page.fill("input[name=at]", f"{yesterday}T10:15")
    s.page.fill("textarea[name=summary]", "E2E: 讨论4号线ISCS接口方案 & next steps")
    s.page.fill("input[name=sentiment]", "1")
    with s.page.expect_navigation():
        s.page.click("form.stacked button[type=submit]")
    assert "Interaction logged." in s.page.locator("p.flash").inner_text()
    first = s.page.locator("ul.timeline li").first
    assert "E2E: 讨论4号线ISCS接口方案 & next steps" in first.inner_text()
    assert f"{yesterday} 10:15" in first.locator("time").inner_text()
    s.shot("person-after-interaction")


def test_chinese_pages(session_of):
    s = session_of("lina")
    s.goto(f"/accounts/{ACCOUNT}")
    s.page.click("nav.lang a:has-text('中文')")
    s.wait_for_network()
    assert s.page.locator("html").get_attribute("lang") == "zh-Hans"
    assert "干系人" in s.page.content()
    tooltip = s.page.evaluate("window.graphcrmNetwork.body.data.nodes.get('p-han-xue').title")
    assert "影响力" in tooltip and "influence" not in tooltip
    edge_titles = s.page.evaluate("window.graphcrmNetwork.body.data.edges.get().map(e => e.title)")
    assert "汇报给" in edge_titles and any(t.startswith("认识") or t.startswith("影响") for t in edge_titles)
    s.shot("account-zh")
    s.goto("/people/p-han-xue")
    assert "时间线" in s.page.content()
    s.shot("person-zh")
    s.goto("/opportunities/opp-metro-line4")
    assert "单线联系" in s.page.locator("ol.actions").inner_text()  # finding titles in Chinese
    assert "内部推动者力量" in s.page.locator("table.data").first.inner_text()
    s.shot("opportunity-zh")


def test_xss_name_is_text_in_table_tooltip_and_network(session_of):
    s = session_of("lina")
    s.goto(f"/accounts/{ACCOUNT}")
    s.wait_for_network()
    cell = s.page.locator(f"table#stakeholders a[href='/people/{XSS_ID}']")
    assert cell.inner_text() == XSS
    assert s.page.locator("img[src=x]").count() == 0
    node = s.page.evaluate(f"window.graphcrmNetwork.body.data.nodes.get('{XSS_ID}')")
    assert node["label"] == XSS and node["title"].startswith(XSS)
    # hover the node: vis-network's tooltip shows the title as text
    point = s.point_on_node(XSS_ID)
    s.page.mouse.move(point["x"], point["y"])
    tooltip = s.page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible")
    assert XSS in tooltip.inner_text() and tooltip.locator("img").count() == 0
    # click it: the details panel shows it as text too
    s.page.mouse.click(point["x"], point["y"])
    assert s.page.locator("#node-details").inner_text().startswith(XSS)
    s.shot("account-xss-tooltip")
    s.goto(f"/people/{XSS_ID}")
    assert s.page.locator("h1").inner_text() == XSS
    s.goto("/search?q=img")
    assert s.page.locator(f"a[href='/people/{XSS_ID}']").inner_text() == XSS
    assert s.page.locator("img[src=x]").count() == 0


def test_manager_cannot_open_another_teams_account(session_of, demo_server):
    s = session_of("lina")
    response = s.goto(f"/accounts/{OTHER_TEAMS_ACCOUNT}")
    assert response.status == 404
    assert "江州市住房和城乡建设局" not in s.page.content()
    assert s.goto("/opportunities/opp-citybureau-smartsite").status == 404
    s.page.goto(demo_server[0] + "/")
    assert s.page.locator(f"a[href='/accounts/{OTHER_TEAMS_ACCOUNT}']").count() == 0
    s.goto(f"/accounts/{OTHER_TEAMS_ACCOUNT}")
    s.shot("forbidden-account")


def test_director_pages(session_of):
    s = session_of("director")
    assert s.page.locator("h1").inner_text() == "Portfolio coverage"
    s.shot("dashboard")
    # the tables sort and filter on the server: a header link, then the form keeps that sort
    s.page.locator("#bids th a", has_text="Value").click()
    s.page.wait_for_url("**bids_sort=value**")
    assert s.page.locator("#bids th[aria-sort=ascending]").inner_text().startswith("Value")
    s.page.locator("select[name=bids_stage]").select_option("tender")
    s.page.locator("form.filters button").first.click()
    s.page.wait_for_url("**bids_stage=tender**")
    assert "bids_sort=value" in s.page.url and s.page.locator("#bids tbody tr").count() >= 1
    assert set(s.page.locator("#bids tbody td:nth-child(5)").all_inner_texts()) == {"Tender"}  # the stage
    s.goto("/opportunities/opp-citybureau-smartsite")
    assert s.page.locator(".score").inner_text().isdigit()
    s.shot("opportunity")
    s.goto("/search?q=江州")
    s.shot("search")
    s.goto("/lang/zh?next=/")
    assert s.page.locator("h1").inner_text() != "Portfolio coverage"
    s.shot("dashboard-zh")
    s.goto("/opportunities/opp-citybureau-smartsite")
    actions, why = s.page.locator("ol.actions").inner_text(), s.page.locator("table.data").first.inner_text()
    assert "。" in actions and "。" in why  # the gaps and the readiness evidence in Chinese
    assert " the " not in actions + why and " with " not in actions + why
    s.shot("opportunity-zh")


def test_login_page(browser, demo_server):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(demo_server[0] + "/login")
    assert "登录" in page.content()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "login-zh.png"), full_page=True)
    context.close()


def test_browser_enforces_the_content_security_policy(session_of):
    """Script that got into a page anyway would not run: the CSP forbids inline script."""
    s = session_of("lina")
    s.goto(f"/accounts/{ACCOUNT}")
    ran = s.page.evaluate("""() => {
        const el = document.createElement('script');
        el.textContent = 'window.injectedRan = true';
        document.body.appendChild(el);
        return window.injectedRan === true;
    }""")
    assert ran is False
    assert any("Content Security Policy" in p for p in s.problems)
    s.problems.clear()  # the violation was the point here


def test_forms_and_admin_pages(session_of):
    """The pages other than the main ones render without script errors or CSP violations."""
    s = session_of("lina")
    s.goto("/my-week")
    s.shot("my-week")
    s.goto(f"/people/{XSS_ID}/edit")
    assert s.page.locator("input[name=name]").input_value() == XSS
    s.shot("person-edit")
    admin = session_of("admin")
    for path, name in (("/admin/users", "admin-users"), ("/admin/audit", "admin-audit")):
        assert admin.goto(path).status == 200
        admin.shot(name)
