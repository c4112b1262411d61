"""End-to-end: personal API tokens in a real browser (``graphcrm serve --demo``
in its own process, Debian's Chromium; skipped where Chromium is missing,
except under CI).

Li Na makes a write token on the settings page at 1440 and 390 px, in
English and Chinese; the token shown once works against the served API and
is refused as soon as she revokes it.  The administrator's list of every
token is shown too.  Screenshots land in ``test-artifacts/api/``.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from browser import require_chromium

pytestmark = pytest.mark.e2e
require_chromium()

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "api"
WIDE = "() => document.documentElement.scrollWidth"


def _api(base: str, path: str, token: str) -> int:
    """The status of a GET of the served API with ``token``."""
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            json.load(answer)
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code


@pytest.mark.parametrize("locale, lang", [("en-US", "en"), ("zh-CN", "zh")])
@pytest.mark.parametrize("width", [1440, 390])
def test_a_token_is_made_used_and_revoked_on_the_settings_page(session_of, demo_server, locale, lang, width):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    s = session_of("lina", locale)
    s.page.set_viewport_size({"width": width, "height": 900})
    assert s.goto("/settings/tokens").status == 200
    s.page.fill("input[name=name]", f"Outlook 同步 {width} {lang}")
    s.page.select_option("select[name=scope]", "write")
    with s.page.expect_navigation():
        s.page.click("form.stacked button[type=submit]")
    token = s.page.locator("#new-token code.token").text_content().strip()
    assert token.startswith("gcrm_")
    s.page.screenshot(path=str(ARTIFACTS / f"tokens-{width}-{lang}.png"), full_page=True)
    if width == 390:  # a phone: the token wraps, nothing is wider than the screen
        assert s.page.evaluate(WIDE) <= 390
    assert _api(demo_server[0], "/api/v1/people?per_page=5", token) == 200
    row = s.page.locator("#tokens tbody tr", has_text=f"Outlook 同步 {width} {lang}")
    with s.page.expect_navigation():
        row.locator("button.danger").click()
    assert _api(demo_server[0], "/api/v1/people?per_page=5", token) == 401


@pytest.mark.parametrize("locale, lang", [("en-US", "en"), ("zh-CN", "zh")])
@pytest.mark.parametrize("width", [1440, 390])
def test_the_administrator_sees_every_token(session_of, locale, lang, width):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    lina = session_of("lina", locale)
    lina.goto("/settings/tokens")
    lina.page.fill("input[name=name]", "BI 报表")
    with lina.page.expect_navigation():
        lina.page.click("form.stacked button[type=submit]")
    s = session_of("admin", locale)
    s.page.set_viewport_size({"width": width, "height": 900})
    assert s.goto("/admin/tokens").status == 200
    assert s.page.locator("#all-tokens tbody tr", has_text="BI 报表").count() >= 1
    s.page.screenshot(path=str(ARTIFACTS / f"admin-tokens-{width}-{lang}.png"), full_page=True)
    if width == 390:
        assert s.page.evaluate(WIDE) <= 390
