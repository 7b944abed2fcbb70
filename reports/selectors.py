"""The report queries of SPEC section 7. Each report runs a fixed number of grouped queries.

Every figure is counted in the database, grouped by row key (see ``grouping``) and
organization; Python only combines those few grouped results into rows.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, ExtractMonth, ExtractYear, StrIndex, TruncMonth
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual
from django.utils import timezone

from areas.models import Area, AreaLevel, AreaPlacement, in_force_q
from areas.selectors import holder_now, nearest_day
from branches.models import (
    AllowanceRate,
    Branch,
    BranchPlacement,
    BranchTerm,
    FundingSource,
    MeetingDayRule,
    Officer,
    OfficerRole,
    Organization,
)
from branches.terms import vacancies
from core.figures import percent
from meetings.models import MEETING_COUNTS, CadreVisit, Meeting, MeetingKind, MeetingMonth, MeetingYear
from members.models import EndReason, TargetPopulation
from ratings.models import BranchRating, Grade, RatingState, SchemeAssignment

from . import history, rolled
from .grouping import BranchIndex, RowHeader, Tally, Units, column, one_if, row_headers, row_key


@dataclass
class Report:
    kind: str
    units: Units
    organization: Organization | None
    period: dict
    organizations: list[Organization]
    rows: list[dict] = field(default_factory=list)
    total: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    @property
    def area(self) -> Area:
        return self.units.area

    @property
    def day(self) -> datetime.date:
        """The day the report is about (the last of its period); a report in other units is recast."""
        return self.period.get("date") or self.period.get("end") or datetime.date(self.period["year"], 12, 31)

    @property
    def recast(self) -> bool:
        return self.units.on != self.day


def units_for(area: Area, on: datetime.date, units_on: datetime.date | None = None) -> Units:
    """The tree a report on ``area`` for ``on`` lays its rows out in.

    By default the tree of ``on`` itself, or of the nearest day the area was in force (a
    unit of 2025 asked about 2024 shows 2024's figures in its own units); ``units_on``
    recasts them in the tree of another day (today's units: ``units_on=today``), where an
    area that ended is replaced by the one that holds all it held.
    """
    if units_on is not None and not area.in_force_on(units_on):
        area = holder_now(area) or area
    return Units.of(area, nearest_day(area, units_on or on))


def _organizations(organization: Organization | None) -> list[Organization]:
    return [organization] if organization else list(Organization.objects.order_by("sort_order", "code"))


def _org_filter(organization: Organization | None, field_name: str) -> Q:
    return Q(**{field_name: organization.pk}) if organization else Q()


def _active_on(on: datetime.date, prefix: str = "") -> Q:
    return (Q(**{f"{prefix}founded_on__isnull": True}) | Q(**{f"{prefix}founded_on__lte": on})) & (
        Q(**{f"{prefix}dissolved_on__isnull": True}) | Q(**{f"{prefix}dissolved_on__gt": on})
    )


def _assemble(
    *, headers: list[RowHeader], tally: Tally, figures, organizations: list[Organization], split: bool
) -> tuple[list[dict], dict]:
    """Rows and total from the tally; with ``split``, each also broken down by organization.

    No headers, no rows: the total alone (a report's ``totals_only``, for the dashboard's headlines).
    """

    def with_organizations(counts_of) -> dict:
        result = figures(counts_of(None))
        if split:
            result["organizations"] = {org.code: figures(counts_of(org.pk)) for org in organizations}
        return result

    rows = [
        {
            "key": h.key,
            "area_key": h.area.key if h.area else "",
            "area_code": h.code,
            "area_name": h.name,
            "drillable": h.drillable,
            **with_organizations(lambda org_id, key=h.key: tally.row(key, org_id)),
        }
        for h in headers
    ]
    return rows, with_organizations(tally.total)


# --- 7.1 Membership and gathering rate -------------------------------------------------


def membership_report(
    *,
    area: Area,
    on: datetime.date,
    organization: Organization | None = None,
    units_on: datetime.date | None = None,
    by_organization: bool = True,
    from_history: bool = False,
) -> Report:
    """Figures of ``on`` and of a year earlier, both counted in the branches' rows of the
    units' date: across a reorganisation the comparison is like with like.

    Without ``by_organization``, the rows and the total are not broken down by organization
    (the dashboard shows them for all organizations together). ``from_history`` counts from
    the membership periods instead of the roll-ups (the reference the tests compare with).
    """
    units = units_for(area, on, units_on)
    year_before = _year_before(on)
    organizations = _organizations(organization)
    headers = row_headers(units)
    # From the roll-ups, the branches are counted in the query that reads them.
    index = BranchIndex(units, organization, _active_on(on), by_branch=from_history, counted=False)
    tally = index.tally()

    # The roll now and a year earlier, the year's events and the people counted once across
    # organizations: from the roll-ups the writes keep, or straight from the history.
    source = history if from_history else rolled
    shared_by_row, shared_total = source.add_counts(
        tally=tally, index=index, units=units, organization=organization, on=on, year_before=year_before
    )

    targets = _targets(units, organization, on.year)
    if area.level == AreaLevel.HAMLET:
        # Rows of a hamlet are its branches: the only branch of an organization takes the
        # organization's target for the hamlet; of several (hamlets merged, their branches
        # not yet), the target is the hamlet's and counts in the total alone.
        for half in targets:
            for org_id, target in half.values_list("organization_id").annotate(target=Sum("count")):
                rows = [h.key for h in headers if h.branch is not None and h.branch.organization_id == org_id]
                tally.by_row[rows[0] if len(rows) == 1 else HAMLET_TARGET][org_id]["target"] += target
    else:
        placed, ended = (
            half.values(org=F("organization_id"))
            .annotate(key=row_key(units, "place_path", None), target=Sum("count"))
            .values("key", "org", "target")
            for half in targets
        )
        tally.add(placed.union(ended, all=True), fields=["target"])

    def figures(counts: dict[str, int]) -> dict:
        # Every membership has one of the three statuses: their sum is the roll.
        members = counts.get("present", 0) + counts.get("away", 0) + counts.get("stopped", 0)
        before_count = counts.get("members_year_before", 0)
        target = counts.get("target")
        ended_by_reason = {reason: counts.get(f"ended_{reason}", 0) for reason in EndReason.values}
        return {
            "branches": counts.get("branches", 0),
            "members": members,
            "present": counts.get("present", 0),
            "away": counts.get("away", 0),
            "stopped": counts.get("stopped", 0),
            "people": members,
            "target": target,
            "gathering_rate": percent(counts.get("present", 0), target),
            "joined": counts.get("joined", 0),
            "ended": sum(ended_by_reason.values()),
            "ended_by_reason": ended_by_reason,
            "introduced_to_party": counts.get("introduced", 0),
            "admitted_to_party": counts.get("admitted", 0),
            "members_year_before": before_count,
            "members_change": members - before_count,
        }

    rows, total = _assemble(
        headers=headers,
        tally=tally,
        figures=figures,
        organizations=organizations,
        split=organization is None and by_organization,
    )
    for row in rows:
        row["people"] = tally.row(row["key"]).get("sole_people", 0) + shared_by_row.get(row["key"], 0)
    total["people"] = tally.total().get("sole_people", 0) + shared_total
    return Report(
        kind="membership",
        units=units,
        organization=organization,
        period={
            "date": on,
            "year": on.year,
            "compared_with": year_before,
            # The area was not in force a year earlier: what it compares with is what its
            # branches had then, in the units they sat in (the predecessors' figures).
            "compared_recast": not area.in_force_on(year_before),
        },
        organizations=organizations,
        rows=rows,
        total=total,
    )


# Where a hamlet report keeps a target that no single branch row holds (counted in the total only).
HAMLET_TARGET = "hamlet"


def _targets(units: Units, organization: Organization | None, year: int) -> tuple:
    """The year's targets with the path (``place_path``) where their hamlet sat on the units' date.

    A hamlet merged into another by then has no place that day: its targets count where its
    successor sits (``Area.successor_path``), so a report after a mid-year merge, or recast in
    today's units, keeps the population of every hamlet. Two querysets, which a report above
    the hamlets reads in one query (their union).
    """
    targets = TargetPopulation.objects.filter(_org_filter(organization, "organization_id"), year=year).order_by()
    placed = (
        targets.annotate(
            place=FilteredRelation("hamlet__placements", condition=in_force_q(units.on, "hamlet__placements__"))
        )
        .filter(place__path__startswith=units.path)
        .annotate(place_path=F("place__path"))
    )
    holder = AreaPlacement.objects.filter(in_force_q(units.on), area__path=OuterRef("hamlet__successor_path"))
    # From the few hamlets that ended (a subquery), not from every target of the year.
    ended_hamlets = Area.objects.filter(valid_to__lte=units.on).exclude(successor_path="").values("pk")
    ended = (
        targets.filter(hamlet__in=ended_hamlets)
        .annotate(place_path=Subquery(holder.values("path")[:1]))
        .filter(place_path__startswith=units.path)
    )
    return placed, ended


def _year_before(on: datetime.date) -> datetime.date:
    try:
        return on.replace(year=on.year - 1)
    except ValueError:  # 29 February
        return on.replace(year=on.year - 1, day=28)


# --- 7.2 Branch ratings ---------------------------------------------------------------


def ratings_report(
    *,
    area: Area,
    year: int,
    organization: Organization | None = None,
    include_drafts: bool = False,
    units_on: datetime.date | None = None,
    totals_only: bool = False,
) -> Report:
    organizations = _organizations(organization)
    start, end = period_bounds(year=year)
    units = units_for(area, end, units_on)
    headers = row_headers(units)
    # Branches to rate: those active at some time during the year.
    index = BranchIndex(units, organization, _active_during(start, end))
    tally = index.tally()
    ratings = BranchRating.objects.filter(year=year, branch_id__in=index.branch_ids_where(_active_during(start, end)))
    if not include_drafts:
        ratings = ratings.filter(state=RatingState.APPROVED)
    tally.add_by_branch(
        ratings.order_by().values("branch_id", grade_code=F("grade__code")).annotate(grade=Count("id")),
        fields=["grade"],
        split_by="grade_code",
    )
    grades = _grades_in_use(organizations, year)

    def figures(counts: dict[str, int]) -> dict:
        should_rate = counts.get("branches", 0)
        rated = sum(counts.get(f"grade_{g['code']}", 0) for g in grades)
        return {
            "branches": should_rate,
            "rated": rated,
            "not_rated": should_rate - rated,
            "grades": {
                g["code"]: {
                    "count": counts.get(f"grade_{g['code']}", 0),
                    "percent": percent(counts.get(f"grade_{g['code']}", 0), rated),
                }
                for g in grades
            },
        }

    rows, total = _assemble(
        headers=[] if totals_only else headers,
        tally=tally,
        figures=figures,
        organizations=organizations,
        split=organization is None,
    )
    return Report(
        kind="ratings",
        units=units,
        organization=organization,
        period={"year": year, "include_drafts": include_drafts},
        organizations=organizations,
        rows=rows,
        total=total,
        extra={"grades": grades},
    )


def _grades_in_use(organizations: list[Organization], year: int) -> list[dict]:
    """The grades of every scheme the organizations use that year, best first (two queries)."""
    assignments = SchemeAssignment.objects.filter(
        organization__in=[org.pk for org in organizations], from_year__lte=year
    ).order_by("organization_id", "-from_year")
    # The newest assignment of each organization wins: reversed, it is written last.
    scheme_ids = set(dict(reversed(assignments.values_list("organization_id", "scheme_id"))).values())
    grades = Grade.objects.filter(scheme_id__in=scheme_ids).order_by("order", "scheme_id").values("code", "label")
    return list({g["code"]: g for g in reversed(grades)}.values())[::-1]


# --- 7.3 Meetings ---------------------------------------------------------------------


def period_bounds(
    *, year: int, month: int | None = None, quarter: int | None = None
) -> tuple[datetime.date, datetime.date]:
    """First and last day of a month, a quarter or a year."""
    if month:
        first_month, last_month = month, month
    elif quarter:
        first_month, last_month = 3 * quarter - 2, 3 * quarter
    else:
        first_month, last_month = 1, 12
    start = datetime.date(year, first_month, 1)
    end = datetime.date(year + last_month // 12, last_month % 12 + 1, 1) - datetime.timedelta(days=1)
    return start, end


def _active_during(start: datetime.date, end: datetime.date) -> Q:
    return (Q(founded_on__isnull=True) | Q(founded_on__lte=end)) & (
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=start)
    )


def _months(start: datetime.date, end: datetime.date) -> int:
    """The number of calendar months from ``start``'s to ``end``'s, both counted."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def meetings_report(
    *,
    area: Area,
    start: datetime.date,
    end: datetime.date,
    organization: Organization | None = None,
    units_on: datetime.date | None = None,
    today: datetime.date | None = None,
    totals_only: bool = False,
    from_history: bool = False,
) -> Report:
    """``start`` and ``end`` are the first and last day of months (``period_bounds``).
    ``from_history`` counts from the meetings instead of their roll-ups (the tests' reference)."""
    organizations = _organizations(organization)
    units = units_for(area, end, units_on)
    headers = row_headers(units)
    months = _months(start, end)
    # A period still under way asks for a meeting in each month already over (at least one).
    elapsed = max(1, min(months, _months(start, (today or timezone.localdate()).replace(day=1)) - 1))
    index = BranchIndex(units, organization, _active_during(start, end), by_branch=from_history, counted=False)
    tally = index.tally()
    fields = ["meetings", "attended", "on_roll", "visits", "visit_reports", "off_day", "notes_discussed"]
    if from_history:
        active = index.branch_ids_where(_active_during(start, end))
        results = _meetings_from_history(active=active, start=start, end=end)
        tally.add_by_branch(results, fields=fields)
        tally.add_by_branch(
            [
                {"branch_id": r["branch_id"], "met_any": 1, "met_every_month": int(r["months_met"] >= elapsed)}
                for r in results
                if r["meetings"]
            ],
            fields=["met_any", "met_every_month"],
        )
    else:
        rows = _meetings_by_row(index=index, start=start, end=end, elapsed=elapsed)
        tally.add(rows, fields=["branches", *fields, "met_any", "met_every_month"])
    missed = branches_missed_day(
        branches=index.branches_where(_active_during(start, end)),
        start=start,
        end=end,
        today=today or timezone.localdate(),
        from_history=from_history,
    )
    tally.add(
        missed.order_by()
        .values(key=row_key(units, "placements__path", "pk"), org=F("organization_id"))
        .annotate(missed_day=Count("pk")),
        fields=["missed_day"],
    )

    def figures(counts: dict[str, int]) -> dict:
        return {
            "branches": counts.get("branches", 0),
            "met_every_month": counts.get("met_every_month", 0),
            "meetings": counts.get("meetings", 0),
            # Weighted over all meetings: everyone present over everyone on the rolls.
            "attendance_rate": percent(counts.get("attended", 0), counts.get("on_roll", 0)),
            "visits": counts.get("visits", 0),
            "visit_reports": counts.get("visit_reports", 0),
            "without_meeting": counts.get("branches", 0) - counts.get("met_any", 0),
            "off_day": counts.get("off_day", 0),
            "missed_day": counts.get("missed_day", 0),
            "notes_discussed": counts.get("notes_discussed", 0),
        }

    rows, total = _assemble(
        headers=[] if totals_only else headers,
        tally=tally,
        figures=figures,
        organizations=organizations,
        split=organization is None,
    )
    without = (
        index.branches_where(_active_during(start, end))
        .exclude(Exists(Meeting.objects.filter(branch=OuterRef("pk"), held_on__range=(start, end))))
        .select_related("area", "organization")
        .order_by("area__path", "organization__sort_order", "code")
    )
    return Report(
        kind="meetings",
        units=units,
        organization=organization,
        period={"start": start, "end": end, "months": months, "months_elapsed": elapsed},
        organizations=organizations,
        rows=rows,
        total=total,
        extra={
            "branches_without_meeting": without,
            "branches_missed_day": missed.select_related("area__parent", "organization").order_by(
                "area__path", "organization__sort_order", "code"
            ),
        },
    )


def _meetings_by_row(*, index: BranchIndex, start: datetime.date, end: datetime.date, elapsed: int) -> list[dict]:
    """Per row and organization, from the roll-ups (a whole year reads one row a branch,
    otherwise a row a month): the branches active in the period (the index counts none),
    meetings, attendance, visits, the day's and the note's counts, and the branches that met
    at all and in every month elapsed. One query: each branch's sums, joined to the branches,
    then added up by row."""
    active = _active_during(start, end)
    counted = {name: Sum(name) for name in MEETING_COUNTS}
    if (start, end) == period_bounds(year=start.year):
        rows = MeetingYear.objects.filter(year=start.year)
        months_met = Max("months_met")
    else:
        rows = MeetingMonth.objects.filter(month__range=(start, end))
        months_met = Count("pk", filter=Q(meetings__gt=0))
    sums = rows.filter(branch_id__in=index.branch_ids_where(active)).order_by().values("branch_id")
    met = GreaterThan(column("meetings"), 0)
    totals = {name: ("SUM", column(name)) for name in MEETING_COUNTS}
    totals["met_any"] = ("SUM", one_if(met))
    totals["met_every_month"] = ("SUM", one_if(met & GreaterThanOrEqual(column("months_met"), elapsed)))
    return index.added_by_row(active, {"m": (sums.annotate(months_met=months_met, **counted), True)}, totals)


def _meetings_from_history(*, active, start: datetime.date, end: datetime.date) -> list[dict]:
    """The same, counted from the meetings and visits."""
    meetings = Meeting.objects.filter(branch_id__in=active, held_on__range=(start, end)).order_by()
    by_branch = {
        r["branch_id"]: r
        for r in meetings.annotate(month=ExtractMonth("held_on"), year=ExtractYear("held_on"))
        .values("branch_id")
        .annotate(
            meetings=Count("id"),
            attended=Sum("members_present"),
            on_roll=Sum("members_on_roll"),
            months_met=Count(Concat(Cast("year", CharField()), Value("-"), Cast("month", CharField())), distinct=True),
            **_FLAG_COUNTS,
        )
    }
    visits = (
        CadreVisit.objects.filter(meeting__in=meetings)
        .order_by()
        .values(branch_id=F("meeting__branch_id"))
        .annotate(visits=Count("id"), visit_reports=Count("id", filter=Q(reported_on__isnull=False)))
    )
    for r in visits:
        by_branch[r["branch_id"]].update(visits=r["visits"], visit_reports=r["visit_reports"])
    return [{"visits": 0, "visit_reports": 0, **r} for r in by_branch.values()]


# Regular meetings held off the branch's day, as each was flagged when logged (``on_regular_day``).
OFF_DAY = Q(kind=MeetingKind.REGULAR, on_regular_day=False)
_FLAG_COUNTS = {
    "off_day": Count("id", filter=OFF_DAY),
    "notes_discussed": Count("id", filter=Q(orientation_discussed=True)),
}


def branches_missed_day(
    *,
    branches: QuerySet[Branch],
    start: datetime.date,
    end: datetime.date,
    today: datetime.date,
    from_history: bool = False,
) -> QuerySet[Branch]:
    """Of ``branches``, those with a regular day that, in some month of [start, end] over by ``today``,
    held no meeting on that month's regular day (as the meetings were flagged when logged).
    ``start`` is a month's first day. ``from_history`` counts the months from the meetings
    instead of the roll-ups.

    A month under way is not asked about: its regular day may be yet to come.
    """
    last = min(end, today.replace(day=1) - datetime.timedelta(days=1))
    if last < start:
        return branches.none()
    if from_history:
        on_day = (
            Meeting.objects.filter(branch=OuterRef("pk"), on_regular_day=True, held_on__range=(start, last))
            .values("branch")
            .annotate(months=Count(TruncMonth("held_on"), distinct=True))
        )
    else:
        on_day = (
            MeetingMonth.objects.filter(branch=OuterRef("pk"), on_day__gt=0, month__range=(start, last))
            .values("branch")
            .annotate(months=Count("pk"))
        )
    on_day = on_day.order_by().values("months")
    return (
        branches.exclude(meeting_rule=MeetingDayRule.NONE)
        .annotate(months_on_day=Coalesce(Subquery(on_day, output_field=IntegerField()), 0))
        .filter(months_on_day__lt=_months(start, last))
    )


# --- 7.4 Officers and allowances ------------------------------------------------------


def officers_report(
    *,
    area: Area,
    year: int,
    month: int,
    organization: Organization | None = None,
    units_on: datetime.date | None = None,
) -> Report:
    """Officers in office during the month, the allowance due from each funding source, the vacancies.

    A source's rates apply to the branches placed in its area's subtree in the month's tree
    (the branch's path on the last day of the month holds the area's key); a source with
    no area applies everywhere, and several sources add up. The vacancies are those on the
    last day of the month, against the seats of the term in force that day.
    """
    organizations = _organizations(organization)
    start, end = period_bounds(year=year, month=month)
    units = units_for(area, end, units_on)
    headers = row_headers(units)
    index = BranchIndex(units, organization, _active_during(start, end), by_branch=False, counted=False)
    tally = index.tally()
    sources = _rates_by_source(start, end)
    used = _add_officers(tally, index, sources, start, end)
    sources = [source for source in sources if source.key in used]

    def figures(counts: dict[str, int]) -> dict:
        branch_count = counts.get("branches", 0)
        row = {
            "branches": branch_count,
            "heads": counts.get("heads", 0),
            "deputies": counts.get("deputies", 0),
            "committee_members": counts.get("committee_members", 0),
            "branches_without_head": branch_count - counts.get("headed", 0),
            "branches_without_deputy": branch_count - counts.get("deputied", 0),
            "vacancies": counts.get("vacancies", 0),
            "allowance_by_source": {s.key: counts.get(f"allowance_{s.key}", 0) for s in sources},
        }
        row["allowance"] = sum(row["allowance_by_source"].values())
        return row

    rows, total = _assemble(
        headers=headers, tally=tally, figures=figures, organizations=organizations, split=organization is None
    )
    return Report(
        kind="officers",
        units=units,
        organization=organization,
        period={"year": year, "month": month, "start": start, "end": end},
        organizations=organizations,
        rows=rows,
        total=total,
        extra={
            "sources": sources,
            # Each role's monthly rate from each source used: {role: {source key: amount}}.
            "rates": {role: {s.key: s.rates.get(role) for s in sources} for role in OFFICER_FIELDS},
        },
    )


OFFICER_FIELDS = {
    OfficerRole.HEAD: "heads",
    OfficerRole.DEPUTY: "deputies",
    OfficerRole.COMMITTEE: "committee_members",
}


@dataclass
class SourceRates:
    """A funding source and the monthly rate of each role it pays in the month."""

    source: FundingSource
    rates: dict[str, int] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return str(self.source.pk)

    @property
    def role_rates(self) -> list[tuple[str, int | None]]:
        """Each role's name and rate (None: the source pays that role nothing), for the page."""
        return [(OfficerRole(role).label, self.rates.get(role)) for role in OFFICER_FIELDS]


def _rates_by_source(start: datetime.date, end: datetime.date) -> list[SourceRates]:
    """The sources with a rate valid in the month, in their order (one query); if a rate
    changed during the month, the newer one."""
    valid = AllowanceRate.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start), valid_from__lte=end)
    by_source: dict[int, SourceRates] = {}
    for rate in valid.select_related("source__area").order_by("valid_from"):
        by_source.setdefault(rate.source_id, SourceRates(rate.source)).rates[rate.role] = rate.amount
    return sorted(by_source.values(), key=lambda s: (s.source.sort_order, s.source.name))


