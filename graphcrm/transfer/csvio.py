"""Reading the CSV files of an import: encodings, header case, line numbers.

Encodings: a file in UTF-8 (with or without a byte-order mark) is read as
UTF-8.  Any other file is read in the encoding given (``--encoding``), else
in the one charset-normalizer detects among :data:`ENCODINGS`, and the
import report names it (:attr:`CsvFile.note`).  When two encodings read a
file differently and charset-normalizer finds them equally likely
(:func:`detect`), the file is refused rather than read by a guess.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import charset_normalizer

#: the longest field accepted (a longer one is reported, never read into memory twice)
MAX_FIELD = 1_000_000

#: what a file not in UTF-8 may be detected as: the encodings spreadsheet
#: programs save CSV in (Excel on Windows writes the code page of the system's
#: language: GBK on a Chinese system, which GB18030 contains; Windows-1252 in
#: Western Europe).  When several of them read a file alike, the first names it.
ENCODINGS = ("gb18030", "cp1252", "big5", "shift_jis", "cp949", "cp1250", "cp1251", "cp1253", "cp1254",
             "cp1255", "cp1256", "cp1257", "cp1258", "utf_16")

#: two readings are equally likely when their mess differs by less than
#: ``CHAOS_TIE`` and their language coherence by at most ``COHERENCE_TIE``:
#: where charset-normalizer itself can only break the tie by a rule of thumb
#: (``CharsetMatch.__lt__`` then prefers the reading with more multi-byte characters)
CHAOS_TIE = 0.005
COHERENCE_TIE = 0.02


class CsvProblem(Exception):
    """A file that cannot be read as CSV; ``line`` is where reading stopped."""

    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


class CsvFile(NamedTuple):
    """A CSV file read by :func:`read_rows`, or a table read by :func:`table`."""

    header: list[str]
    rows: Iterator[tuple[int, dict]]
    encoding: str  # "utf-8", or the Python codec the file was read in
    detected: bool = False  # the encoding was detected, not given

    @property
    def note(self) -> str | None:
        """The line of the import report that names an encoding other than UTF-8."""
        if self.encoding == "utf-8":
            return None
        if not self.detected:
            return f"read as {self.encoding} (--encoding)"
        return (f"read as {self.encoding} (detected); if its text looks wrong, give the file's encoding "
                f"with --encoding or save it as CSV UTF-8")


def encoding_name(encoding: str) -> str:
    """The Python codec name of an encoding (``Windows-1252`` → ``cp1252``);
    LookupError for an unknown one."""
    return codecs.lookup(encoding).name


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text of a file and the encoding it was read in: UTF-8 when it is
    UTF-8 (with or without a byte-order mark), else ``encoding``, else the
    one :func:`detect` finds."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = encoding_name(encoding) if encoding else detect(data)
    try:
        return data.decode(encoding).removeprefix("\ufeff"), encoding
    except UnicodeDecodeError as exc:
        raise CsvProblem(None, f"is not {encoding} text (byte {exc.start} cannot be read); give the file's "
                               f"encoding with --encoding or save it as CSV UTF-8") from None


def detect(data: bytes) -> str:
    """The encoding of text that is not UTF-8, among :data:`ENCODINGS`, by
    charset-normalizer; CsvProblem when none fits or when encodings that read
    it differently are equally likely (module docstring).

    >>> detect("id,name\\np-1,Jürgen Schäfer\\n".encode("cp1252"))
    'cp1252'
    """
    matches = list(charset_normalizer.from_bytes(data, cp_isolation=list(ENCODINGS)))
    if not matches:
        raise CsvProblem(None, "is in no encoding GraphCRM can detect; give the file's encoding with --encoding "
                               "(e.g. --encoding gb18030) or save it as CSV UTF-8")
    best = matches[0]
    rivals = [m for m in matches[1:] if abs(m.chaos - best.chaos) < CHAOS_TIE
              and abs(m.coherence - best.coherence) <= COHERENCE_TIE]
    names = sorted({_name(m) for m in (best, *rivals)}, key=ENCODINGS.index)
    if rivals:
        raise CsvProblem(None, f"could be in {', '.join(names[:-1])} or {names[-1]}, which read it differently; "
                               f"give the file's encoding with --encoding (e.g. --encoding {names[0]}) "
                               f"or save it as CSV UTF-8")
    return names[0]


def _name(match) -> str:
    """The first of :data:`ENCODINGS` that reads the text of ``match``."""
    return next((e for e in ENCODINGS if e in match.could_be_from_charset), match.encoding)


def read_rows(path: Path, aliases: dict[str, str] | None = None, *, encoding: str | None = None,
              lf_newlines: bool = False) -> CsvFile:
    """The column names of a CSV file, its rows as ``(line, {column: text})``
    and the encoding it was read in (:func:`decode`; ``encoding``: that of a
    file not in UTF-8, else detected).

    The rows are those of :func:`table`; a line break inside a quoted field
    is kept as it is (``lf_newlines``: a CR LF becomes LF); ``line`` is the
    line a record starts on (a quoted newline inside a field makes a record
    span several lines).
    """
    csv.field_size_limit(MAX_FIELD)
    text, used = decode(Path(path).read_bytes(), encoding)
    detected = used != "utf-8" and not encoding
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)

    def records() -> Iterator[tuple[int, list[str]]]:
        line = 1
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                message = f"header cannot be read ({exc})" if line == 1 else f"cannot be read as CSV ({exc})"
                raise CsvProblem(line, message) from None
            yield line, record
            line = reader.line_num + 1

    csv_file = table(records(), aliases, lf_newlines=lf_newlines)
    return csv_file._replace(encoding=used, detected=detected)


def table(records: Iterator[tuple[int, list[str]]], aliases: dict[str, str] | None = None, *,
          lf_newlines: bool = False) -> CsvFile:
    """The column names and rows of a table whose first record is its header
    (a CSV file's records, or a sheet's rows: graphcrm/transfer/sheets.py).

    Column names are matched without regard to case or surrounding blanks
    (lower-cased, then mapped through ``aliases``); cells are stripped and
    empty ones are None; records without text are skipped; a record with
    more cells than the header names is a CsvProblem.
    """
    try:
        _, raw_header = next(records)
    except StopIteration:
        return CsvFile([], iter(()), "utf-8")
    aliases = aliases or {}
    header = [aliases.get(h.strip().lower(), h.strip().lower()) for h in raw_header]

    def cell(text: str) -> str | None:
        text = text.strip()
        return (text.replace("\r\n", "\n") if lf_newlines else text) or None

    def rows() -> Iterator[tuple[int, dict]]:
        for line, record in records:
            if any(text.strip() for text in record):
                if len(record) > len(header):
                    raise CsvProblem(line, f"has {len(record)} fields but the header names {len(header)}")
                yield line, {column: cell(text) for column, text in zip(header, record, strict=False)}

    return CsvFile(header, rows(), "utf-8")
