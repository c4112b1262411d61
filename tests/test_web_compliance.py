"""Tender compliance through the web, on every store: the person and opportunity forms, the log
form refusing a restricted person in the quiet period (nothing written, said in the user's
language), a clarification meeting with its reason flagged, the gift warning, the power map's
mark, the map editor, the pasted list, an import, and the directors' compliance report."""

from __future__ import annotations

import csv
import io
import json

from openpyxl import load_workbook

from graphcrm.transfer.plan import ImportPlan
from graphcrm.transfer.templates import read_templates

from fixtures import signed_in, text

AT = "2026-04-20T09:30"


def restrict(store) -> None:
    """王强 (p-ours-cio) of "ours", whose bid Quay cranes 2027 is in its tender, sits on its evaluation committee."""
    cio = store.get("Person", "p-ours-cio")
    store.update("Person", "p-ours-cio", {"compliance_role": "evaluation_committee"}, version=cio["version"])


def interactions_with(store, person_id: str) -> list[str]:
    return [t["props"]["id"] for t in store.timeline(person_id)]


def test_the_person_form_sets_a_compliance_role_and_the_opportunity_form_a_quiet_period(app_and_store):
    app, store = app_and_store
    client = signed_in(app, "lina")
    cio = store.get("Person", "p-ours-cio")
    form = {k: cio.get(k) or "" for k in ("name", "title", "department", "influence", "stance")}
    response = client.post("/people/p-ours-cio/edit", data={**form, "compliance_role": "procurement_official",
                                                             "version": cio["version"]})
    assert response.status_code == 302
    assert store.get("Person", "p-ours-cio")["compliance_role"] == "procurement_official"
    opp = store.get("Opportunity", "opp-ours")
    response = client.post("/opportunities/opp-ours/edit", data={
        "name": opp["name"], "stage": "qualify", "currency": "CNY", "quiet_start": "2026-04-01",
        "quiet_end": "2026-06-30", "version": opp["version"]})
    assert response.status_code == 302
    opp = store.get("Opportunity", "opp-ours")
    response = client.post("/opportunities/opp-ours/edit", data={
        "name": opp["name"], "stage": "qualify", "currency": "CNY", "quiet_start": "2026-07-01",
        "quiet_end": "2026-06-30", "version": opp["version"]})
    assert response.status_code == 400 and "cannot end before it starts" in text(response)
    assert {k: store.get("Opportunity", "opp-ours")[k] for k in ("quiet_start", "quiet_end")} == {
        "quiet_start": "2026-04-01", "quiet_end": "2026-06-30"}


def test_a_meeting_with_a_committee_member_is_refused_in_either_language_and_writes_nothing(app_and_store):
    app, store = app_and_store
    restrict(store)
    before = interactions_with(store, "p-ours-cio")
    client = signed_in(app, "lina")
    data = {"kind": "meeting", "channel": "in_person", "at": AT, "person_ids": ["p-ours-cio"],
            "user_ids": ["user-lina"], "summary": "dinner"}
    response = client.post("/people/p-ours-cio", data=data)
    assert response.status_code == 400 and "quiet period" in text(response) and "王强" in text(response)
    client.get("/lang/zh")
    response = client.post("/people/p-ours-cio", data=data)
    assert response.status_code == 400 and "静默期" in text(response)
    assert interactions_with(store, "p-ours-cio") == before
    entries, _total = store.audit_log(actor="lina", limit=50)
    assert [e["action"] for e in entries].count("compliance_refused") == 2
    page = text(signed_in(app, "admin").get("/admin/audit?user=lina"))
    assert "Refused in a quiet period" in page and "王强" in page


def test_a_clarification_meeting_with_its_reason_is_logged_flagged_and_shown(app_and_store):
    app, store = app_and_store
    restrict(store)
    client = signed_in(app, "lina")
    response = client.post("/people/p-ours-cio", data={
        "kind": "clarification", "channel": "in_person", "at": AT, "person_ids": ["p-ours-cio"],
        "user_ids": ["user-lina"], "compliance_reason": "招标人组织的澄清会"}, follow_redirects=True)
    assert response.status_code == 200 and "flagged on the compliance report" in text(response)
    [logged] = [t["props"] for t in store.timeline("p-ours-cio") if t["props"]["kind"] == "clarification"]
    assert logged["quiet_period_flag"] is True and logged["compliance_reason"] == "招标人组织的澄清会"
    page = text(client.get("/people/p-ours-cio"))
    assert 'id="quiet-period"' in page and "Quay cranes 2027" in page


