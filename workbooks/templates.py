"""Writing workbooks with openpyxl: the templates, exports in the template's layout, row outcomes.

A text that Excel would take for a formula (=, +, -, @ first) is written as text, marked
with Excel's own "quote prefix", so that it is shown and re-imported as written and
never evaluated.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .columns import COLUMNS, TITLES, Column

FORMULA_STARTS = ("=", "+", "-", "@")
DATE_FORMAT = "dd/mm/yyyy"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")
VALIDATION_ROWS = 5000
# Columns written as text so that Excel keeps leading zeros.
TEXT_COLUMNS = {"cccd", "phone", "branch_code", "hamlet_code", "commune_code", "area_code"}


def cell(sheet, value, *, column: Column | None = None, bold: bool = False) -> WriteOnlyCell:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, Decimal):
        value = float(value)
    result = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        result.data_type = "s"
        result.quotePrefix = True
    if isinstance(value, datetime.date):
        result.number_format = DATE_FORMAT
    elif column is not None and column.key in TEXT_COLUMNS:
        result.number_format = "@"
    if bold:
        result.font = HEADER_FONT
        result.fill = HEADER_FILL
        result.alignment = WRAP
    return result


def _validation(column: Column, letter: str) -> DataValidation | None:
    if not column.labels:
        return None
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(column.labels) + '"',
        allow_blank=True,
        errorStyle="warning",
        showErrorMessage=True,
        error=_("This is not one of the listed values; it will be checked on import."),
    )
    validation.add(f"{letter}2:{letter}{VALIDATION_ROWS}")
    return validation


def _explanation_sheet(workbook: Workbook, columns: list[Column]) -> None:
    sheet = workbook.create_sheet(_("Explanations")[:31])
    for letter, width in zip("ABCD", (24, 12, 70, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    headings = [_("Column"), _("Required"), _("What to write"), _("Accepted values")]
    sheet.append([cell(sheet, heading, bold=True) for heading in headings])
    for column in columns:
        names = column.header
        if column.synonyms:
            names += "\n(" + _("also: %(names)s") % {"names": ", ".join(column.synonyms)} + ")"
        row = [names, _("yes") if column.required else "", str(column.help), ", ".join(column.labels)]
        cells = [cell(sheet, value) for value in row]
        for item in cells:
            item.alignment = WRAP
        sheet.append(cells)
    sheet.append([])
    general = [
        _("The header row may sit below title rows; headers are matched ignoring case and diacritics."),
        _("Dates: dd/mm/yyyy, an Excel date, or only the year."),
        _("Blank rows are skipped. A blank cell leaves the value already in the system unchanged."),
        _("Each import is previewed first: nothing is written until you confirm, and then all rows or none."),
    ]
    for line in general:
        sheet.append([cell(sheet, line)])


def _sheet(workbook: Workbook, kind: str):
    columns = COLUMNS[kind]
    sheet = workbook.create_sheet(TITLES[kind][:31])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        validation = _validation(column, letter)
        if validation is not None:
            sheet.data_validations.append(validation)
    sheet.freeze_panes = "A2"
    sheet.append([cell(sheet, column.header, bold=True) for column in columns])
    return sheet, columns


def write_workbook(kind: str, rows: Iterable[list], *, explain: bool = True) -> bytes:
    """A workbook of ``kind`` with the given rows (values in the order of the kind's columns)."""
    workbook = Workbook(write_only=True)
    sheet, columns = _sheet(workbook, kind)
    for row in rows:
        sheet.append([cell(sheet, value, column=column) for value, column in zip(row, columns, strict=False)])
    if explain:
        _explanation_sheet(workbook, columns)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template(kind: str) -> bytes:
    """The empty template: the header, one example row, dropdowns and the explanation sheet."""
    return write_workbook(kind, [[column.example for column in COLUMNS[kind]]])


def outcome_workbook(results: Iterable, *, status_labels: dict[str, str]) -> bytes:
    """Each row's outcome: Excel row, outcome, who or what, column, message or change."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Outcome")[:31])
    for letter, width in zip("ABCDEF", (8, 14, 30, 22, 60, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    headings = [_("Row"), _("Outcome"), _("Row of"), _("Column"), _("Reason or change"), ""]
    sheet.append([cell(sheet, heading, bold=True) for heading in headings])
    for number, status, label, messages, changes in results:
        lines = [[column, message] for column, message in messages]
        lines += [[column, f"{before} → {after}"] for column, before, after in changes]
        for column, text in lines or [["", ""]]:
            sheet.append(
                [cell(sheet, value) for value in (number, status_labels.get(status, status), label, column, text)]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
