"""Report downloads: CSV, and .xlsx laid out as an official document.

The .xlsx carries the header of a Vietnamese administrative document (``core.documents``,
drawn by ``core.sheets``), the report's title and period, the table with numbers kept as
numbers, and a signature block with the preparer's full name and position.
"""

import csv
import datetime
import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from branches import documents
from branches.models import Organization
from cadres.selectors import DUTY_FIGURES
from core.documents import Letterhead
from core.sheets import (
    BORDER,
    HEADER_ALIGNMENT,
    font,
    safe_text,
    setup_page,
    sheet_title,
    write_header,
    write_signature,
)

from .columns import Kind
from .labels import organization_label, period_label, report_title
from .selectors import Report
from .tables import Cell, Table, report_table

NUMBER_FORMATS = {Kind.COUNT: "#,##0", Kind.MONEY: "#,##0", Kind.PERCENT: "0.00"}
FIXED_COLUMNS = 2  # No., Unit


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
    elif report.kind in ("ratings", "member_ratings"):
        stamp = str(period["year"])
    elif report.kind == "officers":
        stamp = f"{period['year']}-{period['month']:02d}"
    else:
        stamp = f"{period['start'].isoformat()}_{period['end'].isoformat()}"
    if period.get("series"):
        stamp = f"{period['series'][0]}-{period['series'][-1]}"
    organization = f"-{report.organization.code}" if report.organization else ""
    return f"{report.kind}-{report.area.code}{organization}-{stamp}.{extension}"


# --- CSV ----------------------------------------------------------------------------------


def report_csv(report: Report) -> str:
    """The table as CSV: one header row, the rows, the total. UTF-8 with a BOM, for Excel."""
    table = report_table(report, total_label=gettext("Total"))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([gettext("Code"), gettext("Unit"), *(safe_text(column_heading(c)) for c in table.columns)])
    for line in table.lines_and_total:
        writer.writerow([safe_text(line.code), safe_text(line.name), *(_csv_value(cell.value) for cell in line.cells)])
    return "\ufeff" + buffer.getvalue()


def _csv_value(value) -> str:
    if value is None:
        return ""
    return str(value)  # 531467, 58.64: numbers a program reads back


# --- XLSX ---------------------------------------------------------------------------------


def report_xlsx(report: Report, *, user=None, today: datetime.date | None = None) -> bytes:
    """The report as an .xlsx document; with all organizations, one more sheet per organization."""
    today = today or timezone.localdate()
    place = documents.province_name(report.area)
    table = report_table(report, total_label=gettext("Total"))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(gettext("Report"))
    lines = [(line.name, line.cells) for line in table.lines]
    _write_sheet(
        sheet,
        report=report,
        table=table,
        organization=report.organization,
        lines=lines,
        total=table.total.cells if table.total else None,
        letterhead=documents.letterhead(
            area=report.area, organization=report.organization, user=user, today=today, place=place
        ),
    )
    if table.by_organization:
        for organization in report.organizations:
            sheet = workbook.create_sheet(sheet_title(organization.short_name or organization.code))
            lines = [(line.name, dict(line.organizations).get(organization, [])) for line in table.lines]
            _write_sheet(
                sheet,
                report=report,
                table=table,
                organization=organization,
                lines=lines,
                total=dict(table.total.organizations).get(organization, []),
                letterhead=documents.letterhead(
                    area=report.area, organization=organization, user=user, today=today, place=place
                ),
            )
    if report.kind == "cadres":
        _cadres_sheet(workbook.create_sheet(sheet_title(gettext("Each cadre"))), report)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _cadres_sheet(sheet, report: Report) -> None:
    """The cadre duty report's second table: a line per cadre."""
    headings = {
        "meetings": gettext("Meetings held"),
        "expected": gettext("Visits expected"),
        "attended": gettext("Visits made"),
        "missed": gettext("Visits missed"),
        "reports_filed": gettext("Reports filed"),
        "reports_overdue": gettext("Reports overdue"),
    }
    sheet.append(
        [gettext("Cadre"), gettext("Position"), gettext("Level"), gettext("Branches assigned")]
        + [headings[name] for name in DUTY_FIGURES]
    )
    for duty in report.extra["cadres"]:
        sheet.append(
            [
                safe_text(duty.cadre.name),
                safe_text(duty.cadre.position),
                duty.cadre.get_level_display(),
                safe_text("; ".join(branch.name for branch in duty.branches)),
                *(duty.figures[name] for name in DUTY_FIGURES),
            ]
        )
    for letter, width in zip("ABCD", (28, 24, 12, 48), strict=True):
        sheet.column_dimensions[letter].width = width


def _write_sheet(
    sheet,
    *,
    report: Report,
    table: Table,
    organization: Organization | None,
    lines: list[tuple[str, list[Cell]]],
    total: list[Cell] | None,
    letterhead: Letterhead,
) -> None:
    width = FIXED_COLUMNS + len(table.columns)
    subtitle = " – ".join(
        [
            report.area.full_name,
            organization.name if organization else organization_label(report),
            period_label(report),
        ]
    )
    top = write_header(sheet, letterhead, width=width, title=report_title(report), subtitle=subtitle)

    # The table header (one or two rows).
    depth = len(table.headers)
    header_font = font(11, bold=True)
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
            cell.font, cell.alignment, cell.border = header_font, HEADER_ALIGNMENT, BORDER

    # The rows and the total.
    body_font, total_font = font(11), font(11, bold=True)
    row_number = top + depth
    for number, (name, cells) in enumerate(lines, start=1):
        _write_line(sheet, row_number, number, name, cells, body_font)
        row_number += 1
    if total is not None:
        _write_line(sheet, row_number, None, gettext("Total"), total, total_font)

    last_row = write_signature(sheet, letterhead, row=row_number + 2, width=width)

    # Column widths, frozen headers and the print setup.
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 34
    for index, column_def in enumerate(table.columns, start=FIXED_COLUMNS + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 10 if column_def.kind == Kind.PERCENT else 13
    for header_row in range(top, top + depth):
        sheet.row_dimensions[header_row].height = 36 if depth == 1 else 30
    setup_page(
        sheet,
        width=width,
        header_rows=(top, top + depth - 1),
        last_row=last_row,
        freeze_column=FIXED_COLUMNS + 1,
    )


def _write_line(sheet, row: int, number: int | None, name: str, cells: list[Cell], line_font) -> None:
    sheet.cell(row=row, column=1, value=number).alignment = Alignment(horizontal="center")
    sheet.cell(row=row, column=2, value=safe_text(name))
    for column, cell in enumerate(cells, start=FIXED_COLUMNS + 1):
        target = sheet.cell(row=row, column=column, value=_number(cell.value))
        target.number_format = NUMBER_FORMATS.get(cell.kind, "General")
    for column in range(1, FIXED_COLUMNS + len(cells) + 1):
        target = sheet.cell(row=row, column=column)
        target.font, target.border = line_font, BORDER
