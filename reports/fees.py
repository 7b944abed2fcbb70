"""7.5 Fees (a month, a quarter or a year): the members who owed fees, those who paid all,
part or nothing, the amount due, collected, the collection rate and the amount to send up.

The rule (which months are owed, where, how much; how a member counts over the period) is
``fees.dues``'s; this lays its per-branch figures out in rows. A branch's figures count in
the row where the branch sits on the units' day, like every report; a member who moved
between two branches during the period owes in each the months owed there, and is counted
once in each (the total counts them in both).
"""

import datetime

from areas.models import Area
from branches.models import Organization
from core.figures import percent
from fees.dues import BRANCH_FIGURES, branch_dues

from .grouping import BranchIndex, row_headers
from .selectors import Report, _active_during, _assemble, _organizations, units_for


def fees_report(
    *,
    area: Area,
    start: datetime.date,
    end: datetime.date,
    organization: Organization | None = None,
    units_on: datetime.date | None = None,
) -> Report:
    """``start`` and ``end`` are the first and last day of months of one year (``period_bounds``)."""
    if start.year != end.year:
        raise ValueError("A fees report covers months of one year.")
    organizations = _organizations(organization)
    units = units_for(area, end, units_on)
    index = BranchIndex(units, organization, _active_during(start, end))
    tally = index.tally()
    by_branch = branch_dues(
        year=start.year,
        months=range(start.month, end.month + 1),
        branch_ids=index.branch_ids_where(_active_during(start, end)),
    )
    tally.add_by_branch([{"branch_id": pk, **figures} for pk, figures in by_branch.items()], fields=BRANCH_FIGURES)

    def figures(counts: dict[str, int]) -> dict:
        found = {name: counts.get(name, 0) for name in BRANCH_FIGURES}
        found["branches"] = counts.get("branches", 0)
        found["collection_rate"] = percent(found["collected"], found["due"])
        return found

    rows, total = _assemble(
        headers=row_headers(units),
        tally=tally,
        figures=figures,
        organizations=organizations,
        split=organization is None,
    )
    return Report(
        kind="fees",
        units=units,
        organization=organization,
        period={"start": start, "end": end, "year": start.year},
        organizations=organizations,
        rows=rows,
        total=total,
    )
