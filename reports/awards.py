"""Awards and discipline of a year: per row and organization, the decisions by form, their totals,
and the people awarded and disciplined (each counted once).

A decision is counted in the branch stored on it (where the person belonged on its date), placed
in its row like every report: the branch's placement on the units' day. Five grouped queries on
the decisions besides the index: by branch and form, then the distinct people by row and
organization, by row, by organization and in all (a person decided upon in two rows, or by two
organizations, counts once where they meet).
"""

import datetime

from django.db.models import Count, F, Q

from areas.models import Area
from book.models import DISCIPLINE_FORMS, Award, AwardForm, AwardKind
from branches.models import Organization

from .grouping import BranchIndex, placed_on, row_headers, row_key
from .selectors import Report, _active_during, _assemble, _org_filter, _organizations, period_bounds, units_for

AWARD_FORMS = [form for form in AwardForm.values if form not in DISCIPLINE_FORMS]
PEOPLE = {
    "awarded": Count("person_id", distinct=True, filter=Q(kind=AwardKind.AWARD)),
    "disciplined": Count("person_id", distinct=True, filter=Q(kind=AwardKind.DISCIPLINE)),
}


def awards_report(
    *,
    area: Area,
    year: int,
    organization: Organization | None = None,
    units_on: datetime.date | None = None,
) -> Report:
    organizations = _organizations(organization)
    start, end = period_bounds(year=year)
    units = units_for(area, end, units_on)
    index = BranchIndex(units, organization, _active_during(start, end))
    tally = index.tally()
    decisions = Award.objects.filter(decided_on__range=(start, end)).order_by()
    tally.add_by_branch(
        decisions.filter(branch_id__in=index.branch_ids).values("branch_id", "form").annotate(count=Count("id")),
        fields=["count"],
        split_by="form",
    )
    placed = (
        decisions.filter(_org_filter(organization, "organization_id"))
        .annotate(**placed_on(units.on))
        .filter(place__path__startswith=units.path)
    )
    key = row_key(units, "place__path", "branch_id")
    tally.add(placed.values(key=key, org=F("organization_id")).annotate(**PEOPLE), fields=PEOPLE)
    by_row = {r["key"]: r for r in placed.values(key=key).annotate(**PEOPLE)}
    by_org = {r["organization_id"]: r for r in placed.values("organization_id").annotate(**PEOPLE)}
    everyone = placed.aggregate(**PEOPLE)

    def figures(counts: dict[str, int]) -> dict:
        awards = {form: counts.get(f"count_{form}", 0) for form in AWARD_FORMS}
        disciplines = {form: counts.get(f"count_{form}", 0) for form in DISCIPLINE_FORMS}
        return {
            "awards": awards,
            "awards_total": sum(awards.values()),
            "disciplines": disciplines,
            "disciplines_total": sum(disciplines.values()),
            "awarded": counts.get("awarded", 0),
            "disciplined": counts.get("disciplined", 0),
        }

    split = organization is None
    rows, total = _assemble(
        headers=row_headers(units), tally=tally, figures=figures, organizations=organizations, split=split
    )
    # The people of a row, and of the total, each counted once across its organizations and rows.
    for row in rows:
        row.update(_people(by_row.get(row["key"])))
    total.update(_people(everyone))
    if split:
        for org in organizations:
            total["organizations"][org.code].update(_people(by_org.get(org.pk)))
    return Report(
        kind="awards",
        units=units,
        organization=organization,
        period={"year": year, "start": start, "end": end},
        organizations=organizations,
        rows=rows,
        total=total,
    )


def _people(counts: dict | None) -> dict[str, int]:
    return {name: (counts or {}).get(name) or 0 for name in PEOPLE}
