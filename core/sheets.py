"""The official document form in a worksheet: header, title, signature block and A4 page setup.

Every .xlsx that is a document (a report, a branch's meeting log or roll) is drawn with these
pieces from a ``core.documents.Letterhead``, so that they all look alike.
"""

import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from .documents import Letterhead

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FONT_NAME = "Times New Roman"
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT_LAST = 3  # the issuing body and the preparer take the first three columns
TITLE_ROW = 6  # the title, then the subtitle; the table starts two rows below
TABLE_TOP = TITLE_ROW + 3
DATE_FORMAT = "DD/MM/YYYY"
TOP_LEFT = Alignment(vertical="top", wrap_text=True)


@dataclass(frozen=True)
class Column:
    label: str
    width: int
    number_format: str = "General"


def safe_text(value) -> str:
    """Text that a spreadsheet will not run as a formula (a leading ' neutralises it)."""
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value or ""))
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def sheet_title(text: str) -> str:
    """A worksheet's name: no []:*?/\\, at most 31 characters."""
    for character in "[]:*?/\\":
        text = text.replace(character, " ")
    return text.strip()[:31] or "Sheet"


def font(size: int = 12, **style) -> Font:
    return Font(name=FONT_NAME, size=size, **style)


def put(sheet, row: int, first: int, last: int, text: str, cell_font: Font, horizontal: str = "center") -> None:
    cell = sheet.cell(row=row, column=first, value=safe_text(text))
    cell.font = cell_font
    cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=False)
    if last > first:
        sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)


def _right_first(width: int) -> int:
    return max(LEFT_LAST + 1, width - 4)


def write_header(sheet, letterhead: Letterhead, *, width: int, title: str, subtitle: str) -> int:
    """Rows 1–7: the issuing body and the national motto, the place and date, the title.

    Returns the first row of the table (``TABLE_TOP``).
    """
    right = _right_first(width)
    put(sheet, 1, 1, LEFT_LAST, letterhead.upper, font(12))
    put(sheet, 1, right, width, letterhead.national_title, font(12, bold=True))
    put(sheet, 2, 1, LEFT_LAST, letterhead.issuer, font(12, bold=True))
    put(sheet, 2, right, width, letterhead.motto, font(13, bold=True, underline="single"))
    put(sheet, 4, right, width, letterhead.date_line, font(12, italic=True))
    put(sheet, TITLE_ROW, 1, width, title.upper(), font(14, bold=True))
    put(sheet, TITLE_ROW + 1, 1, width, subtitle, font(12, italic=True))
    return TABLE_TOP


def write_signature(sheet, letterhead: Letterhead, *, row: int, width: int) -> int:
    """The preparer on the left (with the user's full name and position), the issuing body on the right.

    Returns the last row written.
    """
    right = _right_first(width)
    put(sheet, row, 1, LEFT_LAST, letterhead.preparer, font(12, bold=True))
    put(sheet, row, right, width, letterhead.on_behalf, font(12, bold=True))
    put(sheet, row + 1, 1, LEFT_LAST, letterhead.signature_note, font(11, italic=True))
    put(sheet, row + 1, right, width, letterhead.seal_note, font(11, italic=True))
    last = row + 5
    if letterhead.signer_name:
        put(sheet, last, 1, LEFT_LAST, letterhead.signer_name, font(12, bold=True))
    if letterhead.signer_position:
        last += 1
        put(sheet, last, 1, LEFT_LAST, letterhead.signer_position, font(12, italic=True))
    return last


def setup_page(sheet, *, width: int, header_rows: tuple[int, int], last_row: int, freeze_column: int = 1) -> None:
    """Frozen and repeated table headers; A4 landscape, fit to the page width."""
    first, last = header_rows
    sheet.freeze_panes = sheet.cell(row=last + 1, column=freeze_column)
    sheet.print_title_rows = f"{first}:{last}"
    sheet.print_area = f"A1:{get_column_letter(width)}{last_row}"
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.5)


def write_table_sheet(
    sheet,
    *,
    letterhead: Letterhead,
    title: str,
    subtitle: str,
    columns: Sequence[Column],
    rows: Sequence[Sequence],
    note: str = "",
) -> None:
    """One document on a sheet: the header, the table (a row per item), an optional note, the signature."""
    sheet.title = sheet_title(title)
    width = len(columns)
    top = write_header(sheet, letterhead, width=width, title=title, subtitle=subtitle)
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=top, column=index, value=safe_text(column.label))
        cell.font, cell.alignment, cell.border = font(11, bold=True), HEADER_ALIGNMENT, BORDER
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.row_dimensions[top].height = 32
    body_font = font(11)
    row = top
    for row, values in enumerate(rows, start=top + 1):
        for index, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = sheet.cell(row=row, column=index, value=cell_value(value))
            cell.number_format = DATE_FORMAT if isinstance(value, datetime.date) else column.number_format
            cell.font, cell.border, cell.alignment = body_font, BORDER, TOP_LEFT
    if note:
        row += 1
        put(sheet, row, 1, width, note, font(11, italic=True), horizontal="left")
    last_row = write_signature(sheet, letterhead, row=row + 2, width=width)
    setup_page(sheet, width=width, header_rows=(top, top), last_row=last_row)


def document_workbook(**document) -> bytes:
    """A workbook of one document sheet (``write_table_sheet``'s keywords)."""
    workbook = Workbook()
    write_table_sheet(workbook.active, **document)
    return workbook_bytes(workbook)


def workbook_bytes(workbook: Workbook) -> bytes:
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def cell_value(value):
    """Numbers stay numbers (a percentage as a float), text cannot start a formula, no value stays empty."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return safe_text(value) or None
    return value
