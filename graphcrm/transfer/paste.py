"""A list of stakeholders pasted from Excel or WPS (or read from a sheet), checked row by row before one save.

What a key-account manager copies from a spreadsheet arrives as text: cells
separated by tabs, rows by line breaks, a cell with a line break or a tab in
quotes (``"Line one\\nLine two"``, a quote doubled).  :func:`parse_table`
reads that text into rows of cells; :func:`plan_people` turns them into
stakeholders of one account:

* the first row is a header when it names columns (in English or Chinese,
  any order, full-width characters and spaces allowed: :data:`COLUMNS`);
  otherwise the columns are read in the order of :data:`COLUMNS`; other
  columns are ignored and said so;
* each row is validated as the forms validate a person
  (:func:`graphcrm.model.validate_node`), and an enumerated value may be given
  by its value or its English or Chinese label (``champion``, ``拥护者``);
* the manager column names a person of the account or of the same paste;
  a name nobody has, or two people have, is a problem of that cell (with the
  candidates, so that the user can pick one by id);
* a person of the same name at the account already is a problem of the name
  cell unless the row says to add anyway;
* reports-to lines among the pasted rows may not close a cycle.

Nothing is saved while any row has a problem: the user fixes the cell or
removes the row.  Then :meth:`graphcrm.graph.store.GraphStore.create_people`
writes every person, their employment and their managers in one statement.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field

from graphcrm import model
from graphcrm.errors import ValidationError


def N_(template: str) -> str:
    """Marks a template for translation (graphcrm/web/paste.py shows it in the user's language)."""
    return template


#: the columns a paste may have, in the order read when it has no header row,
#: with the headers (lower case, after NFKC) each is recognised by
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "姓名", "名字", "名称"),
    "title": ("title", "job title", "position", "职务", "职位", "头衔"),
    "department": ("department", "dept", "部门"),
    "manager": ("manager", "reports to", "boss", "上级", "直属上级", "汇报给", "领导"),
    "email": ("email", "e-mail", "mail", "邮箱", "电子邮件", "邮件"),
    "phone": ("phone", "mobile", "telephone", "tel", "电话", "手机", "联系电话"),
    "influence": ("influence", "影响力"),
    "stance": ("stance", "attitude", "立场", "态度"),
    "compliance_role": ("compliance role", "compliance", "合规身份", "合规"),
}
#: the columns of an enumeration, read by value or label (:func:`graphcrm.model.value_of`)
_ENUMERATED = {"stance": model.STANCES, "compliance_role": model.COMPLIANCE_ROLES}
#: the most rows one paste may hold
MAX_ROWS = 1000
#: the longest cell read (a longer one is a problem of its cell, not read further)
MAX_CELL = 20_000


@dataclass
class Row:
    """One pasted row: its cells by column, the person it becomes, its problems by column."""

    number: int  # 1-based, counting the data rows only
    cells: dict[str, str]
    props: dict = field(default_factory=dict)
    manager_id: str | None = None
    problems: dict[str, str] = field(default_factory=dict)
    #: for an ambiguous manager: (id, name, title, department) of each candidate
    candidates: list[tuple[str, str, str, str]] = field(default_factory=list)
    #: a stored person of the account has this row's name (saved only if the user says so)
    same_name: bool = False
    #: the problems found here (not by the graph model) as (English template, parameters), for translation
    texts: dict[str, tuple[str, dict]] = field(default_factory=dict)

    def problem(self, column: str, template: str, **params) -> None:
        """Record the problem of a cell (the first one found stays); a tuple
        parameter is a list of enumerated values (:data:`_CELL_PROBLEMS`)."""
        if column not in self.problems:
            self.problems[column] = template % {k: ", ".join(v) if isinstance(v, tuple) else v
                                                for k, v in params.items()} if params else template
            self.texts[column] = (template, params)


@dataclass
class PastePlan:
    """What a paste would save: rows with their problems; ``ok`` when there are none."""

    columns: list[str]
    rows: list[Row]
    ignored: list[str] = field(default_factory=list)  # headers of columns that are not read

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not any(r.problems for r in self.rows)


