"""The GraphCRM import templates: one table per node label and per relationship type.

For teams without Salesforce, and the ``csv`` export format (an export
imports again unchanged).  Each template is a CSV file (UTF-8 with a
byte-order mark, so that Excel shows Chinese; a file in another encoding,
such as GBK/GB18030 from Excel on a Chinese system, is read in the encoding
detected or given with ``--encoding``, which the import report names) or an
.xlsx workbook of the same name (``people.xlsx``: its first sheet); or all
of them are the sheets of one workbook of any name, each sheet named like
its file (``people``, ``reports_to``, in any case; a sheet named like no
template is reported and ignored).  :func:`template_workbook` is that
workbook, empty, with a README sheet; how cells of a sheet read as text
(dates, numbers, formulas) is in graphcrm/transfer/sheets.py.

* nodes: ``accounts.csv``, ``people.csv``, ``users.csv``, ``opportunities.csv``,
  ``competitors.csv``, ``interactions.csv`` — column ``id`` (the node's
  GraphCRM id, the key of the upsert) and one column per property of the
  label (:mod:`graphcrm.model`);
* relationships: ``works_at.csv``, ``reports_to.csv``, ``role_in.csv`` … (the
  type in lower case) — columns ``start`` and ``end`` (node ids) and one per
  property of the type.

Every column may be headed by its name (``annual_value``), the name with
spaces (``Annual value``), its Chinese name (``年度价值``) or both
(``annual_value / 年度价值``, as the workbook heads it), in any case;
:func:`readme` lists them all.  Enumerated values may be given as the value
(``strategic``), its English label (``Strategic``) or its Chinese label
(``高价值``).  Columns a file does not have are left as they are on update;
an empty cell removes the property; a line break inside a value is kept
as it is (CR LF or LF).  A text cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return, after any apostrophes, is written with
one more leading ``'`` (so that a spreadsheet does not run it as a formula)
and read back without it: ``=SUM(A1)`` is written ``'=SUM(A1)``, and
``'=SUM(A1)`` is written ``''=SUM(A1)``.
"""

from __future__ import annotations

import csv
import io
import json
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from graphcrm import model
from graphcrm.transfer.csvio import CsvFile, CsvProblem, read_rows, table
from graphcrm.transfer.plan import ImportPlan, Where
from graphcrm.transfer.sheets import SheetData, SheetProblem, Workbook, workbook_bytes

#: file of each node label
NODE_FILES = {
    "Account": "accounts.csv",
    "Person": "people.csv",
    "User": "users.csv",
    "Opportunity": "opportunities.csv",
    "Competitor": "competitors.csv",
    "Interaction": "interactions.csv",
}
#: file of each relationship type
RELATIONSHIP_FILES = {rel_type: f"{rel_type.lower()}.csv" for rel_type in model.RELATIONSHIP_TYPES}

#: Chinese column names (English: the property name, with spaces for underscores)
CHINESE = {
    "id": "编号", "start": "起点", "end": "终点",
    "name": "名称", "industry": "行业", "region": "地区", "segment": "客户分级", "tier": "关系层级",
    "lifecycle": "生命周期阶段", "annual_value": "年度价值", "potential_value": "潜在价值",
    "source_id": "来源编号", "title": "职务", "department": "部门", "seniority": "职级", "email": "邮箱",
    "phone": "电话", "influence": "影响力", "stance": "立场", "notes": "备注", "erased_at": "删除时间",
    "erased_by": "删除人", "username": "用户名", "display_name": "显示名称", "role": "角色",
    "active": "启用", "value": "金额", "currency": "币种", "stage": "阶段", "close_date": "预计成交日期",
    "decision_criteria": "决策标准", "kind": "类型", "channel": "渠道", "at": "时间", "summary": "摘要",
    "sentiment": "情绪", "satisfaction": "满意度", "since": "起始日期", "strength": "关系强度",
    "last_contact_at": "最近联系时间", "team_role": "团队角色",
    "compliance_role": "合规身份", "quiet_start": "静默期开始", "quiet_end": "静默期结束",
    "compliance_reason": "合规理由", "quiet_period_flag": "静默期标记", "gift_limit_flag": "超出礼品限额",
    "gift_description": "礼品与招待", "gift_value": "礼品价值", "gift_currency": "礼品币种",
}
#: a label's own Chinese name of a column: a person has a 姓名, an account or an opportunity a 名称
_CHINESE_OF = {"Person": {"name": "姓名"}}
#: other headings read as the column: 姓名 (a person's name), 态度 (the Chinese heading of ``stance``
#: before docs/glossary.md made it 立场)
_EXTRA_ALIASES = {"name": ("姓名",), "stance": ("态度",), "start": ("from", "从"), "end": ("to", "到")}
_VOCABULARIES = (model.SEGMENTS, model.TIERS, model.LIFECYCLES, model.STANCES, model.USER_ROLES, model.STAGES,
                 model.BUYING_ROLES, model.INTERACTION_KINDS, model.CHANNELS, model.COMPLIANCE_ROLES)
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
#: columns the template workbook formats as text (Excel would drop an id's leading zeros, read +86… as a formula)
_TEXT_COLUMNS = ("id", "start", "end", "source_id", "phone")


