"""The largest upload the import page accepts: its preview's time and the web process's peak memory.

    nice -n 10 .venv/bin/python bench/bench_upload.py

Generates CSV templates (accounts, people, works_at) that unpack to just under
graphcrm.web.uploads.MAX_UNPACKED, zips them, and posts the zip to /import as
an admin, through the app's own request handling, into a fresh embedded store
in a temporary folder.  Then posts a zip bomb of the same packed size that
would unpack past the limit.  Prints one JSON object: sizes, seconds and the
peak resident memory of the process (the web process in production).
"""

from __future__ import annotations

import io
import json
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from graphcrm.config import Settings
from graphcrm.graph import embedded_server
from graphcrm.users import add_user
from graphcrm.web import create_app, uploads
from graphcrm.web.db import get_store

PASSWORD = "bench-upload-pw"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"


def templates(limit: int) -> dict[str, bytes]:
    """accounts.csv, people.csv and works_at.csv, together just under ``limit`` bytes."""
    accounts = ["id,name,segment"] + [f"acc-{a},客户 {a},key" for a in range(500)]
    people, works_at = ["id,name,title,influence,stance"], ["start,end"]
    size, n = len("\n".join(accounts)), 0
    while True:
        name = SURNAMES[n % 20] + GIVEN[(n // 20) % 20] + GIVEN[(n // 400) % 20]
        person = f"p-{n},{name},高级工程师,{1 + n % 5},neutral"
        link = f"p-{n},acc-{n % 500}"
        size += len(person.encode()) + len(link) + 2
        if size > limit - 4096:
            break
        people.append(person)
        works_at.append(link)
        n += 1
    return {name: ("\n".join(rows) + "\n").encode() for name, rows in
            (("accounts.csv", accounts), ("people.csv", people), ("works_at.csv", works_at))}


def zipped(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder), secret_key="bench")
        app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "SETTINGS": settings})
        with app.app_context():
            add_user(get_store(), "admin", role="admin", password=PASSWORD)
        client = app.test_client()
        client.post("/login", data={"username": "admin", "password": PASSWORD})
        files = templates(uploads.MAX_UNPACKED)
        body = zipped(files)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        r = client.post("/import", data={"kind": "csv", "files": [(io.BytesIO(body), "export.zip")]},
                        content_type="multipart/form-data")
        preview_s = time.perf_counter() - start
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        bomb = zipped({"people.csv": b"id,name\n" + b"0" * (8 * uploads.MAX_UNPACKED)})
        start = time.perf_counter()
        refused = client.post("/import", data={"kind": "csv", "files": [(io.BytesIO(bomb), "bomb.zip")]},
                              content_type="multipart/form-data")
        bomb_s = time.perf_counter() - start
        embedded_server(settings).stop()
    print(json.dumps({
        "upload_packed_mb": round(len(body) / 2**20, 2),
        "upload_unpacked_mb": round(sum(map(len, files.values())) / 2**20, 2),
        "people_rows": files["people.csv"].count(b"\n") - 1,
        "preview_status": r.status_code,
        "preview_s": round(preview_s, 2),
        "peak_rss_mib_before": round(rss_before / 1024),
        "peak_rss_mib": round(rss_after / 1024),
        "bomb_packed_mb": round(len(bomb) / 2**20, 2),
        "bomb_status": refused.status_code,
        "bomb_refused_s": round(bomb_s, 2),
    }, indent=2))
    sys.exit(0 if r.status_code == 200 and refused.status_code == 400 else 1)


if __name__ == "__main__":
    main()
