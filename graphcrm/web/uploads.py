"""Uploaded import files between the preview and the apply: bounded, checked, and gone after an hour.

An upload is kept under ``<uploads>/<token>/`` (``<uploads>`` is
``<data dir>/uploads``, on the database's disk): the ``.csv`` and ``.xlsx``
files sent, and those of one ``.zip``, flattened (no paths).  So that an
upload can never fill the disk the database writes to, nor a workbook the
memory of the app:

* every file is copied in chunks and counted as it is written, never trusting
  a zip's own size fields: at most :data:`MAX_UNPACKED` bytes and
  :data:`MAX_ENTRIES` files per upload, :data:`QUOTA` bytes for all pending
  uploads together;
* an upload, and the apply of an import, are refused while the disk has
  less than ``min_free`` bytes free (the app's ``GRAPHCRM_MIN_FREE_BYTES``,
  default :data:`MIN_FREE`) besides what the upload may unpack to, and
  one that meets a full disk anyway is removed whole;
* an .xlsx (itself a zip) is opened before it is kept, and refused when it
  is not a workbook, is protected with a password, or unpacks to more than
  :data:`MAX_WORKBOOK` bytes (graphcrm/transfer/sheets.py);
* uploads older than :data:`MAX_AGE` seconds are removed when the app starts
  and before every new upload.

Each refusal is an :class:`UploadRefused` whose message names the problem.
"""

from __future__ import annotations

import errno
import shutil
import time
import zipfile
import zlib
from pathlib import Path

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.utils import secure_filename

from graphcrm.transfer.sheets import SheetProblem, Workbook

#: the most one upload may unpack to, all its files together (about 270,000 people rows;
#: a larger import runs from the command line: `graphcrm import csv`)
MAX_UNPACKED = 16 * 1024 * 1024
#: the most files one upload may hold (the templates are 19 files, a Salesforce export 7)
MAX_ENTRIES = 64
#: the most one .xlsx of an upload may unpack to (its XML is about five times the size of the same rows as CSV)
MAX_WORKBOOK = 8 * MAX_UNPACKED
#: the most all pending uploads may hold together
QUOTA = 512 * 1024 * 1024
#: the free space an upload or an import must leave on the disk (the database's own)
MIN_FREE = 512 * 1024 * 1024
#: seconds an upload is kept for its apply
MAX_AGE = 3600
_CHUNK = 1024 * 1024
#: the files an upload keeps (besides those inside a .zip)
KEPT = (".csv", ".xlsx")


class UploadRefused(Exception):
    """An upload that is not kept; ``str()`` says why, for the uploader."""


#: in each upload's folder: when it was saved, by this app's clock (file times may follow another)
SAVED_AT = ".saved-at"


def _saved_at(folder: Path) -> float:
    try:
        return float((folder / SAVED_AT).read_text())
    except (OSError, ValueError):
        return folder.stat().st_mtime


def expire(root: Path, *, max_age: float = MAX_AGE) -> int:
    """Remove the uploads under ``root`` saved more than ``max_age`` seconds ago; return how many."""
    if not root.is_dir():
        return 0
    cutoff = time.time() - max_age
    old = [folder for folder in root.iterdir() if folder.is_dir() and _saved_at(folder) < cutoff]
    for folder in old:
        shutil.rmtree(folder, ignore_errors=True)
    return len(old)


def check_free_space(path: Path, *, min_free: int, needed: int = 0) -> None:
    """Refuse when the disk of ``path`` would keep less than ``min_free`` bytes after ``needed`` more."""
    path.mkdir(parents=True, exist_ok=True)
    if shutil.disk_usage(path).free - needed < min_free:
        raise UploadRefused(_l("The server's disk is nearly full: uploads and imports are refused until an "
                               "administrator frees space."))


def save(files, target: Path, *, min_free: int) -> list[str]:
    """Keep the ``.csv`` and ``.xlsx`` files among ``files`` (werkzeug
    FileStorage), and those of ``.zip`` files, in the new folder ``target``;
    return their names.
    On any refusal nothing of the upload is left."""
    root = target.parent
    expire(root)
    check_free_space(root, min_free=min_free, needed=MAX_UNPACKED)
    if _size(root) + MAX_UNPACKED > QUOTA:
        raise UploadRefused(_l("Too many imports are waiting to be applied. Try again in an hour."))
    target.mkdir(parents=True)
    (target / SAVED_AT).write_text(repr(time.time()))
    budget = _Budget()
    try:
        for upload in files:
            name = secure_filename(upload.filename or "")
            if name.lower().endswith(".zip"):
                _unzip(upload.stream, name, target, budget)
            elif name.lower().endswith(KEPT):
                budget.copy(upload.stream, target / name)
        for workbook in target.glob("*.[xX][lL][sS][xX]"):
            _check_workbook(workbook)
    except OSError as exc:
        shutil.rmtree(target, ignore_errors=True)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise UploadRefused(_l("The server's disk is full: the upload was not kept.")) from None
        raise
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return sorted(p.name for p in target.iterdir() if p.name != SAVED_AT)


class _Budget:
    """What an upload has used of :data:`MAX_UNPACKED` and :data:`MAX_ENTRIES`."""

    def __init__(self):
        self.bytes = 0
        self.entries = 0

    def copy(self, source, path: Path) -> None:
        self.entries += 1
        if self.entries > MAX_ENTRIES:
            raise UploadRefused(_l("The upload holds more than %(n)d files.", n=MAX_ENTRIES))
        with open(path, "wb") as out:
            while chunk := source.read(_CHUNK):
                self.bytes += len(chunk)
                if self.bytes > MAX_UNPACKED:
                    raise UploadRefused(_l("The upload unpacks to more than %(mb)d MB: split it into smaller "
                                           "imports.", mb=MAX_UNPACKED // (1024 * 1024)))
                out.write(chunk)


def _unzip(stream, name: str, target: Path, budget: _Budget) -> None:
    try:
        with zipfile.ZipFile(stream) as archive:
            members = [m for m in archive.infolist()
                       if not m.is_dir() and m.filename.lower().endswith(KEPT)]
            if len(members) > MAX_ENTRIES:
                raise UploadRefused(_l("The upload holds more than %(n)d files.", n=MAX_ENTRIES))
            for member in members:
                if member.flag_bits & 0x1:
                    raise UploadRefused(_l("%(zip)s is encrypted: upload it without a password.", zip=name))
                with archive.open(member) as source:
                    budget.copy(source, target / secure_filename(Path(member.filename).name))
    except NotImplementedError:
        raise UploadRefused(_l("%(zip)s uses a compression method that is not supported: save it as an "
                               "ordinary zip (deflate).", zip=name)) from None
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise UploadRefused(_l("%(zip)s is damaged or is not a zip file.", zip=name)) from None


def _check_workbook(path: Path) -> None:
    """Refuse an .xlsx that cannot be read, or unpacks to more than :data:`MAX_WORKBOOK`."""
    try:
        Workbook(path, max_unpacked=MAX_WORKBOOK).close()
    except SheetProblem as exc:
        raise UploadRefused(f"{path.name} {gettext(exc.template, **exc.params)}") from None


def _size(root: Path) -> int:
    if not root.is_dir():
        return 0
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
