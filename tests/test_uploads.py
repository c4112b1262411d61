"""Uploads for an import cannot fill the disk: bounded, checked, expired, and
refused with a message naming the problem (graphcrm/web/uploads.py)."""

from __future__ import annotations

import io
import os
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from graphcrm.users import add_user
from graphcrm.web import uploads

from fixtures import PASSWORD, login

PEOPLE = "id,name,title\np-1,张伟,总工程师\np-2,David Chen,CTO\n".encode()


@pytest.fixture
def admin(web_app):
    """A signed-in admin's test client, the app and its store."""
    with web_app() as (app, store):
        add_user(store, "admin", role="admin", password=PASSWORD)
        client = app.test_client()
        assert login(client, "admin").status_code == 302
        yield client, app, store


def _root(app) -> Path:
    return Path(app.config["GRAPHCRM_SETTINGS"].data_dir) / "uploads"


def _pending(app) -> list[str]:
    root = _root(app)
    return sorted(p.name for p in root.iterdir()) if root.is_dir() else []


def _zip(files: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def _patched(data: bytes, offset_local: int, offset_central: int, value: bytes) -> bytes:
    """``data`` with ``value`` written at an offset of every local and central header."""
    out = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", offset_local), (b"PK\x01\x02", offset_central)):
        start = out.find(signature)
        while start != -1:
            out[start + offset:start + offset + len(value)] = value
            start = out.find(signature, start + 4)
    return bytes(out)


def _preview(client, files: list[tuple[bytes, str]]):
    data = {"kind": "csv", "files": [(io.BytesIO(content), name) for content, name in files]}
    return client.post("/import", data=data, content_type="multipart/form-data")


def test_a_zip_bomb_is_refused_at_the_limit_and_leaves_nothing(admin):
    client, app, _store = admin
    before = _pending(app)
    bomb = _zip({"people.csv": b"id,name\n" + b"0" * (uploads.MAX_UNPACKED + 1)})
    assert len(bomb) < 1024 * 1024  # 16 MB of one byte packs to well under a megabyte
    r = _preview(client, [(bomb, "export.zip")])
    assert r.status_code == 400
    assert "unpacks to more than 16 MB" in r.get_data(as_text=True)
    assert _pending(app) == before


def test_too_many_files_are_refused(admin):
    client, app, _store = admin
    many = _zip({f"part{i}.csv": b"id\n" for i in range(uploads.MAX_ENTRIES + 1)})
    r = _preview(client, [(many, "export.zip")])
    assert r.status_code == 400 and f"more than {uploads.MAX_ENTRIES} files" in r.get_data(as_text=True)


@pytest.mark.parametrize("make, message", [
    (lambda: _patched(_zip({"people.csv": PEOPLE}), 6, 8, b"\x01\x00"), "export.zip is encrypted"),
    (lambda: _patched(_zip({"people.csv": PEOPLE}), 8, 10, b"\x09\x00"),
     "export.zip uses a compression method that is not supported"),
    (lambda: _zip({"people.csv": PEOPLE})[:-40], "export.zip is damaged or is not a zip file"),
    (lambda: b"not a zip", "export.zip is damaged or is not a zip file"),
], ids=["encrypted", "deflate64", "truncated", "not-a-zip"])
def test_encrypted_unsupported_and_corrupt_zips_answer_400_naming_the_problem(admin, make, message):
    client, app, _store = admin
    before = _pending(app)
    r = _preview(client, [(make(), "export.zip")])
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    assert _pending(app) == before


def test_an_upload_is_refused_while_the_disk_is_nearly_full_and_so_is_the_apply(admin):
    client, app, store = admin
    page = _preview(client, [(PEOPLE, "people.csv")]).get_data(as_text=True)
    token = page.split('name="token" type="hidden" value="')[1][:32]
    app.config["GRAPHCRM_MIN_FREE_BYTES"] = 1 << 60  # more than any disk has
    try:
        refused = _preview(client, [(PEOPLE, "people.csv")])
        assert refused.status_code == 400 and "disk is nearly full" in refused.get_data(as_text=True)
        apply = client.post("/import/apply", data={"token": token})
        assert apply.status_code == 507 and "disk is nearly full" in apply.get_data(as_text=True)
        assert store.find("Person", "p-1") is None
    finally:
        del app.config["GRAPHCRM_MIN_FREE_BYTES"]
    assert client.post("/import/apply", data={"token": token}).status_code == 200
    assert store.get("Person", "p-1")["name"] == "张伟"


def test_old_uploads_expire_and_the_quota_bounds_what_waits(admin, monkeypatch):
    client, app, _store = admin
    old = _root(app) / "0123456789abcdef0123456789abcdef"
    old.mkdir(parents=True)
    (old / "people.csv").write_bytes(PEOPLE)
    (old / uploads.SAVED_AT).write_text(repr(time.time() - 2 * 3600))
    assert _preview(client, [(PEOPLE, "people.csv")]).status_code == 200
    assert not old.exists()
    monkeypatch.setattr(uploads, "QUOTA", uploads.MAX_UNPACKED)  # what waits already leaves no room
    r = _preview(client, [(PEOPLE, "people.csv")])
    assert r.status_code == 400 and "Too many imports are waiting" in r.get_data(as_text=True)


def test_uploads_left_by_an_earlier_run_are_removed_when_the_app_starts(web_app, settings):
    old = Path(settings.data_dir) / "uploads" / "fedcba9876543210fedcba9876543210"
    old.mkdir(parents=True)
    (old / uploads.SAVED_AT).write_text(repr(time.time() - 2 * 3600))
    with web_app():
        assert not old.exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")
def test_a_full_disk_refuses_the_upload_whole_and_the_database_goes_on(admin):
    """The uploads folder on a 2 MB file system that fills up after the
    free-space check (as when another program fills the disk): the 3 MB
    upload meets ENOSPC, is refused with a message, nothing of it is left,
    and the next write to the database works."""
    client, app, store = admin
    root = _root(app)
    root.mkdir(parents=True, exist_ok=True)  # uploads of other tests are hidden while it is mounted
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(root)], check=True)
    app.config["GRAPHCRM_MIN_FREE_BYTES"] = -(1 << 40)  # the check passes: the disk fills up after it
    try:
        big = b"id,name\n" + b"".join(b"p-%d,name %d\n" % (i, i) for i in range(200_000))
        assert 2 * 1024 * 1024 < len(big) < 8 * 1024 * 1024
        r = _preview(client, [(big, "people.csv")])
        assert r.status_code == 400 and "disk is full" in r.get_data(as_text=True)
        assert list(root.iterdir()) == []
    finally:
        del app.config["GRAPHCRM_MIN_FREE_BYTES"]
        subprocess.run(["umount", str(root)], check=True)
    assert store.create("Account", {"name": "Northwind Rail Authority"})["name"] == "Northwind Rail Authority"
