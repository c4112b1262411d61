"""Imports pass the same access rule as the forms (graphcrm/access.py): every
label and relationship type, every role, a member's and a non-member's rows,
through the web import and the CLI (``graphcrm --as NAME import csv``).

Two teams: lina (manager) and bo (bid) are on Northwind Rail Authority's team,
omar (manager) on 南方港务集团's.  Each case is one template file with one row
that changes a stored record: of Northwind ("own" for lina) or of the port
("foreign" for lina).  A refused import writes nothing, names the row, and
tells nothing about the stored values of what the importer may not see.
"""

from __future__ import annotations

import io
import re
import uuid

import pytest
from click.testing import CliRunner

from graphcrm.cli import main
from graphcrm.graph import open_store
from graphcrm.users import add_user
from graphcrm.web import create_app

from fixtures import PASSWORD, graph_env, login

#: a stored value of the port's records that no report to lina may contain
SECRET_STANCE_NOTE = "港务内部：韩雪私下支持华信"


def _seed(store) -> None:
    ids = {}
    for username, role in (("admin", "admin"), ("director", "director"), ("lina", "manager"), ("omar", "manager"),
                           ("bo", "bid"), ("vera", "viewer")):
        ids[username] = add_user(store, username, role=role, password=PASSWORD, id=f"u-{username}")["id"]
    for key, name in (("north", "Northwind Rail Authority"), ("south", "南方港务集团")):
        store.create_account({"name": name, "segment": "key"}, id=f"acc-{key}")
        store.create_account({"name": f"{name} Ops"}, id=f"acc-{key}-ops")
        store.relate("PART_OF", f"acc-{key}-ops", f"acc-{key}")
        for person, person_name in ((f"p-{key}-boss", "David Chen" if key == "north" else "韩雪"),
                                    (f"p-{key}-eng", "Emily Wang" if key == "north" else "孔繁宇")):
            store.create_person(f"acc-{key}", {"name": person_name, "stance": "neutral",
                                               "notes": SECRET_STANCE_NOTE if key == "south" else None}, id=person)
        store.create_opportunity(f"acc-{key}", {"name": f"{name} signalling", "stage": "tender"}, id=f"opp-{key}")
        store.create_competitor(f"opp-{key}", {"name": f"Huaxin {key}"}, id=f"comp-{key}")
        store.create("Interaction", {"kind": "meeting", "at": "2026-10-01T09:00:00+00:00",
                                     "summary": f"{key} kick-off"}, id=f"int-{key}")
        store.relate("ATTENDED", "u-lina" if key == "north" else "u-omar", f"int-{key}")
        store.relate("WITH", f"int-{key}", f"p-{key}-boss")
        store.relate("ABOUT", f"int-{key}", f"opp-{key}")
    for user, account in (("lina", "north"), ("bo", "north"), ("omar", "south")):
        store.relate("MEMBER_OF", f"u-{user}", f"acc-{account}")
        store.relate("MEMBER_OF", f"u-{user}", f"acc-{account}-ops")
    store.relate("RELATIONSHIP", "u-omar", "p-south-boss", {"strength": 4})


#: file -> (header, row template); ``{k}`` is "north" or "south", every row changes what is stored
CASES = {
    "accounts.csv": ("id,name", "acc-{k},Renamed {k}"),
    "people.csv": ("id,name,stance", "p-{k}-boss,Renamed {k},champion"),
    "opportunities.csv": ("id,name,stage", "opp-{k},Renamed {k},evaluation"),
    "competitors.csv": ("id,name", "comp-{k},Renamed {k}"),
    "interactions.csv": ("id,kind,at,summary", "int-{k},meeting,2026-10-01T09:00:00+00:00,rewritten {k}"),
    "works_at.csv": ("start,end,since", "p-{k}-eng,acc-{k},2020-01-01"),
    "reports_to.csv": ("start,end", "p-{k}-eng,p-{k}-boss"),
    "influences.csv": ("start,end,strength", "p-{k}-eng,p-{k}-boss,4"),
    "knows.csv": ("start,end,strength", "p-{k}-boss,p-{k}-eng,2"),
    "part_of.csv": ("start,end", "acc-{k},acc-{k}-ops"),
    "for.csv": ("start,end", "opp-{k},acc-{k}-ops"),
    "role_in.csv": ("start,end,role", "p-{k}-boss,opp-{k},decision_maker"),
    "relationship.csv": ("start,end,strength", "u-lina,p-{k}-eng,3"),
    "member_of.csv": ("start,end", "u-vera,acc-{k}"),
    "competes_for.csv": ("start,end", "comp-{k},opp-{k}"),
    "attended.csv": ("start,end", "u-lina,int-{k}"),
    "with.csv": ("start,end", "int-{k},p-{k}-eng"),
    "about.csv": ("start,end", "int-{k},opp-{k}"),
}
USER_ROW = ("users.csv", "id,username,display_name,role", "u-vera,vera,Vera the Admin,admin")

