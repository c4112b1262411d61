"""End-to-end: printing the opportunity and account pages (style.css ``@media
print``) in a real browser (``graphcrm serve --demo`` in its own process,
Debian's Chromium; skipped where Chromium is missing, except under CI).

With print media emulated at the width of an A4 page, the navigation, the
buttons and the forms are gone, and Chromium's own PDF of the page has at most
two A4 pages, in English and Chinese.  The emulated page and the printed pages
land in ``test-artifacts/review/`` (``print-*.png``), to be looked at.
"""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2
import pytest
from pypdf import PdfReader

from browser import require_chromium

pytestmark = pytest.mark.e2e
require_chromium()

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "review"
#: an A4 page at 96 px an inch
A4 = {"width": 794, "height": 1123}
#: the page's parts a printout leaves out, and any of them still drawn
LEFT_OUT = "header.top, form, button, .actions-bar, nav.exports, .map-panel, #what-if"
DRAWN = f"[...document.querySelectorAll('{LEFT_OUT}')].filter(e => e.getClientRects().length).length"


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
@pytest.mark.parametrize("path", ["/opportunities/opp-citybureau-smartsite", "/accounts/acc-citybureau"])
def test_a_page_prints_on_two_a4_pages_without_navigation_or_forms(session_of, path, locale):
    s = session_of("director", locale)
    s.page.set_viewport_size(A4)
    s.goto(path)
    s.wait_for_network()
    s.page.emulate_media(media="print")
    s.page.wait_for_timeout(300)  # the map fits its printed box (static/network.js bindPrint)
    assert s.page.evaluate(DRAWN) == 0
    name = f"print-{path.rsplit('/', 1)[1]}-{locale[:2]}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    s.page.screenshot(path=str(ARTIFACTS / f"{name}-screen.png"), full_page=True)
    pdf = s.page.pdf(format="A4", print_background=True)
    assert len(PdfReader(io.BytesIO(pdf)).pages) <= 2
    document = pypdfium2.PdfDocument(pdf)
    for i in range(len(document)):
        document[i].render(scale=1.3).to_pil().save(ARTIFACTS / f"{name}-{i + 1}.png")


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
@pytest.mark.parametrize("width", [1440, 390])
def test_the_review_pack_link_downloads_the_pdf(session_of, width, locale):
    """The opportunity page's link to its pack, on a wide screen and a phone; its PDF in the page's language."""
    s = session_of("lina", locale)
    s.page.set_viewport_size({"width": width, "height": 900})
    s.goto("/opportunities/opp-metro-line4")
    s.wait_for_network()
    link = s.page.locator("p.review-pack a")
    assert link.is_visible() and s.page.evaluate("document.documentElement.scrollWidth") <= width
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    s.page.screenshot(path=str(ARTIFACTS / f"page-opp-metro-line4-{width}-{locale[:2]}.png"))
    with s.page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"review-opp-metro-line4-{locale[:2]}.pdf"
    text = "".join(page.extract_text() for page in PdfReader(download.value.path()).pages)
    assert ("投标准备度" in text) == (locale == "zh-CN")
