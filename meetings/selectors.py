"""Reads for the meeting pages: a branch's log and its roll on a date, and what is missing in a month."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from branches.models import Branch
from members.models import MembershipPeriod
from members.selectors import periods_on

from .models import CadreVisit, Meeting


def branch_meetings(*, branch: Branch, year: int) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(branch=branch, held_on__year=year)
        .annotate(
            visit_count=Count("visits"),
            reports_missing=Count("visits", filter=Q(visits__reported_on__isnull=True)),
        )
        .order_by("-held_on", "-pk")
    )


def branch_roll(*, branch: Branch, on: datetime.date) -> QuerySet[MembershipPeriod]:
    """The branch's members on the date, whatever their status that day, in the Vietnamese order of names."""
    return (
        periods_on(on)
        .filter(branch=branch)
        .select_related("person", "membership")
        .order_by("person__sort_key", "person_id", "pk")
    )


def roll_status_counts(*, branch: Branch, on: datetime.date) -> dict[str, int]:
    """Members of the branch on the date by status (present, away, stopped), counted in the database."""
    rows = periods_on(on).filter(branch=branch).values("status").annotate(count=Count("pk")).order_by()
    return {row["status"]: row["count"] for row in rows}


def active_during(first: datetime.date, end: datetime.date) -> Q:
    """Branches that existed at some time in [first, end)."""
    return (Q(founded_on__isnull=True) | Q(founded_on__lt=end)) & (
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=first)
    )


def branches_without_meeting(*, user, first: datetime.date, end: datetime.date) -> QuerySet[Branch]:
    """The user's branches, active in [first, end), with no meeting logged in that period."""
    met = Meeting.objects.filter(branch=OuterRef("pk"), held_on__gte=first, held_on__lt=end)
    return (
        Branch.objects.visible_to(user)
        .filter(active_during(first, end))
        .filter(~Exists(met))
        .select_related("organization", "area__parent")
        .order_by("area__path", "organization__sort_order", "name")
    )


def visits_missing_report(*, user, first: datetime.date, end: datetime.date) -> QuerySet[CadreVisit]:
    """Cadre visits to meetings held in [first, end) whose report has not been filed."""
    return (
        CadreVisit.objects.visible_to(user)
        .filter(meeting__held_on__gte=first, meeting__held_on__lt=end, reported_on__isnull=True)
        .select_related("meeting__branch__area")
        .order_by("meeting__held_on", "meeting__branch__name", "cadre_name")
    )
