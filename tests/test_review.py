"""The bid review pack (web/review.py, graphcrm/review.py): a PDF of at most
two A4 pages with the opportunity's name, readiness and top gap, in English
and Chinese, for the demo's largest opportunity and a small hand-made one,
on both stores; what changed since the last review (the last stage change,
else 14 days); the map drawn where the page draws it; a missing font is a
clear error; ``graphcrm review``.

Each PDF's pages are drawn as PNG into ``test-artifacts/review/`` (pypdfium2)
to be looked at.
"""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2
import pytest
from pypdf import PdfReader

from graphcrm.cli import main
from graphcrm.demo import DEMO_PASSWORD, load_demo
from graphcrm.review import MissingFont, require_fonts
from graphcrm.web import ANALYSIS_WORDS, in_language
from graphcrm.web.review import ORG_CHART_COLUMN, ORG_CHART_ROW, network_positions

from fixtures import FORBIDDEN, ROLES, load_access_portfolio, login, signed_in

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "review"
LARGEST = "opp-citybureau-smartsite"  # the demo's largest buying center (12 people)


def pages_text(pdf: bytes) -> tuple[int, str]:
    """How many pages the PDF has, and its text without white space (lines wrap anywhere)."""
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), "".join("".join(page.extract_text() for page in reader.pages).split())


def save_pages(pdf: bytes, name: str) -> None:
    """Each page as ``test-artifacts/review/<name>-<page>.png``, to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    document = pypdfium2.PdfDocument(pdf)
    for i in range(len(document)):
        document[i].render(scale=1.5).to_pil().save(ARTIFACTS / f"{name}-{i + 1}.png")


def words(app, lang: str, *keys: str) -> list[str]:
    """Analysis words in ``lang``, without white space."""
    with app.test_request_context(), in_language(lang):
        return ["".join(str(ANALYSIS_WORDS[k]).split()) for k in keys]


def check_pack(app, client, opportunity_id: str, lang: str, name: str) -> bytes:
    """The opportunity's pack in ``lang``: at most two pages with its name, readiness and top gap."""
    report = client.get(f"/api/opportunities/{opportunity_id}").get_json()
    r = client.get(f"/opportunities/{opportunity_id}/review.pdf?lang={lang}")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert f"review-{opportunity_id}-{lang}.pdf" in r.headers["Content-Disposition"]
    pages, body = pages_text(r.data)
    assert pages <= 2
    assert "".join(report["opportunity"]["name"].split()) in body
    assert f"{report['readiness']['score']}/100" in body
    assert words(app, lang, report["findings"][0]["kind"])[0] in body
    assert not PdfReader(io.BytesIO(r.data)).pages[0].images  # the map is drawn in vector, no picture
    save_pages(r.data, name)
    return r.data


# -- the demo's largest opportunity and the hand-made portfolio, on both stores ---------------------


@pytest.fixture(scope="module")
def demo(web_app):
    with web_app() as (app, store):
        load_demo(store)
        yield app


def director(app):
    """A test client signed in as the demo's director (who sees every account)."""
    client = app.test_client()
    assert login(client, "director", DEMO_PASSWORD).status_code == 302
    return client


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_demos_largest_opportunity_fits_on_two_pages(demo, store_name, lang):
    client = director(demo)
    pdf = check_pack(demo, client, LARGEST, lang, f"{LARGEST}-{lang}-{store_name}")
    body = pages_text(pdf)[1]
    assert "东方数科集团" in body and "华信智联科技股份有限公司" in body  # the competitors
    assert "陈国强" in body and "周明" in body  # a buying-center member and our relationship with him


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_account_pack_fits_on_two_pages(demo, store_name, lang):
    client = director(demo)
    r = client.get(f"/accounts/acc-citybureau/review.pdf?lang={lang}")
    pages, body = pages_text(r.data)
    assert r.status_code == 200 and pages <= 2
    assert "江州市住房和城乡建设局" in body and "江州市智慧工地监管平台及CIM基础平台建设项目" in body
    save_pages(r.data, f"acc-citybureau-{lang}-{store_name}")


def test_a_small_opportunity_in_the_users_language(app, store_name):
    client = signed_in(app, "lina")
    check_pack(app, client, "opp-east", "en", f"opp-east-en-{store_name}")
    client.get("/lang/zh")
    r = client.get("/opportunities/opp-east/review.pdf")  # no ?lang=: the user's language
    assert "投标准备度" in pages_text(r.data)[1] and "review-opp-east-zh.pdf" in r.headers["Content-Disposition"]
    check_pack(app, client, "opp-east", "zh", f"opp-east-zh-{store_name}")


def test_an_unknown_language_is_refused(app):
    r = signed_in(app, "lina").get("/opportunities/opp-east/review.pdf?lang=fr")
    assert r.status_code == 400 and "lang" in r.get_data(as_text=True)


