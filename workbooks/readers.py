"""Opening an uploaded workbook safely, and reading its rows with python-calamine.

Everything that can be checked before parsing is checked first, without trusting the
file: its size, what kind of file it is (an ``.xlsx`` is a zip, an encrypted ``.xlsx``
or an old ``.xls`` an OLE2 compound file), and, for a zip, that every entry inflates to
the size it declares and no further (a zip bomb) and that nothing is truncated; and, while
inflating, how many rows its worksheets hold and how far they reach (``SheetScan``), against
``WORKBOOK_MAX_ROWS`` and column AZ, since calamine holds a sheet as a grid up to its last cell.
Only then does calamine parse it; formula cells come back as the values Excel cached.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted Office Open XML file is an OLE2 container holding this stream.
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
DEFAULT_MAX_SIZE = 20 * 1024 * 1024
DEFAULT_MAX_ROWS = 200_000
# calamine holds a sheet as a dense grid from its first to its last cell: a cell far right
# multiplies every row. No workbook of SPEC section 6 needs more than a few dozen columns.
MAX_COLUMNS, LAST_COLUMN = 52, "AZ"
# Real workbooks inflate ten to fifty times; a zip bomb thousands of times.
MAX_RATIO = 200
CHUNK = 1024 * 1024
WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml")


class UnreadableWorkbook(Exception):
    """The file cannot be read as a workbook; the message says why, for the user."""


def max_upload_size() -> int:
    return getattr(settings, "WORKBOOK_MAX_UPLOAD_SIZE", DEFAULT_MAX_SIZE)


def max_uncompressed_size() -> int:
    return getattr(settings, "WORKBOOK_MAX_UNCOMPRESSED_SIZE", 25 * max_upload_size())


def max_rows() -> int:
    return getattr(settings, "WORKBOOK_MAX_ROWS", DEFAULT_MAX_ROWS)


def check_rows(rows: int) -> None:
    limit = max_rows()
    if rows > limit:
        raise UnreadableWorkbook(
            _(
                "The workbook holds more than %(limit)s rows; one import takes at most %(limit)s. "
                "Split it into several files."
            )
            % {"limit": number_format(limit, force_grouping=True)}
        )


def check_columns(wide: bool) -> None:
    if wide:
        raise UnreadableWorkbook(
            _(
                "The workbook has cells beyond column %(column)s; an import reads at most %(count)d columns. "
                "Delete what lies to the right of the table."
            )
            % {"column": LAST_COLUMN, "count": MAX_COLUMNS}
        )


class SheetScan:
    """How far a worksheet's XML reaches, read as it inflates; the dimension the file declares is not trusted.

    ``rows`` is the number of its row elements or the highest row number, whichever is larger
    (calamine makes room for every row up to the last one); ``wide`` whether a cell lies beyond
    column AZ. Fed chunk by chunk; a tag cut off at the end of a chunk waits for the next one.
    """

    LONGEST_TAG = 64 * 1024  # a workbook's tags are short; a longer one is not a workbook's

    def __init__(self):
        self.elements = 0
        self.highest = 0
        self.wide = False
        self.tail = b""
        self.patterns = None

    @property
    def rows(self) -> int:
        return max(self.elements, self.highest)

    def _compile(self, data: bytes) -> None:
        # The elements may carry a namespace prefix (<x:row>), as some generators write them.
        match = re.search(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet[\s>]", data)
        prefix = match.group(1) + b":" if match and match.group(1) else b""
        row, cell = re.escape(b"<" + prefix + b"row"), re.escape(b"<" + prefix + b"c")
        beyond = rb"r=\"(?:[B-Z][A-Z]|[A-Z]{3})"  # a column after AZ
        self.patterns = (
            (b"<" + prefix + b"row ", b"<" + prefix + b"row>"),
            re.compile(row + rb"\b[^>]*?\sr=\"(\d{1,12})"),
            (b"<" + prefix + b"c ", b"<" + prefix + b'c r="'),
            re.compile(cell + b" " + beyond),  # the reference first, as Excel writes it: fast
            re.compile(cell + rb"\b[^>]*?\s" + beyond),  # anywhere among the attributes
        )

    def feed(self, chunk: bytes) -> None:
        data = self.tail + chunk
        if self.patterns is None:
            if len(data) < 4096:
                self.tail = data  # the root element, with its prefix, comes first
                return
            self._compile(data)
        cut = data.rfind(b"<")
        if cut != -1 and data.find(b">", cut) == -1:  # a tag cut off: it waits for the rest
            if len(data) - cut > self.LONGEST_TAG:
                raise UnreadableWorkbook(_("The workbook is damaged or incomplete (perhaps cut off while copying)."))
            data, self.tail = data[:cut], data[cut:]
        else:
            self.tail = b""
        self._scan(data)

    def close(self) -> None:
        data, self.tail = self.tail, b""
        if self.patterns is None:
            self._compile(data)
        self._scan(data)

    def _scan(self, data: bytes) -> None:
        starts, numbers, (cell, referenced_first), wide_first, wide_anywhere = self.patterns
        self.elements += sum(data.count(start) for start in starts)
        self.highest = max(self.highest, max(map(int, numbers.findall(data)), default=0))
        if not self.wide:
            wide = wide_first if data.count(cell) == data.count(referenced_first) else wide_anywhere
            self.wide = wide.search(data) is not None


def check_size(size: int) -> None:
    limit = max_upload_size()
    if size > limit:
        raise UnreadableWorkbook(
            _("The file is %(size)s; the largest workbook accepted is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )


def _check_zip(data: bytes) -> int | None:
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
        # Inflate every entry, never past its declared size, to catch lying headers and truncation;
        # on the way, count how far each worksheet reaches.
        inflated = rows = 0
        counted = True
        try:
            for info in infos:
                scan = SheetScan() if WORKSHEET.fullmatch(info.filename) else None
                counted = counted and not info.filename.endswith(".bin")  # .xlsb: not counted here
                with archive.open(info) as entry:
                    while chunk := entry.read(CHUNK):
                        inflated += len(chunk)
                        if inflated > limit:
                            raise UnreadableWorkbook(
                                _("The workbook unpacks to far more data than a real workbook: it is refused.")
                            )
                        if scan is not None:
                            scan.feed(chunk)
                            check_rows(rows + scan.rows)
                if scan is not None:
                    scan.close()
                    check_columns(scan.wide)
                    rows += scan.rows
                    check_rows(rows)
        except (zipfile.BadZipFile, EOFError, OSError, zipfile.LargeZipFile) as error:
            raise UnreadableWorkbook(
                _("The workbook is damaged or incomplete (perhaps cut off while copying).")
            ) from error
    return rows if counted else None


def check_workbook(data: bytes) -> int | None:
    """Raise ``UnreadableWorkbook`` unless ``data`` looks like a workbook that is safe to parse.

    Return the rows its worksheets reach, counted in them (``SheetScan``), for an ``.xlsx``; None
    for an old ``.xls``, whose sheets calamine measures as it opens them (``iter_sheet_rows``).
    """
    check_size(len(data))
    if not data:
        raise UnreadableWorkbook(_("The file is empty."))
    if data.startswith(OLE2_MAGIC):
        if ENCRYPTED_STREAM in data[: 64 * 1024] or ENCRYPTED_STREAM in data:
            raise UnreadableWorkbook(
                _("The workbook is protected by a password. Remove the password in Excel and upload it again.")
            )
        return None  # An old .xls workbook: calamine reads it.
    if not data.startswith(ZIP_MAGIC):
        raise UnreadableWorkbook(_("This file is not an Excel workbook (.xlsx or .xls)."))
    return _check_zip(data)


def open_workbook(data: bytes) -> tuple[CalamineWorkbook, int | None]:
    """The checked workbook, and the rows its worksheets reach (``check_workbook``)."""
    rows = check_workbook(data)
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data)), rows
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
    column): the whole sheet never sits in memory as Python objects. The limits on rows and
    columns are checked again on the sheet as calamine measured it (for an ``.xls``, the first time).
    """
    try:
        sheet = workbook.get_sheet_by_index(index)
        if sheet.end is not None:
            check_rows(sheet.end[0] + 1)
            check_columns(sheet.end[1] + 1 > MAX_COLUMNS)
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


BYTES_PER_ROW = 80  # of a compressed roster, measured on the benchmark's files


def estimate_rows(data: bytes) -> int:
    """About how many rows a workbook holds, from its size alone, for an old ``.xls`` (whose rows
    are not counted before calamine opens it); never from the dimension a file declares."""
    return len(data) // BYTES_PER_ROW