def chinese_column(owner: str, column: str) -> str | None:
    """The Chinese heading of ``column`` in the template of ``owner`` (a label or relationship type)."""
    return _CHINESE_OF.get(owner, {}).get(column) or CHINESE.get(column)


def node_columns(label: str) -> list[str]:
    return ["id"] + [f for f in model.NODE_MODELS[label].model_fields if f not in model.INTERNAL_PROPERTIES]


def relationship_columns(rel_type: str) -> list[str]:
    return ["start", "end"] + list(model.RELATIONSHIP_MODELS[rel_type].model_fields)


def _aliases(owner: str, columns: list[str]) -> dict[str, str]:
    aliases = {}
    for column in columns:
        chinese = [c for c in dict.fromkeys((chinese_column(owner, column), CHINESE.get(column))) if c]
        english = (column, column.replace("_", " "))
        bilingual = [f"{e}{sep}{c}" for e in english for sep in (" / ", "/") for c in chinese]
        for alias in (*english, *chinese, *bilingual, *_EXTRA_ALIASES.get(column, ())):
            if alias:
                aliases[alias.lower()] = column
    return aliases


def _vocabulary(owner: str, field: str) -> dict | None:
    allowed = set(model.allowed_values(owner, field))
    return next((v for v in _VOCABULARIES if allowed and set(v) == allowed), None)


def _formula_like(text: str) -> bool:
    """Whether a spreadsheet could run ``text``: it starts with a formula
    character after any apostrophes (module docstring)."""
    return text.lstrip("'")[:1] in _FORMULA


def _cell_in(text: str | None) -> str | None:
    if text and text[0] == "'" and _formula_like(text):
        return text[1:]
    return text


