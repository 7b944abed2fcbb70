"""7.3b Cadre duty (a month, a quarter or a year): the cadres assigned to the branches, the
visits their assignments asked for, those they made, the reports filed and overdue.

Per row and organization: branches · with a cadre assigned · without · assignments · visits
expected · made · missed · reports filed · overdue. Beside the rows: each cadre's figures and
the branches without a cadre (``extra``).
"""

import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone

from areas.models import Area
from branches.models import Branch, Organization
from cadres.models import Assignment
from cadres.selectors import DUTY_FIGURES, by_cadre, duty_rows, overdue_visits
from meetings.models import CadreVisit

from .grouping import BranchIndex, row_headers
from .selectors import Report, _active_during, _assemble, _organizations, units_for

ROW_FIGURES = ("assigned", "assignments", *DUTY_FIGURES)


def cadres_report(
    *,
    area: Area,
    start: datetime.date,
    end: datetime.date,
    organization: Organization | None = None,
    units_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Report:
    today = today or timezone.localdate()
    organizations = _organizations(organization)
    units = units_for(area, end, units_on)
    index = BranchIndex(units, organization, _active_during(start, end))
    tally = index.tally()
    active = index.branch_ids_where(_active_during(start, end))
    rows = duty_rows(assignments=Assignment.objects.filter(branch_id__in=active), start=start, end=end, today=today)
    tally.add_by_branch([{**row, "assignments": 1} for row in rows], fields=["assignments", *DUTY_FIGURES])
    tally.add_by_branch(
        [{"branch_id": b, "assigned": 1} for b in {row["branch_id"] for row in rows}], fields=["assigned"]
    )

    def figures(counts: dict[str, int]) -> dict:
        found = {name: counts.get(name, 0) for name in ROW_FIGURES}
        found["branches"] = counts.get("branches", 0)
        found["unassigned"] = found["branches"] - found["assigned"]
        return found

    table_rows, total = _assemble(
        headers=row_headers(units),
        tally=tally,
        figures=figures,
        organizations=organizations,
        split=organization is None,
    )
    during = Assignment.objects.filter(branch=OuterRef("pk"), start_on__lte=end).exclude(end_on__lt=start)
    unassigned = (
        index.branches_where(_active_during(start, end))
        .exclude(Exists(during))
        .select_related("area__parent", "organization")
        .order_by("area__path", "organization__sort_order", "code")
    )
    branches = Branch.objects.select_related("area").in_bulk({row["branch_id"] for row in rows})
    visits = CadreVisit.objects.filter(meeting__branch_id__in=active, meeting__held_on__range=(start, end))
    return Report(
        kind="cadres",
        units=units,
        organization=organization,
        period={"start": start, "end": end, "today": today},
        organizations=organizations,
        rows=table_rows,
        total=total,
        extra={
            "cadres": by_cadre(rows, branches),
            "unassigned": unassigned,
            "overdue": overdue_visits(visits=visits, today=today),
        },
    )