def _norm(text: str) -> str:
    """Full-width letters, digits and spaces as ordinary ones; outer space trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def parse_table(text: str) -> list[list[str]]:
    """The rows of cells of text copied from a spreadsheet (tab-separated,
    quoted cells may hold tabs and line breaks); empty rows and the empty
    cells Excel adds at the end of a row are dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    rows = []
    # a long cell is read whole, to be named as a problem of its row and column
    limit = csv.field_size_limit(max(len(text), csv.field_size_limit()))
    try:
        for cells in csv.reader(io.StringIO(text), delimiter="\t", quotechar='"', strict=False):
            while cells and not cells[-1].strip():
                cells.pop()
            if any(c.strip() for c in cells):
                rows.append(cells)
    except csv.Error as exc:  # another thread lowered the limit meanwhile
        raise ValueError(f"the pasted text could not be read: {exc}") from None
    finally:
        csv.field_size_limit(limit)
    return rows


def header_columns(first: list[str]) -> tuple[list[str | None], list[str]] | None:
    """The column each cell of ``first`` names (None: not read) and the
    headers not recognised, or None when ``first`` is not a header row."""
    aliases = {alias: column for column, names in COLUMNS.items() for alias in names}
    named = [aliases.get(_norm(cell).lower()) for cell in first]
    if "name" not in named:
        return None
    return named, [cell for cell, column in zip(first, named, strict=True) if column is None and cell.strip()]


def plan_people(rows: list[list[str]], stored: list[dict], *, add_anyway: frozenset[int] = frozenset(),
                managers: dict[int, str] | None = None) -> PastePlan:
    """Check pasted ``rows`` (from :func:`parse_table`) as new stakeholders of
    an account whose people are ``stored``.

    ``add_anyway``: numbers of the rows to save although a stored person has
    their name; ``managers``: row number -> the id of the manager the user
    picked where the name was ambiguous.
    """
    header = header_columns(rows[0]) if rows else None
    if header is not None:
        columns, ignored = header
        rows = rows[1:]
    else:
        columns, ignored = list(COLUMNS), []
    read = [c for c in dict.fromkeys(columns) if c]
    plan = PastePlan(columns=read, rows=[], ignored=ignored)
    if len(rows) > MAX_ROWS:
        rows = rows[:MAX_ROWS]
        plan.ignored.append(f"rows after the first {MAX_ROWS}")
    for number, cells in enumerate(rows, start=1):
        values = {column: cell for column, cell in zip(columns, cells, strict=False) if column}
        plan.rows.append(_row(number, values))
    _resolve_managers(plan, stored, managers or {})
    _flag_same_names(plan, stored, add_anyway)
    _refuse_cycles(plan)
    return plan


def _row(number: int, values: dict[str, str]) -> Row:
    row = Row(number, {c: values.get(c, "") for c in COLUMNS})
    props = {}
    for column, text in values.items():
        if len(text) > MAX_CELL:
            row.problem(column, N_("longer than %(n)s characters"), n=f"{MAX_CELL:,}")
            continue
        text = text.strip()
        if column in ("influence", *_ENUMERATED):
            text = _norm(text)
        if column in _ENUMERATED and text:
            text = model.value_of(_ENUMERATED[column], text)
        if column != "manager" and text:
            props[column] = text
    # the values that pass stay in the row (its name is still checked against the account's)
    for _attempt in range(len(props) + 1):
        try:
            row.props = model.validate_node("Person", {k: v for k, v in props.items() if k not in row.problems})
            break
        except ValidationError as exc:
            for name, message in exc.problems.items():
                column = name.split(".")[0]
                template, params = _cell_problem(column, props.get(column)) or (message, {})
                row.problem(column, template, **params)
    return row


def _cell_problem(column: str, text: str | None) -> tuple[str, dict] | None:
    """The problem of a cell the graph model refuses, in words a user can act on
    (the model's own messages name patterns and types), or None where it has none."""
    if text is None:
        return (N_("a name is needed"), {}) if column == "name" else None
    return _CELL_PROBLEMS[column](text) if column in _CELL_PROBLEMS else None


