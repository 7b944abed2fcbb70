"""Reads of cadre duty: what each assignment asked of its cadre in a period, and what they did.

One grouped query gives, per assignment overlapping the period, the meetings the branch
held while the cadre was assigned (its days inside the period), the cadre's visits to them,
the reports filed and the reports overdue; what a cadre owes follows from the frequency.
Reports and pages add these up per branch (the area rows) or per cadre.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import DateField, Exists, F, Func, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, Least

from branches.models import Branch, MeetingDayRule
from meetings.models import CadreVisit, Meeting, MeetingKind

from .models import Assignment, Cadre, Frequency

DUTY_FIGURES = ("meetings", "expected", "attended", "missed", "reports_filed", "reports_overdue")


def _count(queryset) -> Subquery:
    """COUNT(*) of a correlated queryset, as one value (no GROUP BY: ``Func`` is not an aggregate to Django)."""
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1], output_field=IntegerField()
    )


def _months(start: datetime.date, end: datetime.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _quarters(start: datetime.date, end: datetime.date) -> int:
    return (end.year * 4 + (end.month - 1) // 3) - (start.year * 4 + (start.month - 1) // 3) + 1


def expected_visits(frequency: str, *, first: datetime.date, last: datetime.date, regular_meetings: int) -> int:
    """What an assignment asks of its cadre between two days: every regular meeting held, or
    one visit for each month, or each quarter, of which they were assigned some day."""
    if frequency == Frequency.EVERY_MEETING:
        return regular_meetings
    if frequency == Frequency.MONTHLY:
        return _months(first, last)
    return _quarters(first, last)


def duty_rows(*, assignments, start: datetime.date, end: datetime.date, today: datetime.date) -> list[dict]:
    """Per assignment overlapping ``start``–``end``: its days in the period (``first``, ``last``),
    the branch's meetings then, the cadre's visits and reports, and what was expected."""
    first = Greatest(F("start_on"), Value(start), output_field=DateField())
    last = Least(Coalesce(F("end_on"), Value(end)), Value(end), output_field=DateField())
    held = Meeting.objects.filter(
        branch=OuterRef("branch_id"), held_on__gte=OuterRef("first"), held_on__lte=OuterRef("last")
    )
    visits = CadreVisit.objects.filter(
        cadre=OuterRef("cadre_id"),
        meeting__branch=OuterRef("branch_id"),
        meeting__held_on__gte=OuterRef("first"),
        meeting__held_on__lte=OuterRef("last"),
    )
    rows = (
        assignments.filter(start_on__lte=end)
        .exclude(end_on__lt=start)
        .order_by()
        .annotate(first=first, last=last)
        .annotate(
            meetings=Coalesce(_count(held), 0),
            regular_meetings=Coalesce(_count(held.filter(kind=MeetingKind.REGULAR)), 0),
            attended=Coalesce(_count(visits), 0),
            reports_filed=Coalesce(_count(visits.filter(reported_on__isnull=False)), 0),
            reports_overdue=Coalesce(_count(visits.filter(reported_on__isnull=True, report_due_on__lt=today)), 0),
        )
        .values(
            "pk",
            "cadre_id",
            "branch_id",
            "frequency",
            "first",
            "last",
            "meetings",
            "regular_meetings",
            "attended",
            "reports_filed",
            "reports_overdue",
        )
    )
    found = []
    for row in rows:
        row["expected"] = expected_visits(
            row["frequency"], first=row["first"], last=row["last"], regular_meetings=row["regular_meetings"]
        )
        row["missed"] = max(0, row["expected"] - row["attended"])
        found.append(row)
    return found


@dataclass
class CadreDuty:
    cadre: Cadre
    branches: list = field(default_factory=list)
    figures: dict = field(default_factory=lambda: dict.fromkeys(DUTY_FIGURES, 0))


def by_cadre(rows: list[dict], branches: dict) -> list[CadreDuty]:
    """The rows added up per cadre, each with the branches assigned (``branches``: by id)."""
    cadres = Cadre.objects.select_related("area").in_bulk({row["cadre_id"] for row in rows})
    duties: dict[int, CadreDuty] = {}
    for row in rows:
        duty = duties.setdefault(row["cadre_id"], CadreDuty(cadre=cadres[row["cadre_id"]]))
        branch = branches.get(row["branch_id"])
        if branch is not None and branch not in duty.branches:
            duty.branches.append(branch)
        for name in DUTY_FIGURES:
            duty.figures[name] += row[name]
    return sorted(duties.values(), key=lambda d: (d.cadre.area.path if d.cadre.area_id else "", d.cadre.name))


def overdue_visits(*, visits, today: datetime.date):
    """Visits of assigned cadres whose report is past its day and not filed, the oldest first."""
    return (
        visits.filter(cadre__isnull=False, reported_on__isnull=True, report_due_on__lt=today)
        .select_related("cadre", "meeting__branch__area")
        .order_by("report_due_on", "cadre__name")
    )


def assignments_on(*, day: datetime.date):
    return Assignment.objects.filter(start_on__lte=day).exclude(end_on__lt=day)


def meetings_owed(*, cadre: Cadre, today: datetime.date, since: datetime.date):
    """Meetings since ``since`` at branches the cadre was assigned to that day, with the cadre's
    visit if recorded: what they may still report on."""
    assigned = Assignment.objects.filter(
        cadre=cadre, branch=OuterRef("branch_id"), start_on__lte=OuterRef("held_on")
    ).exclude(end_on__lt=OuterRef("held_on"))
    mine = CadreVisit.objects.filter(cadre=cadre, meeting=OuterRef("pk"))
    return (
        Meeting.objects.filter(held_on__gte=since, held_on__lte=today)
        .filter(Exists(assigned))
        .annotate(
            visit_id=Subquery(mine.values("pk")[:1]),
            reported_on=Subquery(mine.values("reported_on")[:1]),
            report_due_on=Subquery(mine.values("report_due_on")[:1]),
        )
        .select_related("branch__area", "branch__organization")
        .order_by("-held_on", "branch__name")
    )


@dataclass(frozen=True)
class ComingMeeting:
    day: datetime.date
    branch: object
    cadres: tuple = ()


def coming_meetings(*, assignments, today: datetime.date) -> list[ComingMeeting]:
    """The regular days still to come this month of the assignments' branches, the soonest first."""
    coming: dict[int, ComingMeeting] = {}
    for assignment in assignments:
        branch = assignment.branch
        day = branch.regular_day(today.year, today.month)
        if day is None or day < today or (assignment.end_on and assignment.end_on < day):
            continue
        found = coming.get(branch.pk) or ComingMeeting(day=day, branch=branch)
        coming[branch.pk] = ComingMeeting(day=day, branch=branch, cadres=(*found.cadres, assignment.cadre))
    return sorted(coming.values(), key=lambda m: (m.day, m.branch.name))


