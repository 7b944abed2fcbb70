"""Writes of cadre duty: cadres, their assignments to branches, and the reports of their visits."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from areas.models import Area
from branches.models import Branch
from core.concurrency import save_changes

from .models import Assignment, Cadre

CADRE_FIELDS = ("name", "position", "level", "area", "person", "user")
ASSIGNMENT_FIELDS = ("branch", "start_on", "end_on", "frequency", "report_within_days")


@transaction.atomic
def add_cadre(*, name: str, level: str, area: Area, position: str = "", person=None, user=None) -> Cadre:
    cadre = Cadre(name=name, level=level, area=area, position=position, person=person, user=user)
    cadre.full_clean()
    cadre.save()
    return cadre


@transaction.atomic
def update_cadre(*, cadre: Cadre, expected_version: int | None, **fields) -> Cadre:
    values = {name: fields[name] for name in CADRE_FIELDS if name in fields}
    return save_changes(cadre, expected_version=expected_version, values=values)


@transaction.atomic
def assign(
    *,
    cadre: Cadre,
    branch: Branch,
    start_on: datetime.date,
    end_on: datetime.date | None = None,
    frequency: str,
    report_within_days: int = 7,
) -> Assignment:
    assignment = Assignment(
        cadre=cadre,
        branch=branch,
        start_on=start_on,
        end_on=end_on,
        frequency=frequency,
        report_within_days=report_within_days,
    )
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def update_assignment(*, assignment: Assignment, expected_version: int | None, **fields) -> Assignment:
    values = {name: fields[name] for name in ASSIGNMENT_FIELDS if name in fields}
    return save_changes(assignment, expected_version=expected_version, values=values)


@transaction.atomic
def end_assignment(*, assignment: Assignment, end_on: datetime.date, expected_version: int | None) -> Assignment:
    """The cadre leaves the branch after ``end_on`` (a reassignment: the next cadre starts the day after)."""
    if end_on < assignment.start_on:
        raise ValidationError({"end_on": _("The end date cannot be before the start date.")})
    return save_changes(assignment, expected_version=expected_version, values={"end_on": end_on})


def assignment_on(*, cadre: Cadre, branch: Branch, day: datetime.date) -> Assignment | None:
    return (
        Assignment.objects.filter(cadre=cadre, branch=branch, start_on__lte=day)
        .exclude(end_on__lt=day)
        .order_by("-start_on")
        .first()
    )


def report_due_on(*, cadre: Cadre | None, branch: Branch, held_on: datetime.date) -> datetime.date | None:
    """The day a visit's report falls due: the meeting's date plus the assignment's days (none for a guest).

    A cadre named on a visit must have been assigned to the branch that day.
    """
    if cadre is None:
        return None
    assignment = assignment_on(cadre=cadre, branch=branch, day=held_on)
    if assignment is None:
        raise ValidationError(
            {
                "cadre": _("%(cadre)s was not assigned to %(branch)s on %(date)s; record them as a guest.")
                % {"cadre": cadre.name, "branch": branch.name, "date": held_on.strftime("%d/%m/%Y")}
            }
        )
    return held_on + datetime.timedelta(days=assignment.report_within_days)


def overdue(visit, today: datetime.date | None = None) -> bool:
    """A report not filed whose day has passed (``visit``: a visit, or what carries its two dates)."""
    today = today or timezone.localdate()
    return visit.reported_on is None and visit.report_due_on is not None and visit.report_due_on < today
