"""Report downloads: CSV, and .xlsx laid out as an official document.

The .xlsx carries the header of a Vietnamese administrative document (the issuing body
on the left; the national title and motto on the right; the place-and-date line), the
report's title and period, the table with numbers kept as numbers, and a signature
block. The fixed Vietnamese texts of that document form are data, not interface text,
so they are not translated.
"""

import csv
import datetime
import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from areas.models import Area
from branches.models import Organization

from .columns import Kind
from .labels import organization_label, period_label, report_title
from .selectors import Report
from .tables import Cell, Table, report_table

# --- The fixed texts of the official document form (Nghị định 30/2020/NĐ-CP layout) ----------

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PLACE_AND_DATE = "{place}, ngày {day:02d} tháng {month:02d} năm {year}"
PREPARER = "NGƯỜI LẬP BIỂU"
ON_BEHALF_OF = "TM. {issuer}"
SIGNATURE_NOTE = "(Ký, ghi rõ họ tên)"
SEAL_NOTE = "(Ký tên, đóng dấu)"
# The body that issues a report covering all organizations of an area.
ALL_ORGANIZATIONS_ISSUER = "BAN CHỈ ĐẠO"

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER_FORMATS = {Kind.COUNT: "#,##0", Kind.MONEY: "#,##0", Kind.PERCENT: "0.00"}
FONT_NAME = "Times New Roman"
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FIXED_COLUMNS = 2  # No., Unit


def safe_text(value) -> str:
    """Text that a spreadsheet will not run as a formula (a leading ' neutralises it)."""
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value or ""))
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _number(value):
    """A cell value: ints stay ints, percentages (Decimal, 2 places) become numbers, None stays empty."""
    if isinstance(value, Decimal):
        return float(value)
    return value


def column_heading(column) -> str:
    return f"{column.group} – {column.label}" if column.group else str(column.label)


def download_name(report: Report, extension: str) -> str:
    period = report.period
    if report.kind == "membership":
        stamp = period["date"].isoformat()
    elif report.kind == "ratings":
        stamp = str(period["year"])
    elif report.kind == "officers":
        stamp = f"{period['year']}-{period['month']:02d}"
    else:
        stamp = f"{period['start'].isoformat()}_{period['end'].isoformat()}"
    organization = f"-{report.organization.code}" if report.organization else ""
    return f"{report.kind}-{report.area.code}{organization}-{stamp}.{extension}"


# --- CSV ----------------------------------------------------------------------------------


def report_csv(report: Report) -> str:
    """The table as CSV: one header row, the rows, the total. UTF-8 with a BOM, for Excel."""
    table = report_table(report, total_label=gettext("Total"))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([gettext("Code"), gettext("Unit"), *(safe_text(column_heading(c)) for c in table.columns)])
    for line in [*table.lines, table.total]:
        writer.writerow([safe_text(line.code), safe_text(line.name), *(_csv_value(cell.value) for cell in line.cells)])
    return "\ufeff" + buffer.getvalue()


def _csv_value(value) -> str:
    if value is None:
        return ""
    return str(value)  # 531467, 58.64: numbers a program reads back


# --- XLSX ---------------------------------------------------------------------------------


def _province_name(area: Area) -> str:
    province_path = "/" + area.path.strip("/").split("/")[0] + "/"
    if area.path == province_path:
        return area.name
    return Area.objects.filter(path=province_path).values_list("name", flat=True).first() or area.name


def issuer_lines(area: Area, organization: Organization | None) -> tuple[str, str]:
    """The issuing body, on two lines: the organization (or the area), then the body in the area."""
    if organization is None:
        return area.full_name.upper(), ALL_ORGANIZATIONS_ISSUER
    return organization.name.upper(), f"{organization.short_name} {area.full_name}".upper()


def report_xlsx(report: Report, *, user=None, today: datetime.date | None = None) -> bytes:
    """The report as an .xlsx document; with all organizations, one more sheet per organization."""
    today = today or timezone.localdate()
    place = _province_name(report.area)
    table = report_table(report, total_label=gettext("Total"))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(gettext("Report"))
    lines = [(line.name, line.cells) for line in table.lines]
    _write_sheet(
        sheet,
        report=report,
        table=table,
        organization=report.organization,
        lines=lines,
        total=table.total.cells,
        user=user,
        place=place,
        today=today,
    )
    if table.by_organization:
        for organization in report.organizations:
            sheet = workbook.create_sheet(_sheet_title(organization.short_name or organization.code))
            lines = [(line.name, dict(line.organizations).get(organization, [])) for line in table.lines]
            _write_sheet(
                sheet,
                report=report,
                table=table,
                organization=organization,
                lines=lines,
                total=dict(table.total.organizations).get(organization, []),
                user=user,
                place=place,
                today=today,
            )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _sheet_title(text: str) -> str:
    for character in "[]:*?/\\":
        text = text.replace(character, " ")
    return text.strip()[:31] or "Sheet"


def _font(size: int = 12, **style) -> Font:
    return Font(name=FONT_NAME, size=size, **style)


def _put(sheet, row: int, first: int, last: int, text: str, font: Font, horizontal: str = "center") -> None:
    cell = sheet.cell(row=row, column=first, value=safe_text(text))
    cell.font = font
    cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=False)
    if last > first:
        sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)