#: who may write what: role -> (own rows, foreign rows, users)
EXPECTED = {"admin": (True, True, True), "lina": (True, False, False)}


@pytest.fixture(scope="module")
def world(web_settings):
    """A graph with the two teams on each store, shared by the module: a refused
    import writes nothing, and allowed ones are dry runs, so it never changes."""
    with open_store(web_settings) as store:
        _seed(store)
        yield web_settings, store


def _snapshot(store) -> list:
    return sorted(map(repr, store.dump()))


def _files(name: str, header: str, row: str) -> dict[str, str]:
    return {name: f"{header}\n{row}\n"}


def _cli_import(world, tmp_path, files: dict[str, str], username: str, *, dry_run: bool):
    graph_settings, _store = world
    folder = tmp_path / uuid.uuid4().hex[:6]
    folder.mkdir()
    for name, content in files.items():
        (folder / name).write_text(content, encoding="utf-8")
    env = graph_env(graph_settings)
    args = ["--as", username, "import", "csv", str(folder), "--json"] + (["--dry-run"] if dry_run else [])
    return CliRunner().invoke(main, args, env=env)


@pytest.fixture(scope="module")
def web(world):
    """``web(username)``: a test client of the world's web app, signed in."""
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "SETTINGS": world[0]})

    def signed_in(username: str):
        client = app.test_client()
        assert login(client, username).status_code == 302
        return client

    return signed_in


def _web_preview(client, files: dict[str, str]):
    uploads = [(io.BytesIO(content.encode()), name) for name, content in files.items()]
    return client.post("/import", data={"kind": "csv", "files": uploads}, content_type="multipart/form-data")


def _cases():
    for name, (header, row) in CASES.items():
        for side in ("north", "south"):
            for username, (own, foreign, _users) in EXPECTED.items():
                yield pytest.param(name, header, row.format(k=side), username, own if side == "north" else foreign,
                                   id=f"{username}-{name}-{'own' if side == 'north' else 'foreign'}")
    for username, (_own, _foreign, users) in EXPECTED.items():
        yield pytest.param(*USER_ROW, username, users, id=f"{username}-users.csv")


@pytest.mark.parametrize("name, header, row, username, allowed", list(_cases()))
def test_cli_import_applies_the_access_rule_to_every_label_and_type(world, tmp_path, name, header, row, username,
                                                                    allowed):
    store = world[1]
    before = _snapshot(store)
    result = _cli_import(world, tmp_path, _files(name, header, row), username, dry_run=allowed)
    if allowed:
        assert result.exit_code == 0, result.output
        assert '"errors": 0' in result.output
    else:
        assert result.exit_code == 1, result.output
        assert f'"file": "{name}"' in result.output and '"line": 2' in result.output  # names the row
        assert '"update": 1' not in result.output and '"unchanged": 1' not in result.output
        assert SECRET_STANCE_NOTE not in result.output
    assert _snapshot(store) == before  # refused: nothing written; allowed: a dry run


@pytest.mark.parametrize("name, header, row, username, allowed", list(_cases()))
def test_web_import_applies_the_access_rule_to_every_label_and_type(world, web, name, header, row, username,
                                                                    allowed):
    store = world[1]
    client = web(username)
    before = _snapshot(store)
    page = _web_preview(client, _files(name, header, row)).get_data(as_text=True)
    assert ("Apply this import" in page) == allowed, page
    if not allowed:
        assert re.search(rf"{re.escape(name)} line 2: (you may not|only an administrator|new )", page), page
        assert SECRET_STANCE_NOTE not in page and "韩雪" not in page
        token = re.search(r'name="token" type="hidden" value="([0-9a-f]+)"', page)
        assert token is None
    assert _snapshot(store) == before


