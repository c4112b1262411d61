"""The weekly digest (``graphcrm digest``, graphcrm/web/digest.py) on each
store, sent to a real SMTP server the tests start on loopback (aiosmtpd):
the messages received, each user's language and links, and that nobody
receives an account they may not see."""

from __future__ import annotations

import re
import socket
from datetime import date, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from graphcrm.cli import main
from graphcrm.graph import open_store
from graphcrm.users import add_user
from graphcrm.web import digest

from fixtures import FORBIDDEN, PASSWORD, load_access_portfolio, signed_in

BASE_URL = "https://crm.example.com/graphcrm"
#: where the dry-run text of the demo's director and one manager is kept for the issue's note
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "digest"


class Inbox:
    """An aiosmtpd handler that keeps what it receives: (envelope recipients, parsed message)."""

    def __init__(self):
        self.received: list[tuple[list[str], object]] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted for delivery"

    def to(self, address: str):
        """The one message sent to ``address``."""
        found = [m for rcpt, m in self.received if rcpt == [address]]
        assert len(found) == 1, (address, [rcpt for rcpt, _ in self.received])
        return found[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def inbox(monkeypatch):
    """A real SMTP server on loopback, and the settings that make ``graphcrm digest`` use it."""
    received = Inbox()
    controller = Controller(received, hostname="127.0.0.1", port=free_port())
    controller.start()
    for var, value in {"GRAPHCRM_SMTP_HOST": "127.0.0.1", "GRAPHCRM_SMTP_PORT": str(controller.port),
                       "GRAPHCRM_SMTP_FROM": "GraphCRM <crm@example.com>", "GRAPHCRM_SMTP_STARTTLS": "0",
                       "GRAPHCRM_BASE_URL": BASE_URL}.items():
        monkeypatch.setenv(var, value)
    yield received
    controller.stop()


def parts(message) -> tuple[str, str]:
    """The plain text and the HTML of a digest."""
    return (message.get_body(preferencelist=("plain",)).get_content(),
            message.get_body(preferencelist=("html",)).get_content())


def site_today(settings) -> str:
    """Today where the site is (GRAPHCRM_TIMEZONE): the digest's date."""
    return datetime.now(settings.zone).date().isoformat()


def links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"<]+", text)


