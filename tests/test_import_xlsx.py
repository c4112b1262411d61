"""The import templates as .xlsx workbooks (graphcrm/transfer/sheets.py): a
workbook with a sheet per template, per-template workbooks in a folder or a
zip, the bilingual template workbook filled in and imported, and workbooks
that are refused with a message (damaged, not a workbook, protected, a zip
bomb, a formula saved without its value), on the real embedded database."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date, datetime, time
from pathlib import Path

import pytest
from openpyxl import Workbook as OpenpyxlWorkbook
from openpyxl import load_workbook

from graphcrm.cli import main
from graphcrm.transfer.sheets import SheetProblem, Workbook
from graphcrm.transfer.templates import read_templates
from graphcrm.web import uploads

from fixtures import text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: the same records as a folder of CSV files and as the sheets of one workbook
ACCOUNTS_CSV = "编号,名称,客户分级,年度价值,潜在价值\nacc-sz,深圳市住房和建设局,高价值,12000000,15500000.5\n"
PEOPLE_CSV = ("id,name,title,influence,stance,notes\np-zhang,张敏,副处长,4,支持者,\"'=HYPERLINK(\"\"x\"\")\"\n"
              "p-li,Li Lei,Engineer,2,skeptic,\n")
OPPORTUNITIES_CSV = "id,name,value,close_date\nopp-sz,智慧住建平台,3000000,2026-09-30\n"
WORKS_AT_CSV = "start,end,since\np-zhang,acc-sz,2019-03-01\np-li,acc-sz,\n"
REPORTS_TO_CSV = "起点,终点\np-li,p-zhang\n"


def workbook(sheets: dict[str, list[list]]) -> bytes:
    book = OpenpyxlWorkbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def the_same_records_as_sheets() -> bytes:
    """The CSV folder above as one workbook: Chinese headers, typed cells (numbers, a date cell), other names."""
    return workbook({
        "Accounts": [["编号", "名称", "客户分级", "年度价值", "潜在价值"],
                     ["acc-sz", "深圳市住房和建设局", "高价值", 12000000.0, 15500000.5]],
        "people": [["id / 编号", "name / 名称", "Title", "影响力", "stance", "备注"],
                   ["p-zhang", "张敏", "副处长", 4, "支持者", "'=HYPERLINK(\"x\")"],
                   [],
                   ["p-li", "Li Lei", "Engineer", 2.0, "skeptic"]],
        "people notes": [["id", "notes"], ["p-zhang", "not read"]],
        "opportunities.csv": [["id", "name", "value", "close_date"],
                              ["opp-sz", "智慧住建平台", 3000000, datetime(2026, 9, 30)]],
        "WORKS_AT": [["start", "end", "since / 起始日期"], ["p-zhang", "acc-sz", date(2019, 3, 1)],
                     ["p-li", "acc-sz"]],
        "reports_to": [["起点", "终点"], ["p-li", "p-zhang"]],
    })


def with_member(data: bytes, name: str, content: bytes, *, replace: dict[bytes, bytes] | None = None) -> bytes:
    """The .xlsx ``data`` with one more part (and the parts' text replaced)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            part = source.read(item)
            for old, new in (replace or {}).items():
                part = part.replace(old, new)
            target.writestr(item, part)
        if name:
            target.writestr(name, content)
    return out.getvalue()


def zipped(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


#: a zip, but of CSV files, named .xlsx
A_ZIP_OF_CSV = zipped({"people.csv": b"id,name\n"})


def preview(client, files, kind="csv"):
    return client.post("/import", data={"kind": kind, "files": [(io.BytesIO(d), n) for d, n in files]},
                       content_type="multipart/form-data")


def apply_token(page: str) -> str:
    return re.search(r'name="token" type="hidden" value="([0-9a-f]+)"', page).group(1)


# -- reading cells as text ---------------------------------------------------------------------------


def test_cells_read_as_the_text_a_csv_file_would_hold(tmp_path):
    path = tmp_path / "cells.xlsx"
    path.write_bytes(workbook({"cells": [
        [12.0, 12.5, 0.1, 7, True, False, None, "  text  "],
        [date(2026, 3, 1), datetime(2026, 4, 1, 9, 30), time(9, 30), None, None],
        [],
        [None, "row four"],
    ]}))
    with Workbook(path) as book:
        assert book.sheet_names == ["cells"]
        assert list(book.rows("cells")) == [
            (1, ["12", "12.5", "0.1", "7", "true", "false", "", "  text  "]),
            (2, ["2026-03-01", "2026-04-01T09:30:00", "09:30:00"]),
            (4, ["", "row four"]),
        ]


def test_a_formula_is_read_by_its_saved_value_and_one_saved_without_it_is_refused(tmp_path):
    data = workbook({"people": [["id", "name", "influence"], ["p-1", "王芳", "=2*2"]]})
    path = tmp_path / "people.xlsx"
    path.write_bytes(data)
    with Workbook(path) as book, pytest.raises(SheetProblem) as refused:
        list(book.rows("people"))
    assert refused.value.line == 2 and refused.value.message.startswith(
        "cell C2 has a formula saved without its value: open the workbook in Excel or WPS and save it again")
    path.write_bytes(with_member(data, "", b"", replace={b"<f>2*2</f><v />": b"<f>2*2</f><v>4</v>"}))
    with Workbook(path) as book:
        assert list(book.rows("people")) == [(1, ["id", "name", "influence"]), (2, ["p-1", "王芳", "4"])]


# -- the templates as workbooks ----------------------------------------------------------------------


def test_a_workbook_with_a_sheet_per_template_imports_like_the_csv_folder(any_store, tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    for name, text_ in (("accounts.csv", ACCOUNTS_CSV), ("people.csv", PEOPLE_CSV),
                        ("opportunities.csv", OPPORTUNITIES_CSV), ("works_at.csv", WORKS_AT_CSV),
                        ("reports_to.csv", REPORTS_TO_CSV)):
        (folder / name).write_text(text_, encoding="utf-8")
    assert read_templates(folder).apply(any_store).applied
    book = tmp_path / "crm.xlsx"
    book.write_bytes(the_same_records_as_sheets())
    report = read_templates(book).resolve(any_store)
    assert [str(p) for p in report.problems] == ["crm.xlsx, sheet people notes: is named like no template; ignored"]
    counts = [*report.nodes.values(), *report.relationships.values()]
    assert counts and all(c["create"] == c["update"] == 0 for c in counts), report.text()
    account = any_store.get("Account", "acc-sz")
    assert (account["segment"], account["annual_value"], account["potential_value"]) == ("strategic", 1.2e7,
                                                                                        15500000.5)
    assert any_store.get("Person", "p-zhang")["notes"] == '=HYPERLINK("x")'
    assert any_store.get("Opportunity", "opp-sz")["close_date"] == "2026-09-30"
    assert any_store.get_relationship("WORKS_AT", "p-zhang", "acc-sz")["since"] == "2019-03-01"


def test_a_bad_cell_in_a_sheet_is_named_by_workbook_sheet_and_row(any_store, tmp_path):
    book = tmp_path / "crm.xlsx"
    book.write_bytes(workbook({"people": [["编号", "姓名", "态度"], ["p-1", "韩雪", "supporter"], [],
                                          ["p-2", "孔繁宇", "kingmaker"]]}))
    report = read_templates(book).apply(any_store)
    assert not report.applied and [str(p) for p in report.errors][0].startswith(
        "crm.xlsx, sheet people line 4: stance: unknown value; allowed:")
    assert any_store.is_empty()


def test_per_template_workbooks_in_a_folder_read_their_first_sheet(runner, tmp_path):
    (tmp_path / "People.xlsx").write_bytes(workbook({"Sheet1": [["id", "name"], ["p-wf", "王芳"]]}))
    (tmp_path / "works_at.csv").write_text("start,end\np-wf,acc-wf\n", encoding="utf-8")
    (tmp_path / "accounts.xlsx").write_bytes(workbook({"客户": [["编号", "名称"], ["acc-wf", "华东电网"]]}))
    (tmp_path / "~$accounts.xlsx").write_bytes(b"Excel's lock file")
    result = runner.invoke(main, ["import", "csv", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["applied"] and report["problems"] == []
    assert report["nodes"]["Person"]["create"] == 1 and report["relationships"]["WORKS_AT"]["create"] == 1


def test_cli_imports_one_workbook_and_names_a_bad_one_in_one_line(runner, tmp_path):
    good = tmp_path / "crm.xlsx"
    good.write_bytes(the_same_records_as_sheets())
    result = runner.invoke(main, ["import", "csv", str(good), "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["nodes"]["Person"]["create"] == 2
    for content, message in ((b"id,name\np-1,not a workbook\n", "people.xlsx: is not an Excel workbook (.xlsx)"),
                             (good.read_bytes()[:-300], "people.xlsx: is damaged: open it in Excel or WPS"),
                             (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"),
                              "people.xlsx: is protected with a password")):
        bad = tmp_path / "bad"
        bad.mkdir(exist_ok=True)
        (bad / "people.xlsx").write_bytes(content)
        result = runner.invoke(main, ["import", "csv", str(bad)])
        assert result.exit_code == 1 and message in result.output, result.output
        assert "Traceback" not in result.output


# -- the web pages -----------------------------------------------------------------------------------


def test_the_template_workbook_filled_in_and_uploaded_imports(client, auth, app_store):
    auth.login("admin")
    r = client.get("/import/templates.xlsx")
    assert r.status_code == 200 and r.mimetype == XLSX
    assert 'filename="graphcrm-templates.xlsx"' in r.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(r.data))
    assert book.sheetnames[:3] == ["README", "accounts", "people"] and "reports_to" in book.sheetnames
    accounts = book["accounts"]
    header = [c.value for c in accounts[1]]
    assert header[:3] == ["id / 编号", "name / 名称", "industry / 行业"]
    dropdowns = {str(v.sqref): v.formula1 for v in accounts.data_validations.dataValidation}
    assert dropdowns["E2:E1048576"] == '"strategic,key,growth,general"' and header[4] == "segment / 客户分级"
    assert "strategic (高价值)" in "\n".join(str(row[0].value) for row in book["README"].iter_rows())
    accounts.append(["acc-tpl", "模板客户", None, None, "高价值", None, "active", 12000000])
    book["people"].append(["p-tpl", "模板联系人", "总工程师"])
    book["works_at"].append(["p-tpl", "acc-tpl", datetime(2020, 5, 4)])
    out = io.BytesIO()
    book.save(out)
    page = text(preview(client, [(out.getvalue(), "graphcrm-templates.xlsx")]))
    assert "0 error(s), 0 warning(s)" in page, page
    assert client.post("/import/apply", data={"token": apply_token(page)}).status_code == 200
    assert app_store.get("Account", "acc-tpl")["segment"] == "strategic"
    assert app_store.get_relationship("WORKS_AT", "p-tpl", "acc-tpl")["since"] == "2020-05-04"


def test_per_template_workbooks_in_a_zip_upload_import(client, auth, app_store):
    auth.login("admin")
    files = {"export/accounts.xlsx": workbook({"Sheet1": [["id", "name"], ["acc-zip", "压缩包客户"]]}),
             "export/people.xlsx": workbook({"Sheet1": [["id", "name", "influence"], ["p-zip", "许晴", 3.0]]}),
             "export/works_at.csv": b"start,end\np-zip,acc-zip\n"}
    page = text(preview(client, [(zipped(files), "export.zip")]))
    assert "0 error(s), 0 warning(s)" in page, page
    assert client.post("/import/apply", data={"token": apply_token(page)}).status_code == 200
    assert app_store.get("Person", "p-zip")["influence"] == 3


@pytest.mark.parametrize("content, message", [
    (b"id,name\np-1,x\n", "people.xlsx is not an Excel workbook (.xlsx)"),
    (workbook({"people": [["id", "name"]]})[:-300], "people.xlsx is damaged: open it in Excel or WPS"),
    (A_ZIP_OF_CSV, "people.xlsx is damaged or is not an Excel workbook"),
], ids=["not-a-workbook", "truncated", "a-zip-not-a-workbook"])
def test_a_workbook_that_cannot_be_read_is_refused_with_400(client, auth, content, message):
    auth.login("admin")
    r = preview(client, [(content, "people.xlsx")])
    assert r.status_code == 400 and message in text(r)
    assert "Apply this import" not in text(r)


def test_a_workbook_that_unpacks_too_far_is_refused_before_it_is_read(client, auth, app, monkeypatch, tmp_path):
    monkeypatch.setattr(uploads, "MAX_WORKBOOK", 1024 * 1024)
    bomb = with_member(workbook({"people": [["id", "name"], ["p-bomb", "炸弹"]]}), "xl/media/padding.bin",
                       b"\0" * (2 * 1024 * 1024))
    assert len(bomb) < 64 * 1024
    auth.login("admin")
    r = preview(client, [(bomb, "people.xlsx")])
    assert r.status_code == 400 and "people.xlsx unpacks to more than 1 MB" in text(r)
    (tmp_path / "people.xlsx").write_bytes(bomb)
    with pytest.raises(SheetProblem, match="unpacks to more than 1 MB"):
        Workbook(tmp_path / "people.xlsx", max_unpacked=1024 * 1024)


def test_the_import_page_offers_the_workbook(client, auth):
    auth.login("lina")
    page = text(client.get("/import"))
    assert "/import/templates.xlsx" in page and 'accept=".csv,.xlsx,.zip"' in page


def test_the_paste_page_reads_typed_cells_of_a_sheet(client, auth):
    auth.login("admin")
    account_id = client.get("/api/accounts").get_json()[0]["id"]
    data = workbook({"Sheet1": [["Name", "Title", "Influence"], ["许晴", "总监", 4.0]]})
    r = client.post(f"/accounts/{account_id}/people/paste",
                    data={"sheet": (io.BytesIO(data), "people.xlsx"), "action": "check"},
                    content_type="multipart/form-data")
    assert r.status_code == 200 and 'value="4"' in text(r), text(r)


def test_a_path_that_is_neither_folder_nor_workbook_is_an_error(store, tmp_path):
    report = read_templates(Path(tmp_path / "missing")).apply(store)
    assert not report.applied and "is not a folder or a file" in report.text()
