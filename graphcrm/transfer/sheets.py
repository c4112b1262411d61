"""Reading and writing .xlsx workbooks as rows of text.

Reading (:class:`Workbook`): a sheet is read as rows of text cells, the way
the same sheet saved as CSV would read, so that the importers share one code
path after the rows (:func:`graphcrm.transfer.csvio.table`):

* an empty cell is ``""``; trailing empty cells and empty rows are dropped;
  the number of a row is its row number in the spreadsheet;
* a date is ISO text (``2026-03-01``), a date with a time of day is ISO
  date-time text (``2026-04-01T09:30:00``), a time ``09:30:00``; a whole
  number is written without a decimal point (Excel stores ``12`` as
  ``12.0``), any other number with the 15 significant digits Excel shows;
  TRUE/FALSE are ``true``/``false``;
* a formula is read as the value the spreadsheet program saved with it; a
  formula saved without a value (a workbook written by a program and never
  opened in Excel or WPS) is a :class:`SheetProblem`, never read as empty.

A workbook is refused with a :class:`SheetProblem` whose message says why
(never a stack trace): a file that is not an .xlsx workbook, or is damaged;
one protected with a password; an Excel 97-2003 ``.xls``; one that unpacks
to more than :data:`MAX_UNPACKED` bytes (an .xlsx is a zip: its parts are
counted as they are unpacked, before openpyxl reads any of them, never
trusting the zip's own size fields).

Writing (:func:`workbook_bytes`): a workbook of sheets, each a header row
(bold, frozen) and rows, with column widths fitted to the text (a Chinese
character counts twice), an optional list of allowed values per column
(an Excel drop-down) and an optional text format per column.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import BinaryIO

#: the most an .xlsx may unpack to, all its parts together: about 500,000
#: people rows (10,000 rows of the people template written by openpyxl unpack
#: to 5.2 MB; the same rows are 1.0 MB as CSV)
MAX_UNPACKED = 256 * 1024 * 1024
_CHUNK = 1024 * 1024
#: a formula element of a sheet's XML (``<f>``, ``<f t="shared" …>``, ``<x:f>``): only a workbook
#: whose sheets have one is read a second time for its formulas (10,000 people rows: 0.8 s, with a
#: formula 1.9 s; the same rows as CSV take 0.2 s through read_templates, measured with openpyxl 3.1.5)
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z][\w.-]*:)?f[\s>/]")
#: the start of an OLE compound file: an .xls, or an .xlsx encrypted with a password
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: what Excel says of a value not in a column's drop-down (a warning: a label is accepted too)
_NOT_LISTED = ("Not one of the listed values; its English or Chinese label is accepted too.\n"
               "不是列表中的值；也可以填写它的英文或中文名称。")
#: the widest column written, in characters
_MAX_WIDTH = 60


def N_(template: str) -> str:
    """Marks a template for translation (the web pages show it in the user's language)."""
    return template


class SheetProblem(Exception):
    """A workbook that cannot be read; ``line`` is the row where reading
    stopped, ``template % params`` the message (a predicate of the file:
    "is damaged: …"), ``template`` its msgid for the web pages."""

    def __init__(self, line: int | None, template: str, **params):
        self.line = line
        self.template = template
        self.params = params
        self.message = template % params
        super().__init__(self.message)


@dataclass
class SheetData:
    """A sheet to write: ``rows`` (the header first, when ``header``); per
    column index, the allowed values (a drop-down) and whether it is text."""

    rows: list[list]
    header: bool = True
    choices: dict[int, list[str]] = field(default_factory=dict)
    text_columns: frozenset[int] = frozenset()


# -- reading --


class Workbook:
    """An .xlsx workbook open for reading (``source``: a path or a binary
    file; ``name``: the file's name, for messages); a context manager."""

    def __init__(self, source: Path | BinaryIO, *, name: str | None = None, max_unpacked: int = MAX_UNPACKED):
        import openpyxl

        self.name = name or (Path(source).name if isinstance(source, (str, Path)) else "workbook")
        self._source = source
        self._formulas = _inspect(source, max_unpacked)
        self._book = _open(openpyxl, source, data_only=True)
        self._formula_book = None
        self.sheet_names: list[str] = list(self._book.sheetnames)

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for book in (self._book, self._formula_book):
            if book is not None:
                book.close()

    def rows(self, sheet_name: str) -> Iterator[tuple[int, list[str]]]:
        """The rows of a sheet that have text, as ``(row number, cells)``
        (module docstring); SheetProblem where a row cannot be read."""
        values = self._values(self._book, sheet_name)
        formulas = self._values(self._formula_book_open(), sheet_name) if self._formulas else None
        number = 0
        try:
            for number, row in enumerate(values, start=1):
                formula_row = next(formulas, ()) if formulas else ()
                cells = [_text(v) for v in row]
                while cells and not cells[-1].strip():
                    cells.pop()
                if formula_row:
                    _check_cached(number, row, formula_row)
                if cells:
                    yield number, cells
        except SheetProblem:
            raise
        except Exception:  # openpyxl and the XML parser raise many kinds for a damaged part
            raise SheetProblem(number + 1, N_("is damaged after row %(row)d: open it in Excel or WPS and save "
                                              "it again"), row=number) from None

    def _formula_book_open(self):
        if self._formula_book is None:
            import openpyxl

            self._formula_book = _open(openpyxl, self._source, data_only=False)
        return self._formula_book

    @staticmethod
    def _values(book, sheet_name: str) -> Iterator[tuple]:
        sheet = book[sheet_name]
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # some programs save a wrong size: read every row there is
        return sheet.iter_rows(values_only=True)


def _rewound(source):
    if not isinstance(source, (str, Path)):
        source.seek(0)
    return source


def _inspect(source: Path | BinaryIO, max_unpacked: int) -> bool:
    """Whether the workbook's sheets hold formulas; SheetProblem for a file
    that is not an .xlsx, is protected or unpacks to more than ``max_unpacked``."""
    if isinstance(source, (str, Path)):
        with open(source, "rb") as file:
            head = file.read(8)
    else:
        head = _rewound(source).read(8)
    if head == _OLE_MAGIC:
        if _is_encrypted(source):
            raise SheetProblem(None, N_("is protected with a password: save it again without one"))
        raise SheetProblem(None, N_("is an Excel 97-2003 workbook (.xls): save it as .xlsx"))
    if not head.startswith(b"PK"):
        raise SheetProblem(None, N_("is not an Excel workbook (.xlsx)"))
    try:
        with zipfile.ZipFile(_rewound(source)) as archive:
            return _unpacked(archive, max_unpacked)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError):
        raise SheetProblem(None, N_("is damaged: open it in Excel or WPS and save it again")) from None