def cell_text(value) -> str:
    """``value`` as a spreadsheet cell's text: true / false, lists as JSON, and text a
    spreadsheet could run as a formula with one more leading ``'`` (module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and _formula_like(value):
        return "'" + value
    return str(value)


def _csv_text(header: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([cell_text(v) for v in row] for row in rows)
    return "\ufeff" + out.getvalue()


def template_files(lang: str = "en") -> dict[str, str]:
    """The empty templates, headed in English (property names) or Chinese."""
    def heading(owner, columns):
        return [chinese_column(owner, c) or c for c in columns] if lang.startswith("zh") else columns

    files = {name: _csv_text(heading(label, node_columns(label)), []) for label, name in NODE_FILES.items()}
    files.update({name: _csv_text(heading(t, relationship_columns(t)), []) for t, name in RELATIONSHIP_FILES.items()})
    files["README.txt"] = readme()
    return files


def readme() -> str:
    """What each template file holds: columns, their aliases, allowed values."""
    lines = [__doc__.strip(), ""]
    for label, name in NODE_FILES.items():
        lines.append(f"{name}  ({label}, {model.LABELS[label][1]})")
        lines += _column_lines(label, node_columns(label))
    for rel_type, name in RELATIONSHIP_FILES.items():
        starts, ends, english, chinese = model.RELATIONSHIP_TYPES[rel_type]
        lines.append(f"{name}  ({'/'.join(starts)} {english} {'/'.join(ends)}, {chinese})")
        lines += _column_lines(rel_type, relationship_columns(rel_type))
    return "\n".join(lines) + "\n"


def _column_lines(owner: str, columns: list[str]) -> list[str]:
    lines = []
    for column in columns:
        line = f"    {column:<18} {chinese_column(owner, column) or ''}"
        if column not in ("id", "start", "end"):
            vocabulary = _vocabulary(owner, column)
            if vocabulary:
                line += "   one of: " + ", ".join(f"{v} ({labels[1]})" for v, labels in vocabulary.items())
        lines.append(line)
    return lines + [""]


def graph_files(G, *, leave_out: tuple[str, ...] = ()) -> dict[str, str]:
    """A networkx graph (:mod:`graphcrm.graph.nxgraph`) as the CSV templates
    (only the files that have rows).  Columns in ``leave_out`` are not
    written at all (an empty column would erase the property on import)."""
    files = {}
    for label, name in NODE_FILES.items():
        columns = [c for c in node_columns(label) if c not in leave_out]
        rows = [[d.get(c) for c in columns] for _, d in sorted(G.nodes(data=True)) if d.get("label") == label]
        if rows:
            files[name] = _csv_text(columns, rows)
    for rel_type, name in RELATIONSHIP_FILES.items():
        columns = [c for c in relationship_columns(rel_type) if c not in leave_out]
        rows = [[u, v, *(d.get(c) for c in columns[2:])]
                for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda e: e[:3]) if k == rel_type]
        if rows:
            files[name] = _csv_text(columns, rows)
    return files


def template_workbook() -> bytes:
    """The empty templates as one .xlsx workbook: a README sheet, then a sheet
    per template named like its file (``people``, ``reports_to``…), headed
    in both languages (``name / 名称``), with a drop-down of the allowed
    values in each enumerated column."""
    sheets = {"README": SheetData([[line] for line in readme().splitlines()], header=False)}
    for label, name in NODE_FILES.items():
        sheets[name.removesuffix(".csv")] = _template_sheet(label, node_columns(label))
    for rel_type, name in RELATIONSHIP_FILES.items():
        sheets[name.removesuffix(".csv")] = _template_sheet(rel_type, relationship_columns(rel_type))
    return workbook_bytes(sheets)


def _template_sheet(owner: str, columns: list[str]) -> SheetData:
    header = [f"{c} / {chinese}" if (chinese := chinese_column(owner, c)) else c for c in columns]
    choices = {index: list(vocabulary) for index, column in enumerate(columns, start=1)
               if column not in ("id", "start", "end") and (vocabulary := _vocabulary(owner, column))}
    text = frozenset(index for index, column in enumerate(columns, start=1) if column in _TEXT_COLUMNS)
    return SheetData([header], choices=choices, text_columns=text)


@dataclass(frozen=True)
class _Table:
    """A template's rows in an import: a CSV file, or a sheet of a workbook."""

    where: str  # "people.csv", "people.xlsx", "crm.xlsx, sheet people"
    path: Path
    book: Workbook | None = None
    sheet: str = ""

    def read(self, aliases: dict[str, str], encoding: str | None) -> CsvFile:
        if self.book is None:
            return read_rows(self.path, aliases, encoding=encoding)
        return table(self.book.rows(self.sheet), aliases)


def read_templates(source: Path, *, encoding: str | None = None) -> ImportPlan:
    """An import plan of the templates at ``source``: a folder of template
    files (``people.csv`` or ``people.xlsx``, names in any case) and of
    workbooks with a sheet per template, or one such file; ``encoding``:
    that of the CSV files not in UTF-8 (default: detected)."""
    source = Path(source)
    plan = ImportPlan(f"GraphCRM templates {source}")
    with ExitStack() as books:
        tables = _tables(plan, source, books)
        for label, name in NODE_FILES.items():
            for where, props in _rows(plan, tables.get(name, []), label, node_columns(label), ("id", "name"),
                                      encoding):
                plan.add_node(label, props.pop("id") or "", props, where)
        for rel_type, name in RELATIONSHIP_FILES.items():
            for where, props in _rows(plan, tables.get(name, []), rel_type, relationship_columns(rel_type),
                                      ("start", "end"), encoding):
                start, end = props.pop("start"), props.pop("end")
                if start and end:
                    plan.add_relationship(rel_type, start, end, props, where, (f"start {start}", f"end {end}"))
                else:
                    plan.error(where, f"{'start' if not start else 'end'}: required")
    return plan


