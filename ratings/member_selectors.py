"""Reads for members' yearly ratings: who is to be rated where, on which grades, and what was given.

**The members to rate** in a branch for a year (its rating roll) are the memberships in that
branch on 31 December of the year, and those that ended during the year in the branch they
were in on their last day as members. So a member who joined in November is rated; one who
was transferred to another branch in June is rated by the branch they were in at the end of
the year, never by both; one who left in March (transferred out of the locality, removed,
deceased…) is rated, once, by the branch they left. The grid, the report (7.6) and the import
all read this one rule (``rating_roll``).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, FilteredRelation, Max, OuterRef, Prefetch, Q, QuerySet, Subquery

from branches.models import Branch
from branches.selectors import SubqueryCount
from meetings.selectors import active_during
from members.models import MembershipPeriod
from members.selectors import in_force_on

from .models import Grade, MemberRating, MemberSchemeAssignment, RatingState


def last_day(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def rating_roll(year: int) -> QuerySet[MembershipPeriod]:
    """Per membership to rate in ``year``, the period that places it: the one in force on 31
    December, or, for a membership that ended during the year, its last one (which ends on the
    membership's end; ``valid_to`` is the first day no longer a member)."""
    first, end = datetime.date(year, 1, 1), last_day(year)
    ended_during = Q(valid_to__gt=first, valid_to__lte=end, membership__ended_on=F("valid_to"))
    return MembershipPeriod.objects.filter(in_force_on(end) | ended_during)


def member_scheme_id(organization_id: int, year: int) -> Subquery:
    """The scheme the organization rates its members with in ``year``, as a subquery."""
    assignments = MemberSchemeAssignment.objects.filter(organization_id=organization_id, from_year__lte=year)
    return Subquery(assignments.order_by("-from_year").values("scheme_id")[:1])


def member_grades(*, organization_id: int, year: int) -> list[Grade]:
    """The grades of the organization's member scheme in ``year``, best first (one query)."""
    return list(Grade.objects.filter(scheme_id=member_scheme_id(organization_id, year)).order_by("order"))


def grades_in_use(organization_ids: list[int], year: int) -> list[dict]:
    """The grades (code, label) of every member scheme the organizations use that year, best first;
    a code shared by two schemes is one column (one query)."""
    newest = MemberSchemeAssignment.objects.filter(organization_id=OuterRef("organization_id"), from_year__lte=year)
    schemes = MemberSchemeAssignment.objects.filter(
        organization_id__in=organization_ids, pk=Subquery(newest.order_by("-from_year").values("pk")[:1])
    ).values("scheme_id")
    grades = Grade.objects.filter(scheme_id__in=schemes).order_by("order", "scheme_id").values("code", "label")
    return list({g["code"]: g for g in reversed(grades)}.values())[::-1]


@dataclass
class MemberRow:
    """One member on a branch's grid: the membership (with its person), the period that puts it on
    the roll, and its rating of the year if any."""

    period: MembershipPeriod
    rating: MemberRating | None

    @property
    def membership(self):
        return self.period.membership

    @property
    def state(self) -> str:
        return self.rating.state if self.rating else ""

    @property
    def sent_back(self) -> bool:
        return bool(self.rating and self.rating.state == RatingState.DRAFT and self.rating.review_comment)

    @property
    def left_on(self) -> datetime.date | None:
        """The member's last day, for one who left during the year."""
        return self.period.last_day if self.membership.ended_on else None


def grid_rows(*, branch: Branch, year: int) -> list[MemberRow]:
    """The branch's members to rate in ``year``, in the Vietnamese order of their names (two queries)."""
    ratings = Prefetch(
        "membership__ratings",
        queryset=MemberRating.objects.filter(year=year).select_related("grade", "approved_by"),
        to_attr="year_ratings",
    )
    periods = (
        rating_roll(year)
        .filter(branch=branch)
        .select_related("membership__person")
        .prefetch_related(ratings)
        .order_by("membership__person__sort_key", "membership_id")
    )
    return [MemberRow(period=p, rating=next(iter(p.membership.year_ratings), None)) for p in periods]


def membership_ratings(memberships: list) -> dict[int, list[MemberRating]]:
    """Each membership's ratings, newest year first (one query)."""
    found: dict[int, list[MemberRating]] = {}
    ratings = MemberRating.objects.filter(membership__in=[m.pk for m in memberships]).select_related("grade")
    for rating in ratings.order_by("membership_id", "-year"):
        found.setdefault(rating.membership_id, []).append(rating)
    return found


def branch_rating_counts(*, branch: Branch, year: int) -> dict[str, int]:
    """The branch's members to rate in ``year`` and how many of their ratings are in each state (one
    query): what the branch page's button says."""
    roll = rating_roll(year).filter(branch=branch)
    rated = FilteredRelation("membership__ratings", condition=Q(membership__ratings__year=year))
    counts = {state: Count("rating", filter=Q(rating__state=state)) for state in RatingState.values}
    return roll.annotate(rating=rated).aggregate(to_rate=Count("pk"), **counts)


def latest_approved_year(area) -> int | None:
    """The latest year with approved members' ratings in the area (one aggregate query)."""
    ratings = MemberRating.objects.filter(
        membership__branch__area__path__startswith=area.path, state=RatingState.APPROVED
    )
    return ratings.aggregate(year=Max("year"))["year"]


def branches_to_rate(*, user, area, year: int) -> QuerySet[Branch]:
    """The branches of ``area`` active during the year, each with its members to rate and their ratings
    by state (correlated counts: a fixed number of queries per page), those awaiting approval first."""
    first, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    roll = rating_roll(year).filter(branch=OuterRef("pk"))

    def in_state(state: str) -> SubqueryCount:
        rated = FilteredRelation(
            "membership__ratings", condition=Q(membership__ratings__year=year, membership__ratings__state=state)
        )
        return SubqueryCount(roll.annotate(rating=rated).filter(rating__isnull=False).values("pk"))

    return (
        Branch.objects.visible_to(user)
        .filter(active_during(first, end), area__path__startswith=area.path)
        .select_related("area", "organization")
        .annotate(
            to_rate=SubqueryCount(roll.values("pk")),
            **{f"{state}_count": in_state(state) for state in RatingState.values},
        )
        .order_by(F("submitted_count").desc(), "area__path", "organization__sort_order", "name")
    )