def test_gifts_over_the_limit_warn_and_show_on_the_compliance_report_for_directors_only(app_and_store):
    app, store = app_and_store
    client = signed_in(app, "lina")
    gift = {"kind": "visit", "channel": "in_person", "person_ids": ["p-ours-cfo"], "user_ids": ["user-lina"],
            "gift_description": "茶叶 tea", "gift_currency": "CNY"}
    assert client.post("/people/p-ours-cfo", data={**gift, "at": "2026-03-01T10:00", "gift_value": "300"}).status_code \
        == 302
    response = client.post("/people/p-ours-cfo", data={**gift, "at": "2026-03-02T10:00", "gift_value": "40",
                                                       "gift_currency": "USD", "gift_description": "=1+1"},
                           follow_redirects=True)
    assert "exceed the annual limit" in text(response)
    assert client.get("/compliance").status_code == 403
    director = signed_in(app, "director")
    page = text(director.get("/compliance?year=2026"))
    assert "Anna Berg" in page and "茶叶 tea" in page and "over the gift limit" in page
    director.get("/lang/zh")
    assert "超出礼品限额" in text(director.get("/compliance?year=2026"))
    rows = list(csv.reader(io.StringIO(text(director.get("/compliance.csv?year=2026")).lstrip("\ufeff"))))
    assert len(rows) == 3 and "'=1+1" in rows[1]
    book = load_workbook(io.BytesIO(director.get("/compliance.xlsx?year=2026").data))
    sheet = book.worksheets[0]
    assert sheet.max_row == 3 and sheet.cell(2, 8).value == 40
    assert director.get("/compliance?year=twenty").status_code == 400
    exports = [e for e in store.audit_log(actor="director", limit=50)[0] if e["action"] == "export"]
    assert len(exports) == 2


def test_the_power_map_marks_a_restricted_person_with_a_legend_entry(app_and_store):
    app, store = app_and_store
    restrict(store)
    client = signed_in(app, "lina")
    page = text(client.get("/opportunities/opp-ours"))
    assert "mark restricted" in page
    data = client.get("/api/opportunities/opp-ours/map").get_json()
    [cio] = [n for n in data["nodes"] if n["id"] == "p-ours-cio"]
    assert cio["restricted"] == "Evaluation-committee member" and cio["shapeProperties"]["borderDashes"]
    assert "⚠" in cio["label"] and data["restricted"] == 1


def test_the_map_editor_and_a_pasted_list_set_the_compliance_role(app_and_store):
    app, store = app_and_store
    client = signed_in(app, "lina")
    version = store.get("Person", "p-ours-cfo")["version"]
    response = client.post("/api/people/p-ours-cfo", json={"changes": {"compliance_role": "public_official"},
                                                            "version": version})
    assert response.status_code == 200 and store.get("Person", "p-ours-cfo")["compliance_role"] == "public_official"
    response = client.post("/accounts/acc-ours/people/paste", data={
        "text": "姓名\t职务\t合规身份\n李评委\t专家\t评标委员会成员\n赵六\t工程师\t委员", "action": "check"})
    page = text(response)
    assert response.status_code == 400 and "is not a compliance role" in page


def test_an_import_of_an_interaction_in_the_quiet_period_is_refused_and_writes_nothing(app_and_store, tmp_path):
    _app, store = app_and_store
    restrict(store)
    (tmp_path / "interactions.csv").write_text("id,kind,at,summary\nint-imp,meeting,2026-04-20T09:00:00+00:00,饭局\n",
                                               encoding="utf-8")
    (tmp_path / "with.csv").write_text("start,end\nint-imp,p-ours-cio\n", encoding="utf-8")
    plan = read_templates(tmp_path)
    assert isinstance(plan, ImportPlan)
    report = plan.apply(store)
    assert not report.applied and any("quiet period" in p.message for p in report.errors)
    assert store.find("Interaction", "int-imp") is None
    entry = next(e for e in store.audit_log(limit=50)[0] if e["action"] == "compliance_refused")
    assert json.loads(entry["after"])["person_ids"] == ["p-ours-cio"]


def test_the_api_refuses_a_meeting_with_a_committee_member_in_the_quiet_period(app_and_store):
    app, store = app_and_store
    restrict(store)
    before = interactions_with(store, "p-ours-cio")
    response = signed_in(app, "lina").post("/api/v1/interactions", json={
        "kind": "meeting", "at": "2026-04-20T09:30:00+00:00", "person_ids": ["p-ours-cio"], "summary": "饭局"})
    assert response.status_code == 400 and response.get_json()["field"] == "kind"
    assert "quiet period" in response.get_json()["detail"]
    assert interactions_with(store, "p-ours-cio") == before


def test_the_api_logs_a_clarification_meeting_with_its_reason_and_a_gift_flagged(app_and_store):
    app, store = app_and_store
    restrict(store)
    client = signed_in(app, "lina")
    response = client.post("/api/v1/interactions", json={
        "kind": "clarification", "at": "2026-04-20T09:30:00+00:00", "person_ids": ["p-ours-cio"],
        "summary": "澄清会 clarification", "compliance_reason": "招标人组织的澄清会"})
    assert response.status_code == 201
    logged = response.get_json()
    assert logged["compliance_reason"] == "招标人组织的澄清会" and logged["quiet_period_flag"] is True
    gift = {"kind": "visit", "person_ids": ["p-ours-cfo"], "gift_description": "月饼 mooncakes",
            "gift_currency": "CNY"}
    assert client.post("/api/v1/interactions", json={**gift, "at": "2026-03-01T10:00:00+00:00",
                                                     "gift_value": 450}).status_code == 201
    second = client.post("/api/v1/interactions", json={**gift, "at": "2026-03-02T10:00:00+00:00",
                                                       "gift_value": 100}).get_json()
    assert second["gift_value"] == 100 and second["gift_limit_flag"] is True
    assert client.post("/api/v1/interactions", json={**gift, "at": "2026-03-03T10:00:00+00:00",
                                                     "gift_currency": "yuan"}).status_code == 400