# -- access ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["manager", "bid", "viewer"])
def test_a_pack_holds_nothing_of_an_account_the_user_may_not_see(access_app, role):
    client = signed_in(access_app, ROLES[role])
    for url in ("/opportunities/opp-ours/review.pdf", "/accounts/acc-ours/review.pdf"):
        r = client.get(url)
        reader = PdfReader(io.BytesIO(r.data))
        body = " ".join(page.extract_text() for page in reader.pages)
        assert r.status_code == 200 and not [w for w in FORBIDDEN if w in body], url
    assert client.get("/accounts/acc-theirs/review.pdf").status_code == 404
    assert client.get("/opportunities/opp-theirs/review.pdf").status_code == 404


# -- what changed since the last review ------------------------------------------------------------


def test_changes_since_the_last_stage_change(app_and_store):
    app, store = app_and_store
    client = signed_in(app, "lina")
    body = pages_text(client.get("/opportunities/opp-ours/review.pdf").data)[1]
    assert "Changesinthelast14days" in body  # no stage change yet
    opportunity = store.get("Opportunity", "opp-ours")
    store.update("Opportunity", "opp-ours", {"stage": "evaluation"}, version=opportunity["version"])
    person = store.get("Person", "p-ours-cio")
    store.update("Person", "p-ours-cio", {"stance": "champion"}, version=person["version"])
    body = pages_text(client.get("/opportunities/opp-ours/review.pdf").data)[1]
    assert "ChangessincethestagemovedtoEvaluation" in body
    assert "stanceSupporter→Advocate" in body and "stageTender→Evaluation" in body
    pdf = client.get("/opportunities/opp-ours/review.pdf?lang=zh").data
    assert "自阶段变为“评标中”以来的变化" in pages_text(pdf)[1]
    save_pages(pdf, "opp-ours-changes-zh")


# -- the map ---------------------------------------------------------------------------------------


def test_the_power_map_is_drawn_at_the_pages_org_chart_places(app):
    data = signed_in(app, "lina").get("/api/opportunities/opp-east/map").get_json()
    nodes = data.get("nodes") or data["network"]["nodes"]
    assert all("column" in n and "level" in n for n in nodes)
    cio, xss = (next(n for n in nodes if n["id"] == p) for p in ("p-cio", "p-xss"))
    assert (xss["level"], xss["column"]) == (cio["level"] + 1, cio["column"])  # the report under the boss
    assert ORG_CHART_COLUMN and ORG_CHART_ROW


def test_saved_positions_are_kept_and_the_others_laid_out_around_them():
    nodes = [{"id": n} for n in ("a", "b", "c")]
    edges = [{"from": "a", "to": "b"}, {"from": "b", "to": "c"}]
    every = network_positions({"nodes": nodes, "edges": edges, "saved_layout": {
        "positions": {"a": [0, 0], "b": [100, 50], "c": [-80, 200]}}})
    assert every == {"a": (0, 0), "b": (100, 50), "c": (-80, 200)}
    some = network_positions({"nodes": nodes, "edges": edges, "saved_layout": {"positions": {"a": [0, 0],
                                                                                              "b": [300, 0]}}})
    assert some["a"] == pytest.approx((0, 0)) and some["b"] == pytest.approx((300, 0)) and "c" in some
    none = network_positions({"nodes": nodes, "edges": edges, "saved_layout": {"positions": {}}})
    assert none == network_positions({"nodes": nodes, "edges": edges, "saved_layout": {"positions": {}}})


# -- fonts -----------------------------------------------------------------------------------------


def test_a_missing_chinese_font_is_a_clear_error(app, tmp_path, monkeypatch):
    """With fontconfig seeing no fonts at all, the PDF is refused, naming the package to install."""
    (tmp_path / "fonts").mkdir()
    config = tmp_path / "fonts.conf"
    config.write_text(f'<?xml version="1.0"?><fontconfig><dir>{tmp_path / "fonts"}</dir>'
                      f'<cachedir>{tmp_path / "cache"}</cachedir></fontconfig>', encoding="utf-8")
    require_fonts("zh")
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    with pytest.raises(MissingFont, match="fonts-wqy-microhei"):
        require_fonts("zh")
    r = signed_in(app, "lina").get("/opportunities/opp-east/review.pdf?lang=zh")
    assert r.status_code == 503 and "fonts-wqy-microhei" in r.get_data(as_text=True)


# -- the command -----------------------------------------------------------------------------------


def test_the_review_command_writes_the_pack(runner, tmp_path):
    from graphcrm.graph import open_store

    with open_store(runner.settings) as store:
        load_access_portfolio(store)
    out = tmp_path / "pack.pdf"
    result = runner.invoke(main, ["review", "opportunity", "opp-ours", "-o", str(out), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    pages, body = pages_text(out.read_bytes())
    assert pages <= 2 and "Quaycranes2027" in body and "投标准备度" in body
    result = runner.invoke(main, ["review", "account", "acc-theirs", "-o", str(tmp_path / "a.pdf")])
    assert result.exit_code == 0, result.output  # the operator sees every account
    assert "ForbiddenFreight" in pages_text((tmp_path / "a.pdf").read_bytes())[1]
    result = runner.invoke(main, ["review", "opportunity", "opp-nowhere", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1 and "opp-nowhere" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.pdf").exists()
