"""End-to-end tests in a real browser: Debian's Chromium driven by Playwright
against ``graphcrm serve --demo`` running in its own process, on its own port
and data folder.

Screenshots of the main pages land in ``test-artifacts/e2e/`` (gitignored).
Chromium comes from ``make browser`` (apt-get); without it these tests are
skipped, except under CI (``CI=true``), where a missing browser fails.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import pytest

from graphcrm.config import Settings
from graphcrm.demo import DEMO_PASSWORD
from graphcrm.graph import embedded_server, open_store

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "e2e"
XSS = "<img src=x onerror=alert(1)>"
XSS_ID = "p-e2e-xss"
ACCOUNT = "acc-metro-group"        # lina's account in the demo
OTHER_TEAMS_ACCOUNT = "acc-citybureau"

if not CHROMIUM.exists():
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"{CHROMIUM} is missing: run `make browser` before the tests")
    pytest.skip(f"{CHROMIUM} is missing (run `make browser`)", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402  (only when a browser exists)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"graphcrm serve exited with {process.returncode}; {log} ends with:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise RuntimeError(f"graphcrm serve did not answer on {url} within {timeout:.0f} s; {log} ends with:\n{_tail(log)}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``graphcrm serve --demo`` on a free port; yields its base URL and settings."""
    data_dir = tmp_path_factory.mktemp("e2e-data")
    settings = Settings(data_dir=data_dir, secret_key="e2e-secret")
    port = _free_port()
    env = {**os.environ, "GRAPHCRM_DATA_DIR": str(data_dir), "GRAPHCRM_SECRET_KEY": "e2e-secret"}
    # its output, the request log included, goes to a file: a pipe nobody reads would
    # fill up and block the server
    log = tmp_path_factory.mktemp("e2e-serve") / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "graphcrm.cli", "serve", "--demo", "--port", str(port)],
            env=env, stdout=output, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base + "/login", process, log)
        # a stakeholder with a hostile name on lina's account, known to her
        with open_store(settings) as store:
            store.create_person(ACCOUNT, {"name": XSS, "title": XSS, "department": "运营部",
                                          "influence": 3, "stance": "champion"}, id=XSS_ID)
            store.relate("RELATIONSHIP", "u-lina", XSS_ID, {"strength": 3})
        yield base, settings
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        embedded_server(settings).stop()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield b
        b.close()


class Session:
    """One signed-in browser context; records page errors and CSP violations."""

    def __init__(self, browser, base: str, username: str, locale: str = "en-US"):
        self.base = base
        self.context = browser.new_context(locale=locale, viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("console", self._console)
        self.page.on("response", self._response)
        self.page.on("dialog", self._dialog)
        self.goto("/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", DEMO_PASSWORD)
        with self.page.expect_navigation():
            self.page.click("form.card button[type=submit]")

    def _console(self, message):
        # failed loads are reported by _response (a 404 page itself is expected)
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console: {message.text}")

    def _response(self, response):
        if response.status >= 400 and response.request.resource_type != "document":
            self.problems.append(f"{response.status} for {response.url}")

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def goto(self, path: str):
        return self.page.goto(self.base + path)

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def wait_for_network(self, timeout: float = 20.0) -> None:
        """Wait until the network is drawn and laid out for good: network.js marks its
        container ``data-settled`` once stabilization has ended and physics is off, so
        no node moves after that (the force layout has no fixed seed)."""
        # polled from here: page.wait_for_function evaluates strings, which the CSP forbids
        deadline = time.monotonic() + timeout
        while not self.page.evaluate(
                "!!window.graphcrmNetwork && document.getElementById('network').dataset.settled === 'true'"):
            assert time.monotonic() < deadline, "the network's layout did not settle"
            time.sleep(0.1)

    def point_on_node(self, node_id: str) -> dict:
        """A point of the canvas (page coordinates) where the network finds the node
        ``node_id`` on top, after zooming in on it: its centre unless another node
        covers that, else the first such point of its bounding box."""
        point = self.page.evaluate("""(nodeId) => {
            const network = window.graphcrmNetwork;
            network.focus(nodeId, {scale: 1.5, animation: false});
            const centre = network.canvasToDOM(network.getPositions([nodeId])[nodeId]);
            if (network.getNodeAt(centre) === nodeId) { return centre; }
            const box = network.getBoundingBox(nodeId);
            for (let i = 0; i <= 10; i++) {
                for (let j = 0; j <= 10; j++) {
                    const dom = network.canvasToDOM({x: box.left + (box.right - box.left) * j / 10,
                                                     y: box.top + (box.bottom - box.top) * i / 10});
                    if (network.getNodeAt(dom) === nodeId) { return dom; }
                }
            }
            return null;
        }""", node_id)
        assert point is not None, f"{node_id} is covered by other nodes"
        box = self.page.locator("#network canvas").bounding_box()
        return {"x": box["x"] + point["x"], "y": box["y"] + point["y"]}

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def session_of(browser, server):
    opened = []

    def open_session(username: str, locale: str = "en-US") -> Session:
        s = Session(browser, server[0], username, locale)
        opened.append(s)
        return s

    yield open_session
    for s in opened:
        problems, dialogs = s.problems, s.dialogs
        s.close()
        assert not problems, problems  # no script errors, no CSP violations
        assert not dialogs, dialogs    # no injected script ever ran


def test_login_and_account_network(session_of, server):
    base, settings = server
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
    assert "拥护者力量" in s.page.locator("table.data").first.inner_text()
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


def test_manager_cannot_open_another_teams_account(session_of, server):
    s = session_of("lina")
    response = s.goto(f"/accounts/{OTHER_TEAMS_ACCOUNT}")
    assert response.status == 404
    assert "江州市住房和城乡建设局" not in s.page.content()
    assert s.goto("/opportunities/opp-citybureau-smartsite").status == 404
    s.page.goto(server[0] + "/")
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
    assert set(s.page.locator("#bids tbody td:nth-child(3)").all_inner_texts()) == {"Tender"}
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


def test_login_page(browser, server):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(server[0] + "/login")
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
