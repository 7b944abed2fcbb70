"""Reads for the rating grid: a commune's branches for a year, each with its rating and its scheme's grades."""

import datetime
from dataclasses import dataclass, field

from django.db.models import OuterRef, Prefetch, Q, QuerySet

from areas.models import Area, AreaLevel
from branches.models import Branch
from branches.selectors import SubqueryCount
from meetings.selectors import active_during

from .models import BranchRating, Grade, RatingState, SchemeAssignment


def year_range(year: int) -> tuple[datetime.date, datetime.date]:
    """[1 January of the year, 1 January of the next)."""
    return datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)


def communes(*, user, year: int) -> QuerySet[Area]:
    """The communes of the user's area, with their branches to rate and ratings by state for the year."""
    first, end = year_range(year)
    branches = Branch.objects.filter(area__path__startswith=OuterRef("path")).filter(active_during(first, end))
    ratings = BranchRating.objects.filter(branch__area__path__startswith=OuterRef("path"), year=year)
    return (
        Area.objects.visible_to(user)
        .filter(level=AreaLevel.COMMUNE)
        .select_related("parent")
        .annotate(
            branch_count=SubqueryCount(branches.values("pk")),
            draft_count=SubqueryCount(ratings.filter(state=RatingState.DRAFT).values("pk")),
            submitted_count=SubqueryCount(ratings.filter(state=RatingState.SUBMITTED).values("pk")),
            approved_count=SubqueryCount(ratings.filter(state=RatingState.APPROVED).values("pk")),
        )
        .order_by("path")
    )


@dataclass
class GridRow:
    branch: Branch
    rating: BranchRating | None
    grades: list[Grade] = field(default_factory=list)

    @property
    def state(self) -> str:
        return self.rating.state if self.rating else ""

    @property
    def sent_back(self) -> bool:
        return bool(self.rating and self.rating.state == RatingState.DRAFT and self.rating.review_comment)


def grades_by_organization(year: int) -> dict[int, list[Grade]]:
    """The grades of the scheme each organization uses in ``year`` (two queries)."""
    scheme_of: dict[int, int] = {}
    for organization_id, scheme_id in (
        SchemeAssignment.objects.filter(from_year__lte=year)
        .order_by("organization_id", "-from_year")
        .values_list("organization_id", "scheme_id")
    ):
        scheme_of.setdefault(organization_id, scheme_id)
    by_scheme: dict[int, list[Grade]] = {}
    for grade in Grade.objects.filter(scheme_id__in=set(scheme_of.values())).order_by("order"):
        by_scheme.setdefault(grade.scheme_id, []).append(grade)
    return {organization_id: by_scheme.get(scheme_id, []) for organization_id, scheme_id in scheme_of.items()}


def grid_rows(*, commune: Area, year: int, user) -> list[GridRow]:
    """One row per branch of the commune active during the year, in the order of hamlets and organizations."""
    first, end = year_range(year)
    ratings = Prefetch(
        "ratings",
        queryset=BranchRating.objects.filter(year=year).select_related("grade", "approved_by"),
        to_attr="year_ratings",
    )
    branches = (
        Branch.objects.visible_to(user)
        .filter(Q(area__path__startswith=commune.path), active_during(first, end))
        .select_related("organization", "area")
        .prefetch_related(ratings)
        .order_by("area__path", "organization__sort_order", "name")
    )
    grades = grades_by_organization(year)
    return [
        GridRow(
            branch=branch, rating=next(iter(branch.year_ratings), None), grades=grades.get(branch.organization_id, [])
        )
        for branch in branches
    ]