def _tables(plan: ImportPlan, source: Path, books: ExitStack) -> dict[str, list[_Table]]:
    """The tables of each template file name at ``source`` (:func:`read_templates`);
    a workbook that cannot be read, and a sheet named like no template, are reported."""
    if source.is_dir():  # "~$name.xlsx": the lock file Excel keeps beside a workbook it has open
        files = sorted(p for p in source.iterdir() if p.is_file() and not p.name.startswith("~$"))
    elif source.is_file():
        files = [source]
    else:
        plan.error(Where(str(source)), "is not a folder or a file")
        return {}
    known = {name.removesuffix(".csv"): name for name in (*NODE_FILES.values(), *RELATIONSHIP_FILES.values())}
    tables: dict[str, list[_Table]] = {}
    unreadable = False
    for path in files:
        stem, suffix = path.stem.lower(), path.suffix.lower()
        if suffix == ".csv" and stem in known:
            tables.setdefault(known[stem], []).append(_Table(path.name, path))
        elif suffix in (".xlsx", ".xlsm"):
            try:
                book = books.enter_context(Workbook(path))
            except SheetProblem as exc:
                plan.error(Where(path.name), exc.message)
                unreadable = True
                continue
            if stem in known:  # people.xlsx: its first sheet
                tables.setdefault(known[stem], []).append(_Table(path.name, path, book, book.sheet_names[0]))
                continue
            for sheet in book.sheet_names:
                key = sheet.strip().lower().removesuffix(".csv")
                if key in known:
                    tables.setdefault(known[key], []).append(_Table(f"{path.name}, sheet {sheet}", path, book, sheet))
                elif key != "readme":
                    plan.warn(Where(f"{path.name}, sheet {sheet}"), "is named like no template; ignored")
    if not tables and not unreadable:
        plan.error(Where(str(source)), f"no template file ({', '.join(sorted(known.values()))}), "
                                       f"or workbook with a sheet named like one, found")
    return tables


def _rows(plan: ImportPlan, tables: list[_Table], owner: str, columns: list[str], required: tuple[str, ...],
          encoding: str | None):
    """``(Where, {column: value})`` of each row of ``tables``, values as the
    graph model takes them (formula apostrophe, enumerations); a problem of a
    file or sheet is reported and ends its rows."""
    for source in tables:
        try:
            yield from _table_rows(plan, source, owner, columns, required, encoding)
        except (CsvProblem, SheetProblem) as exc:
            plan.error(Where(source.where, exc.line), exc.message)


def _table_rows(plan: ImportPlan, source: _Table, owner: str, columns: list[str], required: tuple[str, ...],
                encoding: str | None):
    csv_file = source.read(_aliases(owner, columns), encoding)
    if csv_file.note:
        plan.warn(Where(source.where), csv_file.note)
    header, rows = csv_file.header, csv_file.rows
    required = tuple(c for c in required if c in columns and c not in header)
    if required:
        plan.error(Where(source.where, 1), f"column {', '.join(required)} missing")
        return
    for column in header:
        if column in model.INTERNAL_PROPERTIES:
            plan.warn(Where(source.where, 1), f"column {column!r} is kept by GraphCRM itself, never imported; ignored")
        elif column not in columns:
            plan.warn(Where(source.where, 1), f"column {column!r} is not a property of {owner}; ignored")
    present = [c for c in columns if c in header]
    vocabularies = {c: _vocabulary(owner, c) for c in present if c not in ("id", "start", "end")}
    for line, row in rows:
        props = {}
        for column in present:
            value = _cell_in(row.get(column))
            if value is not None and vocabularies.get(column):
                value = model.value_of(vocabularies[column], value)
            props[column] = value
        yield Where(source.where, line), props