def _too_long(text: str):
    if len(text) > model.TEXT_MAX:
        return N_("longer than %(n)s characters"), {"n": f"{model.TEXT_MAX:,}"}
    return None  # another fault (a control character): the model's message


#: what a refused cell should hold, by column (:func:`_cell_problem`); ``allowed``:
#: the enumerated values, shown in the user's language by the page
_CELL_PROBLEMS = {
    "name": _too_long,
    "title": _too_long,
    "department": _too_long,
    "email": lambda text: (N_("%(value)s is not an email address (like name@example.com)"), {"value": text}),
    "phone": lambda text: (N_("%(value)s is not a phone number: digits, spaces and + ( ) - only"),
                           {"value": text}),
    "influence": lambda text: (N_("%(value)s is not an influence: a whole number from 1 to 5"), {"value": text}),
    "stance": lambda text: (N_("%(value)s is not a stance; one of: %(allowed)s"),
                            {"value": text, "allowed": tuple(model.STANCES)}),
    "compliance_role": lambda text: (N_("%(value)s is not a compliance role; one of: %(allowed)s"),
                                     {"value": text, "allowed": tuple(model.COMPLIANCE_ROLES)}),
}


def _key(name: str) -> str:
    return _norm(name).lower()


def _resolve_managers(plan: PastePlan, stored: list[dict], picked: dict[int, str]) -> None:
    by_name: dict[str, list[tuple[str, str, str, str]]] = {}
    for p in stored:
        by_name.setdefault(_key(p["name"]), []).append(
            (p["id"], p["name"], p.get("title") or "", p.get("department") or ""))
    for row in plan.rows:
        if row.props.get("name"):
            by_name.setdefault(_key(row.props["name"]), []).append(
                (f"row:{row.number}", row.props["name"], row.props.get("title") or "",
                 row.props.get("department") or ""))
    for row in plan.rows:
        name = row.cells["manager"].strip()
        if not name or "manager" in row.problems:
            continue
        found = [c for c in by_name.get(_key(name), []) if c[0] != f"row:{row.number}"]
        chosen = picked.get(row.number)
        if chosen and any(c[0] == chosen for c in found):
            row.manager_id = chosen
        elif len(found) == 1:
            row.manager_id = found[0][0]
        elif not found:
            row.problem("manager", N_("nobody named %(name)s at this account or in this list"), name=name)
        else:
            row.candidates = found
            row.problem("manager", N_("%(count)s people are named %(name)s: pick one"), count=len(found), name=name)


def _flag_same_names(plan: PastePlan, stored: list[dict], add_anyway: frozenset[int]) -> None:
    taken = {_key(p["name"]): p for p in stored}
    seen: dict[str, int] = {}
    for row in plan.rows:
        name = row.props.get("name")
        if not name or "name" in row.problems:
            continue
        key = _key(name)
        if row.number not in add_anyway:
            if key in taken:
                other = taken[key]
                row.same_name = True
                where = ", ".join(x for x in (other.get("title"), other.get("department")) if x)
                if where:
                    row.problem("name", N_("%(name)s works here already (%(where)s)"), name=other["name"], where=where)
                else:
                    row.problem("name", N_("%(name)s works here already"), name=other["name"])
            elif key in seen:
                row.problem("name", N_("also on row %(row)s"), row=seen[key])
        seen.setdefault(key, row.number)


def _refuse_cycles(plan: PastePlan) -> None:
    boss = {f"row:{r.number}": r.manager_id for r in plan.rows if r.manager_id}
    for row in plan.rows:
        chain, current = [f"row:{row.number}"], boss.get(f"row:{row.number}")
        while current and current.startswith("row:") and current not in chain:
            chain.append(current)
            current = boss.get(current)
        if current == chain[0]:
            names = {f"row:{r.number}": r.props.get("name", "?") for r in plan.rows}
            row.problem("manager", N_("reports-to cycle: %(chain)s"),
                        chain=" → ".join(names[c] for c in [*chain, chain[0]]))