def _add_officers(
    tally: Tally, index: BranchIndex, sources: list[SourceRates], start: datetime.date, end: datetime.date
) -> set[str]:
    """Into the tally, per row and organization (one query): the branches active in the month
    (the index counts none), the officers by role during the month, the branches with a head
    and with a deputy, the vacancies on its last day against the seats of the term in force
    then, and the allowance due from each source to the branches in its area (their path on
    the month's last day). Returns the keys of the sources that apply to at least one of the
    branches.

    The officers, the terms and the month's placements are each grouped by branch in a
    subquery, joined to the branches (one row each), and added up by row in the same query.
    """
    active = _active_during(start, end)
    ids = index.branch_ids_where(active)
    at_end = Q(end_on__isnull=True) | Q(end_on__gte=end)
    officers = (
        Officer.objects.filter(Q(end_on__isnull=True) | Q(end_on__gte=start), start_on__lte=end, branch_id__in=ids)
        .order_by()
        .values("branch_id")
        .annotate(
            **{name: Count("pk", filter=Q(role=role)) for role, name in OFFICER_FIELDS.items()},
            heads_at_end=Count("pk", filter=at_end & Q(role=OfficerRole.HEAD)),
            deputies_at_end=Count("pk", filter=at_end & Q(role=OfficerRole.DEPUTY)),
            officers_at_end=Count("pk", filter=at_end),
        )
    )
    terms = BranchTerm.objects.filter(start_on__lte=end, end_on__gte=end, branch_id__in=ids)
    places = BranchPlacement.objects.filter(in_force_q(end), branch_id__in=ids)
    joined = {
        "o": (officers, True),
        "t": (terms.order_by().values("branch_id").annotate(seats=Max("committee_size")), False),
        "p": (places.order_by().values("branch_id").annotate(path=Max("path")), False),
    }

    def applies(source: SourceRates):
        if source.source.area_id is None:  # a source with no area pays everywhere
            return Value(True, output_field=BooleanField())
        return GreaterThan(StrIndex(column("path", CharField()), Value(f"/{source.source.area.key}/")), 0)

    def allowance(source: SourceRates) -> Case:
        rates = {role: Value(source.rates.get(role, 0)) for role in OFFICER_FIELDS}
        due = sum((column(name) * rates[role] for role, name in OFFICER_FIELDS.items()), Value(0))
        return Case(When(applies(source), then=due), default=Value(0), output_field=IntegerField())

    figures = {
        **{name: ("SUM", column(name)) for name in OFFICER_FIELDS.values()},
        "headed": ("SUM", one_if(GreaterThan(column("heads"), 0))),
        "deputied": ("SUM", one_if(GreaterThan(column("deputies"), 0))),
        "vacancies": (
            "SUM",
            vacancies(
                seats=column("seats"),
                officers=column("officers_at_end"),
                heads=column("heads_at_end"),
                deputies=column("deputies_at_end"),
            ),
        ),
        **{f"allowance_{s.key}": ("SUM", allowance(s)) for s in sources},
        **{f"used_{s.key}": ("MAX", one_if(applies(s))) for s in sources},
    }
    rows = index.added_by_row(active, joined, figures)
    fields = ["branches", *(name for name in figures if not name.startswith("used_"))]
    tally.add(rows, fields=fields)
    return {s.key for s in sources if any(row[f"used_{s.key}"] for row in rows)}
