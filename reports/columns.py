"""The columns of each report, shared by the pages, the downloads and the command line."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from book.models import DISCIPLINE_FORMS, AwardForm
from members.models import EndReason

from .selectors import Report


class Kind:
    COUNT = "count"
    PERCENT = "percent"
    MONEY = "money"


@dataclass(frozen=True)
class Column:
    key: str  # dotted path into a row: "members", "grades.strong.percent", "ended_by_reason.deceased"
    label: str
    kind: str = Kind.COUNT
    group: str = ""  # a header spanning several columns (a grade, "ended during the year")

    def value(self, row: dict) -> int | Decimal | None:
        value = row
        for part in self.key.split("."):
            if value is None:
                return None
            value = value.get(part)
        return value


def membership_columns(report: Report) -> list[Column]:
    ended = _("Ended during the year")
    return [
        Column("branches", _("Branches")),
        Column("members", _("Memberships")),
        Column("present", _("Present")),
        Column("away", _("Working away")),
        Column("stopped", _("Stopped attending")),
        Column("people", _("People")),
        Column("target", _("Target population")),
        Column("gathering_rate", _("Gathering rate"), Kind.PERCENT),
        Column("joined", _("Joined during the year")),
        *(Column(f"ended_by_reason.{reason.value}", reason.label, group=ended) for reason in EndReason),
        Column("introduced_to_party", _("Introduced to the Party")),
        Column("admitted_to_party", _("Admitted to the Party")),
        Column("members_year_before", _("Memberships a year earlier")),
        Column("members_change", _("Change in a year")),
    ]


def ratings_columns(report: Report) -> list[Column]:
    return _grade_columns(report, Column("branches", _("Branches to rate")))


def member_ratings_columns(report: Report) -> list[Column]:
    return _grade_columns(report, Column("to_rate", _("Members to rate")))


def _grade_columns(report: Report, to_rate: Column) -> list[Column]:
    columns = [to_rate, Column("rated", _("Rated"))]
    for grade in report.extra["grades"]:
        columns += [
            Column(f"grades.{grade['code']}.count", _("Count"), group=grade["label"]),
            Column(f"grades.{grade['code']}.percent", _("%"), Kind.PERCENT, group=grade["label"]),
        ]
    return [*columns, Column("not_rated", _("Not yet rated"))]


def meetings_columns(report: Report) -> list[Column]:
    return [
        Column("branches", _("Branches")),
        Column("met_every_month", _("Met every month")),
        Column("meetings", _("Meetings held")),
        Column("attendance_rate", _("Attendance rate"), Kind.PERCENT),
        Column("visits", _("Cadre visits")),
        Column("visit_reports", _("Visit reports filed")),
        Column("without_meeting", _("Branches without a meeting")),
        Column("off_day", _("Regular meetings held off the regular day")),
        Column("missed_day", _("Branches that missed their regular day")),
        Column("notes_discussed", _("Meetings that discussed the orientation note")),
    ]


def officers_columns(report: Report) -> list[Column]:
    by_source = _("Of which, by funding source (đồng)")
    return [
        Column("branches", _("Branches")),
        Column("heads", _("Heads")),
        Column("deputies", _("Deputies")),
        Column("committee_members", _("Committee members")),
        Column("branches_without_head", _("Branches without a head")),
        Column("allowance", _("Allowance due (đồng)"), Kind.MONEY),
        # After the total, the part each source pays ("of which", as the official tables put it).
        *(
            Column(f"allowance_by_source.{source.key}", source.source.name, Kind.MONEY, group=by_source)
            for source in report.extra["sources"]
        ),
        Column("branches_without_deputy", _("Branches without a deputy")),
        Column("vacancies", _("Vacancies")),
    ]


def cadres_columns(report: Report) -> list[Column]:
    return [
        Column("branches", _("Branches")),
        Column("assigned", _("With a cadre assigned")),
        Column("unassigned", _("Without a cadre")),
        Column("assignments", _("Assignments")),
        Column("meetings", _("Meetings held")),
        Column("expected", _("Visits expected")),
        Column("attended", _("Visits made")),
        Column("missed", _("Visits missed")),
        Column("reports_filed", _("Reports filed")),
        Column("reports_overdue", _("Reports overdue")),
    ]


def awards_columns(report: Report) -> list[Column]:
    awards, disciplines = _("Awards"), _("Discipline")
    return [
        *(
            Column(f"awards.{form.value}", form.label, group=awards)
            for form in AwardForm
            if form not in DISCIPLINE_FORMS
        ),
        Column("awards_total", _("Total"), group=awards),
        *(Column(f"disciplines.{form.value}", form.label, group=disciplines) for form in DISCIPLINE_FORMS),
        Column("disciplines_total", _("Total"), group=disciplines),
        Column("awarded", _("People awarded")),
        Column("disciplined", _("People disciplined")),
    ]


def fees_columns(report: Report) -> list[Column]:
    members = _("Members")
    return [
        Column("owed", _("Owed fees"), group=members),
        Column("paid_all", _("Paid all"), group=members),
        Column("paid_part", _("Paid in part"), group=members),
        Column("paid_none", _("Paid nothing"), group=members),
        Column("due", _("Amount due (đồng)"), Kind.MONEY),
        Column("collected", _("Collected (đồng)"), Kind.MONEY),
        Column("collection_rate", _("Collection rate"), Kind.PERCENT),
        Column("sent_up", _("To send up (đồng)"), Kind.MONEY),
    ]


COLUMNS = {
    "membership": membership_columns,
    "ratings": ratings_columns,
    "member_ratings": member_ratings_columns,
    "meetings": meetings_columns,
    "officers": officers_columns,
    "cadres": cadres_columns,
    "awards": awards_columns,
    "fees": fees_columns,
}


def columns_for(report: Report) -> list[Column]:
    return COLUMNS[report.kind](report)
