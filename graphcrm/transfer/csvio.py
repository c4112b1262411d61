"""Reading the CSV files of an import: encodings, header case, line numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

#: the longest field accepted (a longer one is reported, never read into memory twice)
MAX_FIELD = 1_000_000


class CsvProblem(Exception):
    """A file that cannot be read as CSV; ``line`` is where reading stopped."""

    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else GB18030 (Excel on a
    Chinese Windows saves CSV in GBK, which GB18030 contains)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise CsvProblem(None, "is neither UTF-8 nor GB18030 text") from None


def read_rows(path: Path, aliases: dict[str, str] | None = None) -> tuple[list[str], Iterator[tuple[int, dict]]]:
    """The column names of a CSV file and its rows as ``(line, {column: text})``.

    Column names are matched without regard to case or surrounding blanks
    (lower-cased, then mapped through ``aliases``); empty cells are None;
    a line break inside a quoted field is ``\\n`` whatever the file uses;
    ``line`` is the line a record starts on (a quoted newline inside a
    field makes a record span several lines).
    """
    csv.field_size_limit(MAX_FIELD)
    text = decode(Path(path).read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        raw_header = next(reader)
    except StopIteration:
        return [], iter(())
    except csv.Error as exc:
        raise CsvProblem(1, f"header cannot be read ({exc})") from None
    aliases = aliases or {}
    header = [aliases.get(h.strip().lower(), h.strip().lower()) for h in raw_header]

    def rows() -> Iterator[tuple[int, dict]]:
        line = reader.line_num + 1
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise CsvProblem(line, f"cannot be read as CSV ({exc})") from None
            if any(cell.strip() for cell in record):
                if len(record) > len(header):
                    raise CsvProblem(line, f"has {len(record)} fields but the header names {len(header)}")
                yield line, {
                    column: (cell.strip().replace("\r\n", "\n") or None) for column, cell in zip(header, record)
                }
            line = reader.line_num + 1

    return header, rows()