def _unpacked(archive: zipfile.ZipFile, max_unpacked: int) -> bool:
    total, formulas = 0, False
    for member in archive.infolist():
        if member.flag_bits & 0x1:
            raise SheetProblem(None, N_("is protected with a password: save it again without one"))
        scan = member.filename.startswith("xl/worksheets/")
        with archive.open(member) as stream:
            tail = b""
            while chunk := stream.read(_CHUNK):
                total += len(chunk)
                if total > max_unpacked:
                    raise SheetProblem(None, N_("unpacks to more than %(mb)d MB: save its sheets as CSV files "
                                                "or split it"), mb=max_unpacked // (1024 * 1024))
                if scan and not formulas:
                    formulas = bool(_FORMULA_TAG.search(tail + chunk))
                tail = chunk[-32:]
    return formulas


def _is_encrypted(source) -> bool:
    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else _rewound(source).read()
    return "EncryptedPackage".encode("utf-16-le") in data


def _open(openpyxl, source, *, data_only: bool):
    try:
        return openpyxl.load_workbook(_rewound(source), read_only=True, data_only=data_only)
    except Exception:  # openpyxl raises many kinds for a zip that is not a workbook
        raise SheetProblem(None, N_("is damaged or is not an Excel workbook (.xlsx): open it in Excel or WPS "
                                    "and save it again")) from None


def _check_cached(number: int, row: tuple, formula_row: tuple) -> None:
    """SheetProblem for a cell whose formula was saved without its value."""
    from openpyxl.utils import get_column_letter

    for index, (value, formula) in enumerate(zip(row, formula_row, strict=False), start=1):
        if value is None and formula is not None:
            raise SheetProblem(number, N_("cell %(cell)s has a formula saved without its value: open the "
                                          "workbook in Excel or WPS and save it again, or type the value"),
                               cell=f"{get_column_letter(index)}{number}")


def _text(value) -> str:
    """A cell's value as the text a CSV file would hold (module docstring)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, datetime):
        if value.time() == time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(timespec="seconds" if not value.microsecond else "milliseconds")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


# -- writing --


def workbook_bytes(sheets: dict[str, SheetData]) -> bytes:
    """An .xlsx workbook of ``sheets`` (name: data), in this order."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, data in sheets.items():
        _write_sheet(book.create_sheet(name), data)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_sheet(sheet, data: SheetData) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    for row in data.rows:
        sheet.append(row)
    widths: dict[int, int] = {}
    for row in data.rows:
        for index, value in enumerate(row, start=1):
            widths[index] = max(widths.get(index, 8), _width(value) + 2)
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = min(width, _MAX_WIDTH if data.header else 120)
    if data.header and data.rows:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    for index in data.text_columns:
        sheet.column_dimensions[get_column_letter(index)].number_format = "@"
    for index, values in data.choices.items():
        letter = get_column_letter(index)
        rule = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                              errorStyle="warning", showErrorMessage=True,
                              error=_NOT_LISTED)
        rule.add(f"{letter}2:{letter}1048576")
        sheet.add_data_validation(rule)


def _width(value) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
