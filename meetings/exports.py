"""A branch's meeting log of a year and its roll on a date, as .xlsx documents.

Laid out like the report downloads, with the same pieces (``core.sheets``): the official
header, the title, one table, the signature block with the preparer's full name and position.
"""

import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from areas.models import AreaLevel
from branches.models import Branch
from core.documents import Letterhead
from core.figures import percent
from core.sheets import (
    BORDER,
    HEADER_ALIGNMENT,
    font,
    put,
    safe_text,
    setup_page,
    sheet_title,
    write_header,
    write_signature,
)
from members.models import MembershipPeriod, MembershipStatus

from .models import Meeting

DATE_FORMAT = "DD/MM/YYYY"
TOP_LEFT = Alignment(vertical="top", wrap_text=True)


@dataclass(frozen=True)
class Column:
    label: str
    width: int
    number_format: str = "General"


def branch_place(branch: Branch) -> str:
    """Where the branch sits: "Ấp Tân Phú, Xã Tân Mỹ" (a professional branch: its commune)."""
    area = branch.area
    return f"{area.full_name}, {area.parent.full_name}" if area.level == AreaLevel.HAMLET else str(area)


def meeting_log_xlsx(*, branch: Branch, year: int, meetings: Iterable[Meeting], letterhead: Letterhead) -> bytes:
    columns = [
        Column(gettext("No."), 6),
        Column(gettext("Date"), 12),
        Column(gettext("Kind"), 16),
        Column(gettext("Chaired by"), 22),
        Column(gettext("Content"), 40),
        Column(gettext("Members present"), 11, "#,##0"),
        Column(gettext("On the roll"), 11, "#,##0"),
        Column(gettext("Attendance rate"), 11, "0.00"),
        Column(gettext("Cadre visits"), 10, "#,##0"),
    ]
    rows = [
        [
            number,
            meeting.held_on,
            meeting.get_kind_display(),
            meeting.chaired_by,
            meeting.content,
            meeting.members_present,
            meeting.members_on_roll,
            percent(meeting.members_present, meeting.members_on_roll),
            meeting.visit_count,
        ]
        for number, meeting in enumerate(meetings, start=1)
    ]
    title = gettext("Meetings of %(branch)s in %(year)s") % {"branch": branch.name, "year": year}
    subtitle = f"{branch.organization.name} – {branch_place(branch)}"
    return _document(letterhead=letterhead, title=title, subtitle=subtitle, columns=columns, rows=rows)


def roll_xlsx(
    *,
    branch: Branch,
    on: datetime.date,
    periods: Iterable[MembershipPeriod],
    counts: dict[str, int],
    letterhead: Letterhead,
) -> bytes:
    columns = [
        Column(gettext("No."), 6),
        Column(gettext("Full name"), 28),
        Column(gettext("Born"), 14),
        Column(gettext("Gender"), 9),
        Column(gettext("Ethnicity"), 12),
        Column(gettext("Joined on"), 13),
        Column(gettext("Status"), 22),
    ]
    rows = [
        [
            number,
            period.person.full_name,
            period.person.birth_date or period.person.birth_year,
            period.person.get_gender_display(),
            period.person.ethnicity,
            period.membership.joined_on,
            period.get_status_display(),
        ]
        for number, period in enumerate(periods, start=1)
    ]
    title = gettext("Roll of %(branch)s on %(date)s") % {"branch": branch.name, "date": on.strftime("%d/%m/%Y")}
    subtitle = f"{branch.organization.name} – {branch_place(branch)}"
    summary = [f"{gettext('Total')}: {sum(counts.values())}"]
    summary += [f"{status.label}: {counts.get(status.value, 0)}" for status in MembershipStatus]
    return _document(
        letterhead=letterhead, title=title, subtitle=subtitle, columns=columns, rows=rows, note=" · ".join(summary)
    )


def _document(
    *,
    letterhead: Letterhead,
    title: str,
    subtitle: str,
    columns: Sequence[Column],
    rows: Sequence[Sequence],
    note: str = "",
) -> bytes:
    """One sheet: the header, the table (a row per item, numbered), an optional note, the signature."""
    workbook = Workbook()
    sheet = workbook.active
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
            cell = sheet.cell(row=row, column=index, value=_value(value))
            cell.number_format = DATE_FORMAT if isinstance(value, datetime.date) else column.number_format
            cell.font, cell.border, cell.alignment = body_font, BORDER, TOP_LEFT
    if note:
        row += 1
        put(sheet, row, 1, width, note, font(11, italic=True), horizontal="left")
    last_row = write_signature(sheet, letterhead, row=row + 2, width=width)
    setup_page(sheet, width=width, header_rows=(top, top), last_row=last_row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _value(value):
    """Numbers stay numbers (a percentage as a float), text cannot start a formula, no value stays empty."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return safe_text(value) or None
    return value
