"""The import, export, template and forget pages: who may use them, CSRF, and what they do."""

from __future__ import annotations

import io
import json
import re
import zipfile

import networkx as nx
import pytest

from graphcrm.transfer.forget import PLACEHOLDER
from graphcrm.web import create_app
from graphcrm.web.db import get_store

from fixtures import FIXTURES, PASSWORD, WANG, XSS, login, text


def fixture_files(*names):
    names = names or [p.name for p in FIXTURES.iterdir()]
    return [(io.BytesIO((FIXTURES / n).read_bytes()), n) for n in names]


def zipped(files: dict[str, bytes]):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    out.seek(0)
    return out


def preview(client, files, kind="salesforce"):
    return client.post("/import", data={"kind": kind, "files": files}, content_type="multipart/form-data")


def apply_token(page: str) -> str:
    return re.search(r'name="token" type="hidden" value="([0-9a-f]+)"', page).group(1)


# -- import ----------------------------------------------------------------------------------


@pytest.mark.parametrize("username, status", [("admin", 200), ("lina", 200), ("director", 404), ("bo", 404),
                                              ("vera", 404)])
def test_import_page_only_for_admins_and_managers(client, auth, username, status):
    auth.login(username)
    assert client.get("/import").status_code == status
    assert ("/import\"" in text(client.get("/search?q=x"))) == (status == 200)  # the header link


def test_import_needs_login(client):
    r = client.get("/import")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_admin_previews_then_applies_a_salesforce_export(client, auth, app):
    auth.login("admin")
    page = preview(client, fixture_files())
    assert page.status_code == 200
    body = text(page)
    assert "Preview: nothing written yet" in body
    row = re.search(r"<td>Person</td>(.*?)</tr>", body).group(1)
    assert re.findall(r'<td class="num">(\d+)</td>', row) == ["8", "0", "0"]
    assert "Contact.csv line 9: AccountId 0015g00000NoAcc not found; contact left out" in body
    with app.app_context():
        assert get_store().find("Person", WANG) is None  # the preview wrote nothing
    done = client.post("/import/apply", data={"token": apply_token(body)})
    assert done.status_code == 200 and "Applied" in text(done)
    with app.app_context():
        assert get_store().get("Person", WANG)["name"] == "王强"
    again = client.post("/import/apply", data={"token": apply_token(body)})
    assert again.status_code == 404  # the upload is gone after the apply


def test_preview_accepts_a_zip_and_reports_errors_without_apply(client, auth, app):
    auth.login("admin")
    bad = (FIXTURES / "Account.csv").read_bytes().replace(b"1.2E7", b"lots")
    page = preview(client, [(zipped({"export/Account.csv": bad, "../evil/Contact.csv": b"Id\n"}), "export.zip")])
    body = text(page)
    assert "Account.csv line 2: AnnualRevenue: &#39;lots&#39; is not a number" in body
    assert "Apply this import" not in body
    broken = preview(client, [(io.BytesIO(b"not a zip"), "export.zip")])
    assert broken.status_code == 400 and "damaged" in text(broken)
    empty = preview(client, [])
    assert empty.status_code == 400



def test_a_new_preview_replaces_the_pending_upload(client, auth, app):
    auth.login("admin")
    first = apply_token(text(preview(client, fixture_files("Account.csv"))))
    second = apply_token(text(preview(client, fixture_files("Account.csv"))))
    uploads = app.config["GRAPHCRM_SETTINGS"].data_dir / "uploads"
    assert not (uploads / first).exists() and (uploads / second).exists()
    assert client.post("/import/apply", data={"token": first}).status_code == 404


def test_apply_needs_the_token_of_this_session(client, auth, app):
    auth.login("admin")
    files = [(io.BytesIO(b"id,name\nacc-token,Token Test Co\n"), "accounts.csv")]
    token = apply_token(text(preview(client, files, kind="csv")))
    other = app.test_client()
    login(other, "admin")
    assert other.post("/import/apply", data={"token": token}).status_code == 404
    assert client.post("/import/apply", data={"token": "../../etc"}).status_code == 404
    with app.app_context():
        assert get_store().find("Account", "acc-token") is None


def test_manager_may_import_only_into_accounts_they_manage(client, auth, app):
    auth.login("lina")  # manager of acc-east
    own = ("accounts.csv", "id,name\nacc-east,华东电网 East Grid\nacc-new,新客户 New Co\n")
    people = ("people.csv", "id,name\np-new,新人\n")
    works = ("works_at.csv", "start,end\np-new,acc-new\n")
    files = [(io.BytesIO(data.encode()), name) for name, data in (own, people, works)]
    page = text(preview(client, files, kind="csv"))
    assert "0 error(s)" in page, page
    assert client.post("/import/apply", data={"token": apply_token(page)}).status_code == 200
    with app.app_context():
        store = get_store()
        assert "acc-new" in store.member_accounts(app.config["IDS"]["lina"])  # she sees what she created
    foreign = [(io.BytesIO("id,name\nacc-west,Westbank renamed\n".encode()), "accounts.csv")]
    page = text(preview(client, foreign, kind="csv"))
    assert "you may not change Account acc-west" in page and "Apply this import" not in page
    users = [(io.BytesIO("id,username,display_name\nuser-omar,omar,Omar the Great\n".encode()), "users.csv")]
    assert "only an administrator may create or change users" in text(preview(client, users, kind="csv"))


