"""7.6 Members' ratings (a year).

Per row and organization: members to rate · rated · count and percentage of each grade of the
member schemes in use that year (over the rated ones) · not yet rated. The members to rate are
the branch's rating roll (``ratings.member_selectors.rating_roll``: in the branch on 31
December, or on their last day as members for those who left during the year), counted in the
row where that branch sat in the report's units; only approved ratings count, unless the
report asks for drafts (then drafts and submitted ones count too).
"""

import datetime

from django.db.models import Count, F, FilteredRelation, Q

from areas.models import Area
from branches.models import Organization
from core.figures import percent
from ratings.member_selectors import grades_in_use, rating_roll
from ratings.models import RatingState

from .grouping import BranchIndex, row_headers
from .selectors import Report, _active_during, _assemble, _organizations, period_bounds, units_for


def member_ratings_report(
    *,
    area: Area,
    year: int,
    organization: Organization | None = None,
    include_drafts: bool = False,
    units_on: datetime.date | None = None,
) -> Report:
    organizations = _organizations(organization)
    start, end = period_bounds(year=year)
    units = units_for(area, end, units_on)
    index = BranchIndex(units, organization, _active_during(start, end))
    tally = index.tally()
    counted = Q(membership__ratings__year=year)
    if not include_drafts:
        counted &= Q(membership__ratings__state=RatingState.APPROVED)
    # One grouped query: each branch's members to rate, by the grade of their counted rating (or none).
    by_grade = list(
        rating_roll(year)
        .filter(branch_id__in=index.branch_ids)
        .annotate(counted=FilteredRelation("membership__ratings", condition=counted))
        .order_by()
        .values("branch_id", grade_code=F("counted__grade__code"))
        .annotate(to_rate=Count("pk"), grade=Count("counted"))
    )
    tally.add_by_branch(by_grade, fields=["to_rate"])
    tally.add_by_branch([r for r in by_grade if r["grade_code"]], fields=["grade"], split_by="grade_code")
    grades = grades_in_use([org.pk for org in organizations], year)

    def figures(counts: dict[str, int]) -> dict:
        to_rate = counts.get("to_rate", 0)
        rated = sum(counts.get(f"grade_{g['code']}", 0) for g in grades)
        return {
            "to_rate": to_rate,
            "rated": rated,
            "not_rated": to_rate - rated,
            "grades": {
                g["code"]: {
                    "count": counts.get(f"grade_{g['code']}", 0),
                    "percent": percent(counts.get(f"grade_{g['code']}", 0), rated),
                }
                for g in grades
            },
        }

    rows, total = _assemble(
        headers=row_headers(units),
        tally=tally,
        figures=figures,
        organizations=organizations,
        split=organization is None,
    )
    return Report(
        kind="member_ratings",
        units=units,
        organization=organization,
        period={"year": year, "include_drafts": include_drafts},
        organizations=organizations,
        rows=rows,
        total=total,
        extra={"grades": grades},
    )
