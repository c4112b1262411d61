"""The exchange rates an admin edits (web/admin.py, graphcrm/rates.py) and the
dashboard showing amounts with their currency, converted before they are
summed or sorted, and why an account needs attention; against the real
embedded database."""

from __future__ import annotations

import html
import re

import pytest

from graphcrm.rates import RATES_FILE, load_rates
from graphcrm.users import add_user
from graphcrm.web import create_app

from fixtures import PASSWORD, login, text


@pytest.fixture(scope="module")
def app(web_app):
    with web_app() as (app, store):
        for username, role in {"admin": "admin", "director": "director", "lina": "manager"}.items():
            add_user(store, username, role=role, password=PASSWORD, id=f"user-{username}")
        store.create("Account", {"name": "Yuan Works", "lifecycle": "active"}, id="acc-yuan")
        store.create("Account", {"name": "Dollar Corp", "lifecycle": "active"}, id="acc-usd")
        store.create("Account", {"name": "Odd Ltd", "lifecycle": "at_risk"}, id="acc-odd")
        store.create_opportunity("acc-yuan", {"name": "Yuan bid", "stage": "lead", "value": 5_000_000,
                                              "currency": "CNY"}, id="opp-yuan")
        store.create_opportunity("acc-usd", {"name": "Dollar bid", "stage": "lead", "value": 1_000_000,
                                             "currency": "USD"}, id="opp-usd")
        store.create_opportunity("acc-odd", {"name": "Odd bid", "stage": "lead", "value": 9_000_000,
                                             "currency": "XYZ"}, id="opp-odd")
        yield app


@pytest.fixture
def data_dir(app):
    """The data folder's rate table is removed after each test (the session's tests share the folder)."""
    folder = app.config["GRAPHCRM_SETTINGS"].data_dir
    yield folder
    (folder / RATES_FILE).unlink(missing_ok=True)


def client(app, username):
    c = app.test_client()
    assert login(c, username).status_code == 302
    return c


def rows(page: str) -> list[str]:
    body = page[page.index('id="accounts"'):]
    return re.findall(r'<td><a href="/accounts/([^"]+)">', body[:body.index("</table>")])


def test_only_admins_see_and_change_the_rates(app, data_dir):
    for username in ("director", "lina"):
        c = client(app, username)
        assert c.get("/admin/rates").status_code == 403
        assert c.post("/admin/rates", data={"currency": "USD", "rates": "CNY 0.14"}).status_code == 403
    assert not (data_dir / RATES_FILE).exists()
    page = text(client(app, "admin").get("/admin/rates"))
    assert "not live rates" in page and "USD 7.1" in page and "EUR 7.8" in page  # the documented defaults


def test_saved_rates_are_stored_and_used_by_the_dashboard(app, data_dir):
    admin = client(app, "admin")
    r = admin.post("/admin/rates", data={"currency": "cny", "rates": "USD 8\nEUR 7.8\n"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/admin/rates")
    assert load_rates(data_dir) == {"currency": "CNY", "rates": {"EUR": 7.8, "USD": 8.0}}
    assert "USD 8" in text(admin.get("/admin/rates"))
    page = html.unescape(text(client(app, "director").get("/?accounts_sort=value_at_risk&accounts_dir=desc")))
    # nobody mapped: every bid's whole value is at risk; 1 M USD is 8 M CNY, above 5 M CNY
    assert rows(page)[:2] == ["acc-usd", "acc-yuan"]
    assert "CNY 8M" in page and "CNY 5M" in page and "USD 1M" in page
    assert "open value CNY 13M" in page  # the XYZ bid is not added in
    assert "not converted: no rate for XYZ" in page
    zh = client(app, "director")
    zh.get("/lang/zh")
    page = html.unescape(text(zh.get("/")))
    assert "800 万元" in page and "100 万美元" in page and "在跟商机金额 1,300 万元" in page
    bids = text(client(app, "director").get("/?bids_sort=value&bids_dir=desc"))
    bids = bids[bids.index('id="bids"'):]
    assert [b for b in re.findall(r'/opportunities/(opp-[a-z]+)"', bids)] == ["opp-usd", "opp-yuan", "opp-odd"]


@pytest.mark.parametrize("rates, problem", [
    ("USD -7", "Line 1 (USD -7): the rate must be greater than zero."),
    ("USD 0", "Line 1 (USD 0): the rate must be greater than zero."),
    ("EUR 7.8\nUSD seven", "Line 2 (USD seven): the rate must be a number, such as 7.1."),
    ("USD nan", "Line 1 (USD nan): the rate must be a number, such as 7.1."),
    ("DOLLAR 7", "Line 1 (DOLLAR 7): the currency must be a three-letter code such as USD."),
    ("USD", "Line 1 (USD): write a currency code and a rate, such as USD 7.1."),
    ("USD 7\nUSD 8", "Line 2 (USD 8): this currency has a rate already."),
])
def test_a_bad_rate_is_refused_with_a_clear_message(app, data_dir, rates, problem):
    r = client(app, "admin").post("/admin/rates", data={"currency": "CNY", "rates": rates})
    assert r.status_code == 400
    assert problem in html.unescape(text(r))
    assert not (data_dir / RATES_FILE).exists()


def test_a_bad_reporting_currency_is_refused(app, data_dir):
    r = client(app, "admin").post("/admin/rates", data={"currency": "yuan", "rates": "USD 7"})
    assert r.status_code == 400 and "Enter a three-letter currency code such as CNY." in text(r)


def test_the_rates_form_needs_its_csrf_token(app, data_dir):
    protected = create_app({"TESTING": True, "SETTINGS": app.config["GRAPHCRM_SETTINGS"]})
    try:
        csrf_checked(protected.test_client(), data_dir)
    finally:
        store = protected.extensions.get("graphcrm_store")
        if store is not None:
            store.close()


def csrf_checked(c, data_dir):
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text(c.get("/login"))).group(1)
    assert c.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token}).status_code == 302
    assert c.post("/admin/rates", data={"currency": "CNY", "rates": "USD 9"}).status_code == 400
    assert not (data_dir / RATES_FILE).exists()
    page = text(c.get("/admin/rates"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert c.post("/admin/rates", data={"currency": "CNY", "rates": "USD 9", "csrf_token": token}).status_code == 302
    assert load_rates(data_dir)["rates"] == {"USD": 9.0}


def test_the_dashboard_says_why_an_account_needs_attention(app, data_dir):
    page = html.unescape(text(client(app, "director").get("/")))
    table = page[page.index('id="accounts"'):]
    assert rows(page)[0] == "acc-odd"  # recorded at risk: first, whatever its value
    reason = "The account team recorded Odd Ltd as at risk."
    assert f'<span class="badge" title="{reason}">needs attention</span>' in table
    assert f'<li title="Recorded as at risk">{reason}</li>' in table
    assert table.count("needs attention</span>") == 1
    c = client(app, "director")
    c.get("/lang/zh")
    zh = html.unescape(text(c.get("/")))
    assert "客户团队已将Odd Ltd的生命周期阶段记录为“有流失风险”。" in zh
    assert "需关注" in zh and "未换算：没有 XYZ 的汇率" in zh
