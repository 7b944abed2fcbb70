"""Reads of memberships, including the roll as it stood on any past date."""

import datetime

from django.db.models import Q, QuerySet

from .models import MembershipPeriod


def periods_on(on: datetime.date) -> QuerySet[MembershipPeriod]:
    """The membership periods in force on a date: each membership's branch and status that day."""
    return MembershipPeriod.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on), valid_from__lte=on)


def roll_on(*, on: datetime.date, user=None) -> QuerySet[MembershipPeriod]:
    """Memberships as of a date with their branch, status and person, limited to the user's area."""
    periods = periods_on(on)
    if user is not None:
        periods = periods.visible_to(user)
    return periods.select_related("membership__person", "membership__organization", "branch")
