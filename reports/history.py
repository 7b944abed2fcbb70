"""The membership report's counts straight from the history: the reference for the roll-ups.

``membership_report(..., from_history=True)`` fills its tally here instead of from the
roll-ups (``reports.rolled``); the tests compare both, figure by figure, on random
histories, and ``bench/reports.py`` times both. Same arguments and results as
``rolled.add_counts``.
"""

import datetime

from django.db.models import Count, F, Q

from members.models import Membership, MembershipPeriod, MembershipStatus
from members.selectors import in_force_on

from .grouping import BranchIndex, Tally, Units, placed_on, row_key


def _contains(date_field: str) -> Q:
    """Periods that contain the date held in another field."""
    return Q(valid_from__lte=F(date_field)) & (Q(valid_to__isnull=True) | Q(valid_to__gt=F(date_field)))


def add_counts(
    *,
    tally: Tally,
    index: BranchIndex,
    units: Units,
    organization,
    on: datetime.date,
    year_before: datetime.date,
) -> tuple[dict[str, int], int]:
    """Add the roll of ``on`` and a year earlier and the year's events to ``tally``; return
    the people counted in several organizations, by row and in all."""
    year_start = on.replace(month=1, day=1)
    periods = MembershipPeriod.objects.filter(branch_id__in=index.branch_ids).order_by()
    tally.add_by_branch(
        periods.filter(in_force_on(on) | in_force_on(year_before))
        .values("branch_id")
        .annotate(
            present=Count("branch_id", filter=in_force_on(on) & Q(status=MembershipStatus.PRESENT)),
            away=Count("branch_id", filter=in_force_on(on) & Q(status=MembershipStatus.AWAY)),
            stopped=Count("branch_id", filter=in_force_on(on) & Q(status=MembershipStatus.STOPPED)),
            members_year_before=Count("branch_id", filter=in_force_on(year_before)),
            sole_people=Count("branch_id", filter=in_force_on(on) & Q(shares_person=False)),
        ),
        fields=["present", "away", "stopped", "members_year_before", "sole_people"],
    )
    shared = MembershipPeriod.objects.filter(in_force_on(on), shares_person=True).annotate(**placed_on(units.on))
    shared = shared.filter(place__path__startswith=units.path).order_by()
    if organization is not None:
        shared = shared.filter(branch__organization_id=organization.pk)
    shared_by_row = {
        r["key"]: r["people"]
        for r in shared.values(key=row_key(units, "place__path", "branch_id"))
        .annotate(people=Count("person_id", distinct=True))
        .values("key", "people")
    }
    shared_total = shared.aggregate(people=Count("person_id", distinct=True))["people"]

    # Events of the year, each counted in the branch the membership was in that day: the
    # branch joined, the last branch for an ending (it never changes after), else the period's.
    memberships = Membership.objects.order_by()
    tally.add_by_branch(
        memberships.filter(joined_on__range=(year_start, on), joined_branch_id__in=index.branch_ids)
        .values("joined_branch_id")
        .annotate(joined=Count("id")),
        fields=["joined"],
        branch_field="joined_branch_id",
    )
    tally.add_by_branch(
        memberships.filter(ended_on__range=(year_start, on), branch_id__in=index.branch_ids)
        .values("branch_id", "end_reason")
        .annotate(ended=Count("id")),
        fields=["ended"],
        split_by="end_reason",
    )
    all_periods = MembershipPeriod.objects.order_by()
    tally.add_by_branch(
        all_periods.filter(
            _contains("membership__introduced_to_party_on"),
            membership__introduced_to_party_on__range=(year_start, on),
        )
        .values("branch_id")
        .annotate(introduced=Count("id")),
        fields=["introduced"],
    )
    tally.add_by_branch(
        all_periods.filter(_contains("person__party_joined_on"), person__party_joined_on__range=(year_start, on))
        .values("branch_id")
        .annotate(admitted=Count("id")),
        fields=["admitted"],
    )
    return shared_by_row, shared_total