# The dashboard lists this many of the meetings to come.
COMING_LIMIT = 20


def coming_in_area(*, area, today: datetime.date, cadre: Cadre | None = None) -> list[ComingMeeting]:
    """This month's regular meetings still to come at branches of ``area`` that have a cadre
    assigned (only ``cadre``'s, for a cadre), with the cadres — one query."""
    later_weekdays = Q()
    for weekday in range(7):
        for week in range(1, 6):
            probe = Branch(meeting_rule=MeetingDayRule.WEEKDAY, meeting_weekday=weekday, meeting_week=week)
            if probe.regular_day(today.year, today.month) >= today:
                later_weekdays |= Q(branch__meeting_weekday=weekday, branch__meeting_week=week)
    still_to_come = Q(branch__meeting_rule=MeetingDayRule.DAY_OF_MONTH, branch__meeting_day__gte=today.day) | (
        Q(branch__meeting_rule=MeetingDayRule.WEEKDAY) & later_weekdays
    )
    assignments = assignments_on(day=today).filter(
        still_to_come, branch__area__path__startswith=area.path, branch__dissolved_on__isnull=True
    )
    if cadre is not None:
        assignments = assignments.filter(cadre=cadre)
    assignments = assignments.select_related("branch__area", "cadre").order_by("branch_id")
    return coming_meetings(assignments=assignments, today=today)[:COMING_LIMIT]