@pytest.mark.parametrize("username", ["director", "bo", "vera"])
def test_roles_that_may_not_import_are_refused_on_the_web_and_the_cli(world, web, tmp_path, username):
    store = world[1]
    before = _snapshot(store)
    files = _files("accounts.csv", "id,name", "acc-north,Renamed")
    assert _web_preview(web(username), files).status_code == 404
    result = _cli_import(world, tmp_path, files, username, dry_run=False)
    assert result.exit_code == 1 and f"{username} may not import" in result.output
    assert _snapshot(store) == before


def test_a_manager_cannot_create_an_admin_with_a_chosen_session_token(world, web, tmp_path):
    """The reported attack: lina's users.csv row makes an admin whose session she knows."""
    store = world[1]
    files = _files("users.csv", "id,username,display_name,role,session_token,active",
                   "u-evil,evil,Evil Admin,admin,known-token-123,true")
    page = _web_preview(web("lina"), files).get_data(as_text=True)
    assert "only an administrator may create or change users (User u-evil)" in page
    assert "Apply this import" not in page
    result = _cli_import(world, tmp_path, files, "lina", dry_run=False)
    assert result.exit_code == 1
    assert store.find("User", "u-evil") is None


def test_secret_and_internal_columns_are_reported_and_never_imported(world, tmp_path):
    """Even an admin's import leaves the session token, password hash,
    version and erasure marks as GraphCRM keeps them."""
    store = world[1]
    files = _files("users.csv", "id,username,display_name,role,session_token,password_hash,version",
                   "u-new,newbie,Newbie,viewer,known-token-123,pbkdf2:fake,99")
    result = _cli_import(world, tmp_path, files, "admin", dry_run=True)
    assert result.exit_code == 0, result.output
    for column in ("session_token", "password_hash", "version"):
        assert f"column '{column}' is kept by GraphCRM itself, never imported; ignored" in result.output
    files = _files("people.csv", "id,name,erased_at,erased_by", "p-north-boss,David Chen,2026-01-01T00:00:00,lina")
    result = _cli_import(world, tmp_path, files, "admin", dry_run=True)
    assert "column 'erased_at' is kept by GraphCRM itself" in result.output
    assert store.get("Person", "p-north-boss").get("erased_at") is None


def test_the_preview_tells_nothing_about_records_the_importer_may_not_see(world, web):
    """Rows for another team's person say the same whether a value differs
    from the stored one or not."""
    client = web("lina")
    same = _web_preview(client, _files("people.csv", "id,name,stance", "p-south-boss,韩雪,neutral"))
    other = _web_preview(client, _files("people.csv", "id,name,stance", "p-south-boss,韩雪,opponent"))

    def report(page):
        body = page.get_data(as_text=True)
        return re.sub(r'value="[0-9a-f]{32}"', "", body[body.index("<section"):])

    assert report(same) == report(other)
    assert "you may not change Person p-south-boss" in report(same)


def test_a_managers_new_account_and_its_people_are_theirs(world, tmp_path):
    files = {"accounts.csv": "id,name\nacc-lina-new,江州地铁四号线公司\n",
             "people.csv": "id,name\np-lina-new,唐军\n",
             "works_at.csv": "start,end\np-lina-new,acc-lina-new\n",
             "interactions.csv": "id,kind,at\nint-lina-new,call,2026-11-02T10:00:00+00:00\n",
             "with.csv": "start,end\nint-lina-new,p-lina-new\n"}
    result = _cli_import(world, tmp_path, files, "lina", dry_run=True)
    assert result.exit_code == 0 and '"errors": 0' in result.output, result.output
    orphan = {"people.csv": "id,name\np-nowhere,无单位联系人\n"}
    result = _cli_import(world, tmp_path, orphan, "lina", dry_run=True)
    assert "new Person p-nowhere is not attached to an account you manage" in result.output