def test_templates_download(client, auth):
    assert client.get("/import/templates.zip").status_code == 302
    auth.login("vera")
    for lang, header in (("en", "id,name,industry"), ("zh", "编号,名称,行业")):
        r = client.get(f"/import/templates.zip?lang={lang}")
        assert r.status_code == 200 and r.mimetype == "application/zip"
        archive = zipfile.ZipFile(io.BytesIO(r.data))
        assert archive.read("accounts.csv").decode("utf-8-sig").startswith(header)
        assert "README.txt" in archive.namelist()


# -- export ----------------------------------------------------------------------------------


@pytest.mark.parametrize("username, east, west", [("admin", 200, 200), ("director", 200, 200),
                                                  ("lina", 200, 404), ("omar", 404, 200), ("vera", 200, 404)])
def test_export_only_for_who_may_see_the_account(client, auth, username, east, west):
    auth.login(username)
    assert client.get("/accounts/acc-east/export/graphml").status_code == east
    assert client.get("/accounts/acc-west/export/json").status_code == west
    assert client.get("/opportunities/opp-west/export/gexf").status_code == west
    assert client.get("/accounts/acc-nope/export/json").status_code == 404


def test_export_formats_and_no_pii(client, auth, app):
    with app.app_context():
        cio = get_store().get("Person", "p-cio")
        get_store().update("Person", "p-cio", {"email": "wang.qiang@east.example.cn"}, version=cio["version"])
    auth.login("lina")
    r = client.get("/accounts/acc-east/export/graphml")
    assert r.mimetype == "application/graphml+xml" and 'filename="account-acc-east.graphml"' in r.headers[
        "Content-Disposition"]
    G = nx.read_graphml(io.BytesIO(r.data), force_multigraph=True)
    assert G.nodes["p-cio"]["email"] == "wang.qiang@east.example.cn"
    assert "p-west" not in G  # an acquaintance at an account lina may not see stays out
    assert b"wang.qiang@east.example.cn" not in client.get("/accounts/acc-east/export/graphml?no_pii=1").data
    data = json.loads(client.get("/opportunities/opp-east/export/json").data)
    assert data["graph"]["opportunity_id"] == "opp-east"
    assert zipfile.ZipFile(io.BytesIO(client.get("/accounts/acc-east/export/csv").data)).read("people.csv")
    assert client.get("/accounts/acc-east/export/xlsx").status_code == 404
    assert "/accounts/acc-east/export/gexf" in text(client.get("/accounts/acc-east"))


# -- forget ----------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["director", "lina", "vera"])
def test_only_admins_may_forget(client, auth, app, username):
    auth.login(username)
    assert client.get("/people/p-cfo/forget").status_code == 403
    assert client.post("/people/p-cfo/forget", data={"confirm": "y"}).status_code == 403
    assert "Forget this person" not in text(client.get("/people/p-cio"))
    with app.app_context():
        assert get_store().get("Person", "p-cfo")["name"] == "Li Na CFO"


def test_admin_forgets_a_person(client, auth, app):
    auth.login("admin")
    assert "Forget this person" in text(client.get("/people/p-xss"))
    page = client.get("/people/p-xss/forget")
    assert page.status_code == 200 and "&lt;img src=x" in text(page) and XSS not in text(page)
    unconfirmed = client.post("/people/p-xss/forget", data={})
    assert unconfirmed.status_code == 400
    done = client.post("/people/p-xss/forget", data={"confirm": "y"})
    assert done.status_code == 302 and done.headers["Location"] == "/people/p-xss"
    with app.app_context():
        erased = get_store().get("Person", "p-xss")
    assert erased["name"] == PLACEHOLDER and erased["erased_by"] == "admin"
    assert "&lt;img src=x" not in text(client.get("/accounts/acc-east"))
    assert "Forget this person" not in text(client.get("/people/p-xss"))  # done already
    assert client.get("/people/p-nobody/forget").status_code == 404


# -- CSRF on every form ------------------------------------------------------------------------


def test_every_transfer_form_needs_its_csrf_token(app):
    csrf_app = create_app({"TESTING": True, "SETTINGS": app.config["GRAPHCRM_SETTINGS"]})
    csrf_app.extensions["graphcrm_store"] = app.extensions["graphcrm_store"]
    c = csrf_app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text(c.get("/login"))).group(1)
    c.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    for url, data in (("/import", {"kind": "salesforce"}), ("/import/apply", {"token": "ab12"}),
                      ("/people/p-cfo/forget", {"confirm": "y"})):
        r = c.post(url, data=data)
        assert r.status_code == 400 and "security token" in text(r), url
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text(c.get("/import"))).group(1)
    r = c.post("/import", data={"kind": "salesforce", "csrf_token": token, "files": fixture_files()},
               content_type="multipart/form-data")
    assert r.status_code == 200 and "Apply this import" in text(r)
    with app.app_context():
        assert get_store().get("Person", "p-cfo")["name"] == "Li Na CFO"
