"""Reads for the rating grid: a commune's branches for a year, each with its rating and its scheme's grades."""

import datetime
from dataclasses import dataclass, field

from django.db.models import OuterRef, Prefetch, Q, QuerySet
from django.utils import formats
from django.utils.translation import gettext as _

from areas.models import Area, AreaLevel
from branches.models import Branch
from branches.selectors import SubqueryCount
from meetings.selectors import active_during

from .models import BranchRating, Grade, RatingState, SchemeAssignment


def year_range(year: int) -> tuple[datetime.date, datetime.date]:
    """[1 January of the year, 1 January of the next)."""
    return datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)


def communes(*, user, year: int) -> QuerySet[Area]:
    """The communes in force in the user's area, with their branches to rate and ratings by state for
    the year; grouped by district where there are districts, those with ratings awaiting approval
    marked (``awaiting``)."""
    first, end = year_range(year)
    branches = Branch.objects.filter(area__path__startswith=OuterRef("path")).filter(active_during(first, end))
    ratings = BranchRating.objects.filter(branch__area__path__startswith=OuterRef("path"), year=year)
    return (
        Area.objects.visible_to(user)
        .filter(level=AreaLevel.COMMUNE, valid_to__isnull=True)
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

    @property
    def score_warning(self) -> str:
        """A word when the saved score contradicts the grade's band (Mạnh with 40 points)."""
        rating = self.rating
        if rating is None or rating.grade.fits(rating.score):
            return ""
        return score_warning(rating.grade, rating.score)


def score_warning(grade: Grade, score) -> str:
    def number(value) -> str:
        # 80,00 reads 80; 81,50 reads 81,5.
        return formats.number_format(value.normalize() if value != int(value) else int(value), use_l10n=True)

    if grade.min_score is not None and grade.max_score is not None:
        band = _("%(low)s to %(high)s points") % {"low": number(grade.min_score), "high": number(grade.max_score)}
    elif grade.min_score is not None:
        band = _("from %(low)s points") % {"low": number(grade.min_score)}
    else:
        band = _("up to %(high)s points") % {"high": number(grade.max_score)}
    return _("%(score)s points does not fit %(grade)s (%(band)s): check the grade or the score.") % {
        "score": number(score),
        "grade": grade.label,
        "band": band,
    }


def grade_counts(rows: list[GridRow]) -> list[dict]:
    """How many lines have each grade (any state), and how many have none, in the order of the grades."""
    counts: dict[int, dict] = {}
    unrated = 0
    for row in rows:
        if row.rating is None:
            unrated += 1
            continue
        entry = counts.setdefault(row.rating.grade_id, {"grade": row.rating.grade, "count": 0})
        entry["count"] += 1
    ordered = sorted(counts.values(), key=lambda entry: (entry["grade"].order, entry["grade"].scheme_id))
    return [*ordered, {"grade": None, "count": unrated}]


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


def grid_rows(*, commune: Area, year: int, user, organization=None) -> list[GridRow]:
    """One row per branch of the commune active during the year (of one organization, or all),
    in the order of hamlets and organizations."""
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
    if organization is not None:
        branches = branches.filter(organization=organization)
    grades = grades_by_organization(year)
    return [
        GridRow(
            branch=branch, rating=next(iter(branch.year_ratings), None), grades=grades.get(branch.organization_id, [])
        )
        for branch in branches
    ]
