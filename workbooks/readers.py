"""Opening an uploaded workbook safely, and reading its rows with python-calamine.

Everything that can be checked before parsing is checked first, without trusting the
file: its size, what kind of file it is (an ``.xlsx`` is a zip, an encrypted ``.xlsx``
or an old ``.xls`` an OLE2 compound file), and, for a zip, that every entry inflates to
the size it declares and no further (a zip bomb) and that nothing is truncated. Only
then does calamine parse it; formula cells come back as the values Excel cached.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted Office Open XML file is an OLE2 container holding this stream.
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
DEFAULT_MAX_SIZE = 20 * 1024 * 1024
# Real workbooks inflate ten to fifty times; a zip bomb thousands of times.
MAX_RATIO = 200
CHUNK = 1024 * 1024


class UnreadableWorkbook(Exception):
    """The file cannot be read as a workbook; the message says why, for the user."""


def max_upload_size() -> int:
    return getattr(settings, "WORKBOOK_MAX_UPLOAD_SIZE", DEFAULT_MAX_SIZE)


def max_uncompressed_size() -> int:
    return getattr(settings, "WORKBOOK_MAX_UNCOMPRESSED_SIZE", 25 * max_upload_size())


def check_size(size: int) -> None:
    limit = max_upload_size()
    if size > limit:
        raise UnreadableWorkbook(
            _("The file is %(size)s; the largest workbook accepted is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError, ValueError) as error:
        raise UnreadableWorkbook(
            _("The workbook is damaged or incomplete (perhaps cut off while copying).")
        ) from error
    with archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
            raise UnreadableWorkbook(_("This file is not an Excel workbook (.xlsx)."))
        infos = archive.infolist()
        declared = sum(info.file_size for info in infos)
        limit = max_uncompressed_size()
        if declared > limit or any(
            info.compress_size and info.file_size / info.compress_size > MAX_RATIO for info in infos
        ):
            raise UnreadableWorkbook(_("The workbook unpacks to far more data than a real workbook: it is refused."))
        # Inflate every entry, never past its declared size, to catch lying headers and truncation.
        inflated = 0
        try:
            for info in infos:
                with archive.open(info) as entry:
                    while chunk := entry.read(CHUNK):
                        inflated += len(chunk)
                        if inflated > limit:
                            raise UnreadableWorkbook(
                                _("The workbook unpacks to far more data than a real workbook: it is refused.")
                            )
        except (zipfile.BadZipFile, EOFError, OSError, zipfile.LargeZipFile) as error:
            raise UnreadableWorkbook(
                _("The workbook is damaged or incomplete (perhaps cut off while copying).")
            ) from error


def check_workbook(data: bytes) -> None:
    """Raise ``UnreadableWorkbook`` unless ``data`` looks like a workbook that is safe to parse."""
    check_size(len(data))
    if not data:
        raise UnreadableWorkbook(_("The file is empty."))
    if data.startswith(OLE2_MAGIC):
        if ENCRYPTED_STREAM in data[: 64 * 1024] or ENCRYPTED_STREAM in data:
            raise UnreadableWorkbook(
                _("The workbook is protected by a password. Remove the password in Excel and upload it again.")
            )
        return  # An old .xls workbook: calamine reads it.
    if not data.startswith(ZIP_MAGIC):
        raise UnreadableWorkbook(_("This file is not an Excel workbook (.xlsx or .xls)."))
    _check_zip(data)


def open_workbook(data: bytes) -> CalamineWorkbook:
    check_workbook(data)
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError as error:
        raise UnreadableWorkbook(
            _("The workbook is protected by a password. Remove the password in Excel and upload it again.")
        ) from error
    except (CalamineError, ValueError, OSError) as error:
        raise UnreadableWorkbook(
            _("The workbook is damaged or incomplete (perhaps cut off while copying).")
        ) from error


def iter_sheet_rows(workbook: CalamineWorkbook, index: int) -> Iterator[list]:
    """The rows of a sheet from row 1, so that a row's position + 1 is its Excel number.

    calamine yields every row from the first, one at a time (cells from the first used
    column): the whole sheet never sits in memory as Python objects.
    """
    try:
        sheet = workbook.get_sheet_by_index(index)
        yield from sheet.iter_rows()
    except (CalamineError, ValueError) as error:
        raise UnreadableWorkbook(
            _("The workbook is damaged or incomplete (perhaps cut off while copying).")
        ) from error


def worksheet_indexes(workbook: CalamineWorkbook) -> list[int]:
    """Visible worksheets first, in workbook order (hidden sheets are tried last)."""
    metadata = workbook.sheets_metadata
    sheets = [i for i, sheet in enumerate(metadata) if sheet.typ == SheetTypeEnum.WorkSheet]
    visible = [i for i in sheets if metadata[i].visible == SheetVisibleEnum.Visible]
    return visible + [i for i in sheets if i not in visible]


_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"')
BYTES_PER_ROW = 80  # of a compressed roster, measured on the benchmark's files


def estimate_rows(data: bytes) -> int:
    """About how many rows a (checked) workbook holds, from its first sheet's dimension or its size."""
    if data.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                sheets = sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
                for name in sheets[:1]:
                    with archive.open(name) as sheet:
                        match = _DIMENSION.search(sheet.read(4096))
                    if match:
                        return int(match.group(1))
        except (zipfile.BadZipFile, OSError, ValueError):
            pass
    return len(data) // BYTES_PER_ROW
