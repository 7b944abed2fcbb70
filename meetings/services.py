"""Writes to meetings and cadre visits. The roll of a meeting is the branch's roll on its date."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Branch
from core.concurrency import save_changes
from members.selectors import periods_on

from .models import CadreVisit, Meeting

VISIT_FIELDS = ("cadre_name", "position", "level", "quality", "concerns", "proposals", "reported_on")


def roll_count(*, branch: Branch, on: datetime.date) -> int:
    """Memberships of the branch on the date, whatever their status (present, away, stopped)."""
    return periods_on(on).filter(branch=branch).count()


def _check_meeting(meeting: Meeting, *, second_on_the_day: bool) -> None:
    """The rules of a meeting's date and attendance (``second_on_the_day``: the user confirmed one)."""
    if meeting.held_on > timezone.localdate():
        raise ValidationError({"held_on": _("A meeting cannot be logged before the day it is held.")})
    same_day = Meeting.objects.filter(branch=meeting.branch, held_on=meeting.held_on).exclude(pk=meeting.pk)
    if not second_on_the_day and same_day.exists():
        raise ValidationError(
            {
                "second_on_the_day": _(
                    "The branch already has a meeting on %(date)s. Tick the box to log a second one that day."
                )
                % {"date": meeting.held_on.strftime("%d/%m/%Y")}
            },
            code="same_day",
        )
    if meeting.members_present > meeting.members_on_roll:
        raise ValidationError(
            {
                "members_present": _("The branch had %(count)s members on the roll on that date.")
                % {"count": meeting.members_on_roll}
            }
        )
    if meeting.branch.founded_on and meeting.held_on < meeting.branch.founded_on:
        raise ValidationError({"held_on": _("The branch was not founded yet on that date.")})


@transaction.atomic
def log_meeting(
    *,
    branch: Branch,
    held_on: datetime.date,
    kind: str,
    members_present: int,
    content: str = "",
    chaired_by: str = "",
    second_on_the_day: bool = False,
) -> Meeting:
    meeting = Meeting(
        branch=branch,
        held_on=held_on,
        kind=kind,
        content=content,
        chaired_by=chaired_by,
        members_present=members_present,
        members_on_roll=roll_count(branch=branch, on=held_on),
    )
    _check_meeting(meeting, second_on_the_day=second_on_the_day)
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def update_meeting(
    *,
    meeting: Meeting,
    expected_version: int | None,
    held_on: datetime.date,
    kind: str,
    members_present: int,
    content: str = "",
    chaired_by: str = "",
    second_on_the_day: bool = False,
) -> Meeting:
    values = {
        "held_on": held_on,
        "kind": kind,
        "members_present": members_present,
        "content": content,
        "chaired_by": chaired_by,
        "members_on_roll": roll_count(branch=meeting.branch, on=held_on),
    }
    probe = Meeting(pk=meeting.pk, branch=meeting.branch, **values)
    _check_meeting(probe, second_on_the_day=second_on_the_day)
    return save_changes(meeting, expected_version=expected_version, values=values)


@transaction.atomic
def add_visit(*, meeting: Meeting, **fields) -> CadreVisit:
    visit = CadreVisit(meeting=meeting, **{name: fields[name] for name in VISIT_FIELDS if name in fields})
    visit.full_clean()
    visit.save()
    return visit


@transaction.atomic
def update_visit(*, visit: CadreVisit, expected_version: int | None, **fields) -> CadreVisit:
    values = {name: fields[name] for name in VISIT_FIELDS if name in fields}
    return save_changes(visit, expected_version=expected_version, values=values)
