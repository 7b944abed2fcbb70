"""Writes to meetings and cadre visits. The roll of a meeting is the branch's roll on its date."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Branch
from cadres import services as cadre_services
from cadres.models import Cadre
from core.concurrency import save_changes
from members.selectors import periods_on

from .models import CadreVisit, Meeting

VISIT_FIELDS = ("cadre_name", "position", "level", "quality", "concerns", "proposals", "reported_on")


def roll_count(*, branch: Branch, on: datetime.date) -> int:
    """Memberships of the branch on the date, whatever their status (present, away, stopped)."""
    return periods_on(on).filter(branch=branch).count()


def on_regular_day(*, branch: Branch, held_on: datetime.date) -> bool | None:
    """Whether the date is the branch's regular day of its month (None: the branch has no fixed day)."""
    regular = branch.regular_day(held_on.year, held_on.month)
    return None if regular is None else held_on == regular


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
    orientation_discussed: bool = False,
) -> Meeting:
    meeting = Meeting(
        branch=branch,
        held_on=held_on,
        kind=kind,
        content=content,
        chaired_by=chaired_by,
        members_present=members_present,
        members_on_roll=roll_count(branch=branch, on=held_on),
        orientation_discussed=orientation_discussed,
        on_regular_day=on_regular_day(branch=branch, held_on=held_on),
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
    orientation_discussed: bool = False,
) -> Meeting:
    values = {
        "held_on": held_on,
        "kind": kind,
        "members_present": members_present,
        "content": content,
        "chaired_by": chaired_by,
        "members_on_roll": roll_count(branch=meeting.branch, on=held_on),
        "orientation_discussed": orientation_discussed,
    }
    if held_on != meeting.held_on:
        # Only a new date is measured against today's rule: the rest of a correction leaves the
        # flag as it was written, whatever the branch's day has become since.
        values["on_regular_day"] = on_regular_day(branch=meeting.branch, held_on=held_on)
    probe = Meeting(pk=meeting.pk, branch=meeting.branch, **values)
    _check_meeting(probe, second_on_the_day=second_on_the_day)
    return save_changes(meeting, expected_version=expected_version, values=values)


def _visit_values(*, meeting: Meeting, fields: dict, visit: CadreVisit | None = None) -> dict:
    """The visit's fields; an assigned cadre's name, position and level are the cadre's own, and
    the day the report falls due is fixed from their assignment on the meeting's day."""
    values = {name: fields[name] for name in VISIT_FIELDS if name in fields}
    cadre = fields.get("cadre")
    values["cadre"] = cadre
    if cadre is not None:
        values.update(cadre_name=cadre.name, position=cadre.position, level=cadre.level)
    if visit is not None and visit.cadre == cadre:
        return values  # what was owed stays, whatever became of the assignment since
    values["report_due_on"] = cadre_services.report_due_on(cadre=cadre, branch=meeting.branch, held_on=meeting.held_on)
    return values


@transaction.atomic
def add_visit(*, meeting: Meeting, **fields) -> CadreVisit:
    visit = CadreVisit(meeting=meeting, **_visit_values(meeting=meeting, fields=fields))
    visit.full_clean()
    visit.save()
    return visit


@transaction.atomic
def update_visit(*, visit: CadreVisit, expected_version: int | None, **fields) -> CadreVisit:
    values = _visit_values(meeting=visit.meeting, fields={"cadre": visit.cadre, **fields}, visit=visit)
    return save_changes(visit, expected_version=expected_version, values=values)


REPORT_FIELDS = ("quality", "concerns", "proposals")


@transaction.atomic
def file_visit_report(
    *,
    cadre: Cadre,
    meeting: Meeting,
    expected_version: int | None = None,
    reported_on: datetime.date | None = None,
    **fields,
) -> CadreVisit:
    """An assigned cadre's report on a meeting they attended, from their own page: their visit,
    recorded now if the branch has not recorded it, with the report filed today."""
    report = {name: fields[name] for name in REPORT_FIELDS if name in fields}
    report["reported_on"] = reported_on or timezone.localdate()
    visit = CadreVisit.objects.filter(meeting=meeting, cadre=cadre).first()
    if visit is None:
        return add_visit(meeting=meeting, cadre=cadre, **report)
    return update_visit(visit=visit, expected_version=expected_version, **report)