def test_the_demo_director_and_a_manager_get_their_week_in_their_language(runner, inbox, monkeypatch):
    assert runner.invoke(main, ["demo"]).exit_code == 0
    dry = runner.invoke(main, ["digest", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "8 digest(s) would be sent; nothing was sent (--dry-run)" in dry.output
    assert inbox.received == []  # a dry run sends nothing
    for username in ("director", "lina"):
        one = runner.invoke(main, ["digest", "--dry-run", "--user", username])
        assert one.exit_code == 0 and "1 digest(s) would be sent" in one.output
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / f"{username}.txt").write_text(one.output, encoding="utf-8")

    sent = runner.invoke(main, ["digest"])
    assert sent.exit_code == 0, sent.output
    assert sent.output.startswith("8 digest(s) sent through 127.0.0.1:")
    assert sorted(r[0] for r, _ in inbox.received) == sorted(
        f"{u}@example.com" for u in ("admin", "director", "lina", "zhangwei", "liuyang", "sunli", "gaofeng", "viewer"))

    director = inbox.to("director@example.com")
    text, html = parts(director)
    assert director["Subject"] == f"GraphCRM 每周摘要（{site_today(runner.settings)}）"
    assert director["Content-Language"] == "zh" and "周明 Zhou Ming" in director["To"]
    assert director["From"] == "GraphCRM <crm@example.com>"
    assert "周明 Zhou Ming，您好：" in text and "逾期未联系" in text and "天内预计成交的投标" in text
    # the director sees every account: the metro renewal (lina's) closes within 30 days, with its readiness
    assert "线网综合监控三年运维服务续约" in text and "准备度：" in text
    assert f"{BASE_URL}/opportunities/opp-metro-ops-om" in links(text)
    assert f"{BASE_URL}/people/p-wu-zhiyuan" in links(text)  # the most influential overdue contact first
    assert text.index("吴志远") < text.index("陈国强")
    assert f"{BASE_URL}/" in links(text)  # the portfolio, for who sees it
    assert '<html lang="zh-CN">' in html and f'href="{BASE_URL}/opportunities/opp-metro-ops-om"' in html

    lina = inbox.to("lina@example.com")
    text, html = parts(lina)
    assert lina["Subject"] == f"GraphCRM: your week of {site_today(runner.settings)}"
    assert lina["Content-Language"] == "en" and "Hello 李娜 Li Na," in text
    # the unanswered complaint of the signal workshop: an alert with the page that closes it
    assert "The follow-up to 孟琪's feedback" in text and "days overdue" in text
    assert any(re.fullmatch(rf"{BASE_URL}/interactions/[\w-]+/close", link) for link in links(text))
    assert "线网综合监控三年运维服务续约" in text and "Readiness: " in text
    assert "江州市住房和城乡建设局" not in text + html  # zhangwei's account: lina is not on its team
    assert f"{BASE_URL}/my-week" in links(text) and f"{BASE_URL}/" not in links(text)
    assert all(link.startswith(BASE_URL + "/") for link in links(text))
    assert '<html lang="en">' in html and "The follow-up to 孟琪&#39;s feedback" in html

    # a long list of bids ends with how many more, and for a director the dashboard filtered to them
    monkeypatch.setattr(digest, "MAX_BIDS", 1)
    short = runner.invoke(main, ["digest", "--dry-run", "--user", "director"]).output
    more = re.search(r"另有 (\d+) 个投标在此期间预计成交。\n  (\S+)\n", short)
    assert more and int(more.group(1)) >= 1 and more.group(2) == f"{BASE_URL}/?bids_closing=30&bids_sort=close_date"
    assert short.count("准备度：") == 1


def test_nobody_receives_an_account_they_may_not_see(runner, inbox):
    soon = (date.today() + timedelta(days=9)).isoformat()
    with open_store(runner.settings) as store:
        load_access_portfolio(store)
        for user in store.list_nodes("User"):
            store.update("User", user["id"], {"email": f"{user['username']}@example.com"}, version=user["version"])
        for opportunity_id in ("opp-ours", "opp-theirs"):
            stored = store.get("Opportunity", opportunity_id)
            store.update("Opportunity", opportunity_id, {"close_date": soon}, version=stored["version"])
        # the champion of lina's bid left for the account she may not see
        champion = store.create_person("acc-ours", {"name": "黄磊 Huang Lei", "influence": 4}, id="p-ours-champion")
        store.relate("ROLE_IN", "p-ours-champion", "opp-ours", {"role": "champion"})
        store.move_person("p-ours-champion", version=champion["version"], to_account_id="acc-theirs",
                          on=(date.today() - timedelta(days=1)).isoformat())
        # lina has a relationship, and owns an overdue follow-up, at the account she may not see
        store.relate("RELATIONSHIP", "user-lina", "p-theirs", {"strength": 3})
        feedback = store.get("Interaction", "int-theirs-feedback")
        store.update("Interaction", "int-theirs-feedback", {"follow_up_owner": "user-lina",
                                                            "follow_up_due": "2026-04-10"},
                     version=feedback["version"])
    sent = runner.invoke(main, ["digest"])
    assert sent.exit_code == 0, sent.output
    assert len(inbox.received) == 6
    for username in ("lina", "bo", "vera"):
        text, html = parts(inbox.to(f"{username}@example.com"))
        assert "Quay cranes 2027" in text and "Quay cranes 2027" in html
        # told that the champion left, not where to
        assert "黄磊 Huang Lei, champion or coach of an open bid, has left Harbor Ours 港口我方." in text
        assert f"{BASE_URL}/people/p-ours-champion" in links(text)
        leaked = [word for word in FORBIDDEN if word in text or word in html]
        assert not leaked, (username, leaked)
    for username in ("director", "admin", "omar"):
        text, html = parts(inbox.to(f"{username}@example.com"))
        assert "Hidden Deal 秘密项目" in text and "Hidden Deal 秘密项目" in html
    moved = "Former champion 黄磊 Huang Lei left Harbor Ours 港口我方 and now works at Forbidden Freight 禁运物流."
    assert moved in parts(inbox.to("director@example.com"))[0]
    assert "黄磊" not in parts(inbox.to("omar@example.com"))[0]  # the account he left is not omar's


def test_a_dry_run_of_one_user_and_users_without_a_digest(runner, inbox):
    with open_store(runner.settings) as store:
        store.setup_schema()
        add_user(store, "chen.jing", role="manager", password=PASSWORD, display_name="陈静",
                 email="chen.jing@example.com", language="zh")
        add_user(store, "tom", role="viewer", password=PASSWORD)
    one = runner.invoke(main, ["digest", "--dry-run", "--user", "chen.jing"])
    assert one.exit_code == 0, one.output
    assert one.output.startswith("From: GraphCRM <crm@example.com>\nTo: 陈静 <chen.jing@example.com>\n"
                                 f"Subject: GraphCRM 每周摘要（{site_today(runner.settings)}）\nContent-Language: zh\n")
    assert "本周没有提醒。" in one.output and "没有逾期的联系。" in one.output and inbox.received == []
    nobody = runner.invoke(main, ["digest", "--dry-run", "--user", "tom"])
    assert nobody.exit_code == 1 and nobody.output.strip() == "Error: user: tom gets no digest: the user has no " \
                                                              "e-mail address"
    unknown = runner.invoke(main, ["digest", "--dry-run", "--user", "ghost"])
    assert unknown.exit_code == 1 and "user 'ghost' not found" in unknown.output
    assert runner.invoke(main, ["digest"]).exit_code == 0 and [r for r, _ in inbox.received] == [
        ["chen.jing@example.com"]]  # tom has no address: no digest


def test_e_mail_is_off_by_default_and_a_failing_server_is_one_line(runner, monkeypatch):
    with open_store(runner.settings) as store:
        store.setup_schema()
        add_user(store, "chen.jing", role="manager", password=PASSWORD, email="chen.jing@example.com")
    off = runner.invoke(main, ["digest"])
    assert off.exit_code == 1 and off.output.strip() == (
        "Error: e-mail is off: set GRAPHCRM_SMTP_HOST (and GRAPHCRM_SMTP_FROM) to send the digest")
    assert runner.invoke(main, ["digest", "--dry-run"]).exit_code == 0  # a dry run needs no server
    port = free_port()  # nothing listens there
    monkeypatch.setenv("GRAPHCRM_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("GRAPHCRM_SMTP_PORT", str(port))
    monkeypatch.setenv("GRAPHCRM_SMTP_FROM", "crm@example.com")
    failed = runner.invoke(main, ["digest"])
    assert failed.exit_code == 1 and "Traceback" not in failed.output
    assert len(failed.output.strip().splitlines()) == 1
    assert failed.output.startswith(f"Error: the mail server 127.0.0.1:{port} failed (")
    assert failed.output.strip().endswith("0 of 1 messages were sent")
    monkeypatch.setenv("GRAPHCRM_SMTP_PORT", "smtp")
    bad = runner.invoke(main, ["digest"])
    assert bad.exit_code == 1 and "GRAPHCRM_SMTP_PORT must be a port number from 1 to 65535, not 'smtp'" in bad.output


def test_an_admin_sets_where_and_in_which_language_the_digest_goes(app_and_store):
    app, store = app_and_store
    admin = signed_in(app, "admin")
    r = admin.post("/admin/users/new", data={"username": "chen.jing", "display_name": "陈静", "role": "manager",
                                             "password": "long-enough-1", "email": "chen.jing@example.com",
                                             "language": "zh"})
    assert r.status_code == 302
    added = store.user_by_username("chen.jing")
    assert (added["email"], added["language"]) == ("chen.jing@example.com", "zh")
    assert "chen.jing@example.com (Chinese)" in admin.get("/admin/users").get_data(as_text=True)
    bad = admin.post("/admin/users/user-vera/edit", data={"display_name": "vera", "role": "viewer", "active": "y",
                                                           "email": "vera at example", "language": "en",
                                                           "version": store.get("User", "user-vera")["version"]})
    assert bad.status_code == 400 and "must be an e-mail address" in bad.get_data(as_text=True)
    assert store.get("User", "user-vera").get("email") is None  # nothing written
    vera = store.get("User", "user-vera")
    ok = admin.post("/admin/users/user-vera/edit", data={"display_name": "vera", "role": "viewer", "active": "y",
                                                          "email": "vera@example.com", "language": "en",
                                                          "version": vera["version"]})
    assert ok.status_code == 302 and store.get("User", "user-vera")["email"] == "vera@example.com"


def test_a_bid_in_its_quiet_period_tells_its_team_whom_not_to_approach(runner, inbox):
    with open_store(runner.settings) as store:
        load_access_portfolio(store)
        for user in store.list_nodes("User"):
            store.update("User", user["id"], {"email": f"{user['username']}@example.com"}, version=user["version"])
        # 王强 sits on the evaluation committee of Quay cranes 2027, in its tender; Secret Sun is a
        # public official of the account lina may not see, whose bid is put in a quiet period too
        for person_id, role in (("p-ours-cio", "evaluation_committee"), ("p-theirs", "public_official")):
            person = store.get("Person", person_id)
            store.update("Person", person_id, {"compliance_role": role}, version=person["version"])
        hidden = store.get("Opportunity", "opp-theirs")
        store.update("Opportunity", "opp-theirs", {"stage": "evaluation"}, version=hidden["version"])
    assert runner.invoke(main, ["digest", "--user", "lina"]).exit_code == 0
    text, html = parts(inbox.to("lina@example.com"))
    assert "Quay cranes 2027 is in its quiet period: do not approach 王强 until the award." in text
    assert f"{BASE_URL}/opportunities/opp-ours" in links(text)
    assert not [word for word in FORBIDDEN if word in text or word in html]
