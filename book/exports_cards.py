"""The members without a card, as an .xlsx document (the official header, one table, the signature)."""

from django.utils.translation import gettext as _

from areas.models import Area
from branches.models import Branch
from core.documents import Letterhead
from core.sheets import Column, document_workbook
from members.models import Membership


def missing_cards_xlsx(
    *, area: Area, branch: Branch | None, memberships: list[Membership], letterhead: Letterhead
) -> bytes:
    columns = [
        Column(_("No."), 6),
        Column(_("Full name"), 28),
        Column(_("Born"), 12),
        Column(_("Gender"), 9),
        Column(_("Branch"), 32),
        Column(_("Organization"), 14),
        Column(_("Joined on"), 12),
        Column(_("Status"), 22),
    ]
    rows = [
        [
            number,
            membership.person.full_name,
            membership.person.birth_date or membership.person.birth_year,
            membership.person.get_gender_display(),
            membership.branch.name,
            membership.organization.short_name,
            membership.joined_on,
            membership.get_status_display(),
        ]
        for number, membership in enumerate(memberships, start=1)
    ]
    title = _("Members without a card in %(area)s") % {"area": branch.name if branch else area.full_name}
    subtitle = _("Current members with no card number on %(date)s: %(count)s") % {
        "date": letterhead.on.strftime("%d/%m/%Y"),
        "count": len(rows),
    }
    return document_workbook(letterhead=letterhead, title=title, subtitle=subtitle, columns=columns, rows=rows)
