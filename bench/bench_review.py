"""Time to make the review pack's PDF (issue 20) of the demo's largest
opportunity and of its account, in English and Chinese; prints JSON figures.

    .venv/bin/python bench/bench_review.py [--repeat 3]

A fresh embedded store in a temporary folder gets the demo portfolio; the
director signs in through the Flask test client and downloads
/opportunities/opp-citybureau-smartsite/review.pdf (12 people in the buying
center: the longest pack) and /accounts/acc-citybureau/review.pdf, each
``--repeat`` times.  Reported per pack: the fastest and the slowest request
(the first one also computes the analysis, later ones find it cached), the
share of that spent in WeasyPrint, the PDF's size and its pages.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pypdf import PdfReader  # noqa: E402

import graphcrm.web.review  # noqa: E402
from graphcrm.config import Settings  # noqa: E402
from graphcrm.demo import DEMO_PASSWORD, load_demo  # noqa: E402
from graphcrm.graph import embedded_server  # noqa: E402
from graphcrm.review import pdf_of  # noqa: E402
from graphcrm.web import create_app  # noqa: E402
from graphcrm.web.db import get_store  # noqa: E402

PACKS = ("/opportunities/opp-citybureau-smartsite/review.pdf", "/accounts/acc-citybureau/review.pdf")


def measure(repeat: int, data_dir: Path) -> dict:
    settings = Settings(data_dir=data_dir, graph_name="graphcrm")
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "SETTINGS": settings})
    weasyprint_s: list[float] = []

    def timed_pdf_of(html: str, lang: str) -> bytes:
        started = time.perf_counter()
        try:
            return pdf_of(html, lang)
        finally:
            weasyprint_s.append(time.perf_counter() - started)

    graphcrm.web.review.pdf_of = timed_pdf_of  # the route's call, timed
    try:
        with app.app_context():
            load_demo(get_store())
        c = app.test_client()
        assert c.post("/login", data={"username": "director", "password": DEMO_PASSWORD}).status_code == 302
        figures = {}
        for path in PACKS:
            for lang in ("en", "zh"):
                times, pdf = [], b""
                weasyprint_s.clear()
                for _ in range(repeat):
                    started = time.perf_counter()
                    r = c.get(f"{path}?lang={lang}")
                    times.append(time.perf_counter() - started)
                    assert r.status_code == 200, r.status_code
                    pdf = r.get_data()
                figures[f"{path} {lang}"] = {
                    "first_s": round(times[0], 3), "fastest_s": round(min(times), 3),
                    "weasyprint_share": round(sum(weasyprint_s) / sum(times), 2),
                    "kb": round(len(pdf) / 1024, 1), "pages": len(PdfReader(io.BytesIO(pdf)).pages)}
        return figures
    finally:
        embedded_server(settings).stop()


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="graphcrm-review-") as tmp:
        return measure(args.repeat, Path(tmp))


if __name__ == "__main__":
    print(json.dumps(main(), indent=2, ensure_ascii=False))
