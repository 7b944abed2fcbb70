"""Reads of memberships, including the roll as it stood on any past date."""

import datetime

from django.db.models import Q, QuerySet

from .models import MembershipPeriod


def in_force_on(on: datetime.date) -> Q:
    """Periods that contain the date (``valid_to`` is exclusive; an open period has none)."""
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gt=on))


def periods_on(on: datetime.date) -> QuerySet[MembershipPeriod]:
    """The membership periods in force on a date: each membership's branch and status that day."""
    return MembershipPeriod.objects.filter(in_force_on(on))


def roll_on(*, on: datetime.date, user=None) -> QuerySet[MembershipPeriod]:
    """Memberships as of a date with their branch, status and person, limited to the user's area."""
    periods = periods_on(on)
    if user is not None:
        periods = periods.visible_to(user)
    return periods.select_related("membership__person", "membership__organization", "branch")