def _write_sheet(
    sheet,
    *,
    report: Report,
    table: Table,
    organization: Organization | None,
    lines: list[tuple[str, list[Cell]]],
    total: list[Cell],
    user,
    place: str,
    today: datetime.date,
) -> None:
    width = FIXED_COLUMNS + len(table.columns)
    left_last = 3
    right_first = max(left_last + 1, width - 4)

    # The document header: issuing body on the left, national title and motto on the right.
    upper, body = issuer_lines(report.area, organization)
    _put(sheet, 1, 1, left_last, upper, _font(12))
    _put(sheet, 1, right_first, width, NATIONAL_TITLE, _font(12, bold=True))
    _put(sheet, 2, 1, left_last, body, _font(12, bold=True))
    _put(sheet, 2, right_first, width, MOTTO, _font(13, bold=True, underline="single"))
    date_line = PLACE_AND_DATE.format(place=place, day=today.day, month=today.month, year=today.year)
    _put(sheet, 4, right_first, width, date_line, _font(12, italic=True))

    # Title, area, organization and period.
    _put(sheet, 6, 1, width, report_title(report).upper(), _font(14, bold=True))
    subtitle = " – ".join(
        [
            report.area.full_name,
            organization.name if organization else organization_label(report),
            period_label(report),
        ]
    )
    _put(sheet, 7, 1, width, subtitle, _font(12, italic=True))

    # The table header (one or two rows).
    top = 9
    depth = len(table.headers)
    header_font = _font(11, bold=True)
    header_alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for column, label in ((1, gettext("No.")), (2, gettext("Unit"))):
        sheet.cell(row=top, column=column, value=label)
        if depth > 1:
            sheet.merge_cells(start_row=top, start_column=column, end_row=top + depth - 1, end_column=column)
    column = FIXED_COLUMNS + 1
    grouped_columns: list[int] = []
    for cell in table.headers[0]:
        sheet.cell(row=top, column=column, value=safe_text(cell.label))
        if cell.rowspan > 1:
            sheet.merge_cells(start_row=top, start_column=column, end_row=top + cell.rowspan - 1, end_column=column)
        if cell.colspan > 1 or cell.column is None:
            grouped_columns += range(column, column + cell.colspan)
            if cell.colspan > 1:
                sheet.merge_cells(
                    start_row=top, start_column=column, end_row=top, end_column=column + cell.colspan - 1
                )
        column += cell.colspan
    if depth > 1:
        for position, cell in zip(grouped_columns, table.headers[1], strict=True):
            sheet.cell(row=top + 1, column=position, value=safe_text(cell.label))
    for row in sheet.iter_rows(min_row=top, max_row=top + depth - 1, min_col=1, max_col=width):
        for cell in row:
            cell.font, cell.alignment, cell.border = header_font, header_alignment, BORDER

    # The rows and the total.
    body_font, total_font = _font(11), _font(11, bold=True)
    row_number = top + depth
    for number, (name, cells) in enumerate(lines, start=1):
        _write_line(sheet, row_number, number, name, cells, body_font)
        row_number += 1
    _write_line(sheet, row_number, None, gettext("Total"), total, total_font)
    last_table_row = row_number

    # The signature block.
    signature_row = last_table_row + 2
    on_behalf = ON_BEHALF_OF.format(issuer=body)
    _put(sheet, signature_row, 1, left_last, PREPARER, _font(12, bold=True))
    _put(sheet, signature_row, right_first, width, on_behalf, _font(12, bold=True))
    _put(sheet, signature_row + 1, 1, left_last, SIGNATURE_NOTE, _font(11, italic=True))
    _put(sheet, signature_row + 1, right_first, width, SEAL_NOTE, _font(11, italic=True))
    if user is not None:
        name = user.get_full_name() or user.get_username()
        _put(sheet, signature_row + 5, 1, left_last, name, _font(12, bold=True))

    # Column widths, frozen headers and the print setup: A4 landscape, fit to the page width.
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 34
    for index, column_def in enumerate(table.columns, start=FIXED_COLUMNS + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 10 if column_def.kind == Kind.PERCENT else 13
    for header_row in range(top, top + depth):
        sheet.row_dimensions[header_row].height = 36 if depth == 1 else 30
    sheet.freeze_panes = sheet.cell(row=top + depth, column=FIXED_COLUMNS + 1)
    sheet.print_title_rows = f"{top}:{top + depth - 1}"
    sheet.print_area = f"A1:{get_column_letter(width)}{signature_row + 5}"
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.5)


def _write_line(sheet, row: int, number: int | None, name: str, cells: list[Cell], font: Font) -> None:
    sheet.cell(row=row, column=1, value=number).alignment = Alignment(horizontal="center")
    sheet.cell(row=row, column=2, value=safe_text(name))
    for column, cell in enumerate(cells, start=FIXED_COLUMNS + 1):
        target = sheet.cell(row=row, column=column, value=_number(cell.value))
        target.number_format = NUMBER_FORMATS.get(cell.kind, "General")
    for column in range(1, FIXED_COLUMNS + len(cells) + 1):
        target = sheet.cell(row=row, column=column)
        target.font, target.border = font, BORDER
