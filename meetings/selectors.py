"""Reads for the meeting pages: a branch's log, and what is missing in a month."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from branches.models import Branch

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
