"""A branch's meeting log of a year and its roll on a date, as .xlsx documents.

Laid out like the report downloads, with the same pieces (``core.sheets``): the official
header, the title, one table, the signature block with the preparer's full name and position.
"""

import datetime
from collections.abc import Iterable

from django.utils.translation import gettext

from areas.models import AreaLevel
from branches.models import Branch
from core.documents import Letterhead
from core.figures import percent
from core.sheets import Column, document_workbook
from members.models import MembershipPeriod, MembershipStatus

from .models import Meeting


def branch_place(branch: Branch) -> str:
    """Where the branch sits: "Ấp Tân Phú, Xã Tân Mỹ" (a professional branch: its commune)."""
    area = branch.area
    return f"{area.full_name}, {area.parent.full_name}" if area.level == AreaLevel.HAMLET else str(area)


def meeting_log_table(meetings: Iterable[Meeting]) -> tuple[list[Column], list[list]]:
    """The meeting log's columns and rows (``visit_count`` annotated), also a sheet of the branch book."""
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
    return columns, rows


def meeting_log_xlsx(*, branch: Branch, year: int, meetings: Iterable[Meeting], letterhead: Letterhead) -> bytes:
    columns, rows = meeting_log_table(meetings)
    title = gettext("Meetings of %(branch)s in %(year)s") % {"branch": branch.name, "year": year}
    subtitle = f"{branch.organization.name} – {branch_place(branch)}"
    return document_workbook(letterhead=letterhead, title=title, subtitle=subtitle, columns=columns, rows=rows)


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
    return document_workbook(
        letterhead=letterhead, title=title, subtitle=subtitle, columns=columns, rows=rows, note=" · ".join(summary)
    )
