"""The report queries of SPEC section 7. Each report runs a fixed number of grouped queries.

Every figure is counted in the database, grouped by row key (see ``grouping``) and
organization; Python only combines those few grouped results into rows.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import CharField, Count, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Concat, ExtractMonth, ExtractYear

from branches.models import Area, Branch, Organization
from members.models import EndReason, MembershipPeriod, MembershipStatus, TargetPopulation
from members.selectors import in_force_on

from .figures import Tally, percent
from .grouping import RowHeader, row_headers, row_key, subtree


@dataclass
class Report:
    kind: str
    area: Area
    organization: Organization | None
    period: dict
    organizations: list[Organization]
    rows: list[dict] = field(default_factory=list)
    total: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)


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
    """Rows and total from the tally; with ``split``, each also broken down by organization."""

    def with_organizations(counts_of) -> dict:
        result = figures(counts_of(None))
        if split:
            result["organizations"] = {org.code: figures(counts_of(org.pk)) for org in organizations}
        return result

    rows = [
        {
            "key": h.key,
            "area_code": h.code,
            "area_name": h.name,
            "drillable": h.drillable,
            **with_organizations(lambda org_id, key=h.key: tally.row(key, org_id)),
        }
        for h in headers
    ]
    return rows, with_organizations(tally.total)


# --- 7.1 Membership and gathering rate -------------------------------------------------


def membership_report(*, area: Area, on: datetime.date, organization: Organization | None = None) -> Report:
    year_start = on.replace(month=1, day=1)
    year_before = _year_before(on)
    organizations = _organizations(organization)
    headers = row_headers(area)
    tally = Tally()

    period_key = row_key(area, "branch__area__path", "branch_id")
    periods = MembershipPeriod.objects.filter(
        subtree("branch__area__path", area), _org_filter(organization, "branch__organization_id")
    )

    branches = Branch.objects.filter(
        subtree("area__path", area), _active_on(on), _org_filter(organization, "organization_id")
    )
    tally.add(
        branches.values(org=F("organization_id"))
        .annotate(key=row_key(area, "area__path", "id"), branches=Count("id"))
        .values("key", "org", "branches"),
        fields=["branches"],
    )

    on_date = periods.filter(in_force_on(on))
    tally.add(
        on_date.values(org=F("branch__organization_id"))
        .annotate(
            key=period_key,
            members=Count("id"),
            present=Count("id", filter=Q(status=MembershipStatus.PRESENT)),
            away=Count("id", filter=Q(status=MembershipStatus.AWAY)),
            stopped=Count("id", filter=Q(status=MembershipStatus.STOPPED)),
            people=Count("membership__person_id", distinct=True),
        )
        .values("key", "org", "members", "present", "away", "stopped", "people"),
        fields=["members", "present", "away", "stopped", "people"],
    )
    # A person with memberships in two organizations is one person: distinct people of a
    # row, and of the whole area, are counted over all organizations at once.
    people_by_row = {
        r["key"]: r["people"]
        for r in on_date.values(key=period_key)
        .annotate(people=Count("membership__person_id", distinct=True))
        .values("key", "people")
    }
    people_total = on_date.aggregate(people=Count("membership__person_id", distinct=True))["people"]

    before = periods.filter(in_force_on(year_before))
    tally.add(
        before.values(org=F("branch__organization_id"))
        .annotate(key=period_key, members_year_before=Count("id"))
        .values("key", "org", "members_year_before"),
        fields=["members_year_before"],
    )

    targets = TargetPopulation.objects.filter(
        subtree("hamlet__path", area), _org_filter(organization, "organization_id"), year=on.year
    )
    if area.level == "hamlet":
        # Rows of a hamlet are its branches: each takes its organization's target for the hamlet.
        target_by_org = dict(targets.values_list("organization_id").annotate(target=Sum("count")))
        for header in headers:
            if header.branch is not None and header.branch.organization_id in target_by_org:
                tally.by_row[header.key][header.branch.organization_id]["target"] += target_by_org[
                    header.branch.organization_id
                ]
    else:
        tally.add(
            targets.values(org=F("organization_id"))
            .annotate(key=row_key(area, "hamlet__path", None), target=Sum("count"))
            .values("key", "org", "target"),
            fields=["target"],
        )

    in_year = {"membership__joined_on__gte": year_start, "membership__joined_on__lte": on}
    tally.add(
        periods.filter(valid_from=F("membership__joined_on"), **in_year)
        .values(org=F("branch__organization_id"))
        .annotate(key=period_key, joined=Count("id"))
        .values("key", "org", "joined"),
        fields=["joined"],
    )
    tally.add_named(
        periods.filter(
            valid_to=F("membership__ended_on"), membership__ended_on__gte=year_start, membership__ended_on__lte=on
        )
        .values(org=F("branch__organization_id"), reason=F("membership__end_reason"))
        .annotate(key=period_key, n=Count("id"))
        .values("key", "org", "reason", "n"),
        name_field="reason",
        count_field="n",
        prefix="ended_",
    )
    contains = lambda date_field: (  # noqa: E731 - a period that contains the date in the field
        Q(valid_from__lte=F(date_field)) & (Q(valid_to__isnull=True) | Q(valid_to__gt=F(date_field)))
    )
    tally.add(
        periods.filter(
            contains("membership__introduced_to_party_on"),
            membership__introduced_to_party_on__gte=year_start,
            membership__introduced_to_party_on__lte=on,
        )
        .values(org=F("branch__organization_id"))
        .annotate(key=period_key, introduced_to_party=Count("id"))
        .values("key", "org", "introduced_to_party"),
        fields=["introduced_to_party"],
    )
    tally.add(
        periods.filter(
            contains("membership__person__party_joined_on"),
            membership__person__party_joined_on__gte=year_start,
            membership__person__party_joined_on__lte=on,
        )
        .values(org=F("branch__organization_id"))
        .annotate(key=period_key, admitted_to_party=Count("id"))
        .values("key", "org", "admitted_to_party"),
        fields=["admitted_to_party"],
    )

    def figures(counts: dict[str, int]) -> dict:
        members, before_count = counts.get("members", 0), counts.get("members_year_before", 0)
        target = counts.get("target")
        return {
            "branches": counts.get("branches", 0),
            "members": members,
            "present": counts.get("present", 0),
            "away": counts.get("away", 0),
            "stopped": counts.get("stopped", 0),
            "people": counts.get("people", 0),
            "target": target,
            "gathering_rate": percent(counts.get("present", 0), target),
            "joined": counts.get("joined", 0),
            "ended": sum(counts.get(f"ended_{reason}", 0) for reason in EndReason.values),
            "ended_by_reason": {reason: counts.get(f"ended_{reason}", 0) for reason in EndReason.values},
            "introduced_to_party": counts.get("introduced_to_party", 0),
            "admitted_to_party": counts.get("admitted_to_party", 0),
            "members_year_before": before_count,
            "members_change": members - before_count,
        }

    rows, total = _assemble(
        headers=headers, tally=tally, figures=figures, organizations=organizations, split=organization is None
    )
    for row in rows:
        row["people"] = people_by_row.get(row["key"], 0)
    total["people"] = people_total
    return Report(
        kind="membership",
        area=area,
        organization=organization,
        period={"date": on, "year": on.year, "compared_with": year_before},
        organizations=organizations,
        rows=rows,
        total=total,
    )


def _year_before(on: datetime.date) -> datetime.date:
    try:
        return on.replace(year=on.year - 1)
    except ValueError:  # 29 February
        return on.replace(year=on.year - 1, day=28)


# --- 7.2 Branch ratings ---------------------------------------------------------------


def ratings_report(
    *, area: Area, year: int, organization: Organization | None = None, include_drafts: bool = False
) -> Report:
    from ratings.models import BranchRating, Grade, RatingState, SchemeAssignment

    organizations = _organizations(organization)
    headers = row_headers(area)
    tally = Tally()
    year_start, year_end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    # Branches to rate: those active at some time during the year.
    should = Branch.objects.filter(
        subtree("area__path", area),
        _org_filter(organization, "organization_id"),
        Q(founded_on__isnull=True) | Q(founded_on__lte=year_end),
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=year_start),
    )
    tally.add(
        should.values(org=F("organization_id"))
        .annotate(key=row_key(area, "area__path", "id"), should_rate=Count("id"))
        .values("key", "org", "should_rate"),
        fields=["should_rate"],
    )
    ratings = BranchRating.objects.filter(year=year, branch__in=should)
    if not include_drafts:
        ratings = ratings.filter(state=RatingState.APPROVED)
    tally.add_named(
        ratings.values(org=F("branch__organization_id"), grade_code=F("grade__code"))
        .annotate(key=row_key(area, "branch__area__path", "branch_id"), n=Count("id"))
        .values("key", "org", "grade_code", "n"),
        name_field="grade_code",
        count_field="n",
        prefix="grade_",
    )
    # The grades of every scheme the organizations use that year, best first.
    assignments = SchemeAssignment.objects.filter(
        organization__in=[org.pk for org in organizations], from_year__lte=year
    ).order_by("organization_id", "-from_year")
    scheme_ids = set(dict(reversed(assignments.values_list("organization_id", "scheme_id"))).values())
    grades = list(
        Grade.objects.filter(scheme_id__in=scheme_ids).order_by("order", "scheme_id").values("code", "label")
    )
    grade_codes = list(dict.fromkeys(g["code"] for g in grades))

    def figures(counts: dict[str, int]) -> dict:
        should_rate = counts.get("should_rate", 0)
        rated = sum(counts.get(f"grade_{code}", 0) for code in grade_codes)
        return {
            "branches": should_rate,
            "rated": rated,
            "not_rated": should_rate - rated,
            "grades": {
                code: {
                    "count": counts.get(f"grade_{code}", 0),
                    "percent": percent(counts.get(f"grade_{code}", 0), rated),
                }
                for code in grade_codes
            },
        }

    rows, total = _assemble(
        headers=headers, tally=tally, figures=figures, organizations=organizations, split=organization is None
    )
    return Report(
        kind="ratings",
        area=area,
        organization=organization,
        period={"year": year, "include_drafts": include_drafts},
        organizations=organizations,
        rows=rows,
        total=total,
        extra={
            "grades": [
                {"code": code, "label": next(g["label"] for g in grades if g["code"] == code)} for code in grade_codes
            ]
        },
    )


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


def meetings_report(
    *, area: Area, start: datetime.date, end: datetime.date, organization: Organization | None = None
) -> Report:
    from meetings.models import CadreVisit, Meeting

    organizations = _organizations(organization)
    headers = row_headers(area)
    tally = Tally()
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    branches = Branch.objects.filter(
        subtree("area__path", area), _org_filter(organization, "organization_id"), _active_during(start, end)
    )
    months_met = (
        Meeting.objects.filter(branch=OuterRef("pk"), held_on__range=(start, end))
        .annotate(month=ExtractMonth("held_on"), year=ExtractYear("held_on"))
        .values("branch")
        .annotate(n=Count(Concat(Cast("year", CharField()), Value("-"), Cast("month", CharField())), distinct=True))
        .values("n")
    )
    branches = branches.annotate(months_met=Coalesce(Subquery(months_met), 0))
    tally.add(
        branches.values(org=F("organization_id"))
        .annotate(
            key=row_key(area, "area__path", "id"),
            branches=Count("id"),
            met_every_month=Count("id", filter=Q(months_met__gte=months)),
            without_meeting=Count("id", filter=Q(months_met=0)),
        )
        .values("key", "org", "branches", "met_every_month", "without_meeting"),
        fields=["branches", "met_every_month", "without_meeting"],
    )
    meetings = Meeting.objects.filter(
        subtree("branch__area__path", area),
        _org_filter(organization, "branch__organization_id"),
        held_on__range=(start, end),
    )
    tally.add(
        meetings.values(org=F("branch__organization_id"))
        .annotate(
            key=row_key(area, "branch__area__path", "branch_id"),
            meetings=Count("id"),
            attended=Sum("members_present"),
            on_roll=Sum("members_on_roll"),
        )
        .values("key", "org", "meetings", "attended", "on_roll"),
        fields=["meetings", "attended", "on_roll"],
    )
    tally.add(
        CadreVisit.objects.filter(meeting__in=meetings)
        .values(org=F("meeting__branch__organization_id"))
        .annotate(
            key=row_key(area, "meeting__branch__area__path", "meeting__branch_id"),
            visits=Count("id"),
            visit_reports=Count("id", filter=Q(reported_on__isnull=False)),
        )
        .values("key", "org", "visits", "visit_reports"),
        fields=["visits", "visit_reports"],
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
            "without_meeting": counts.get("without_meeting", 0),
        }

    rows, total = _assemble(
        headers=headers, tally=tally, figures=figures, organizations=organizations, split=organization is None
    )
    without = (
        branches.filter(months_met=0)
        .select_related("area", "organization")
        .order_by("area__path", "organization__sort_order", "code")
    )
    return Report(
        kind="meetings",
        area=area,
        organization=organization,
        period={"start": start, "end": end, "months": months},
        organizations=organizations,
        rows=rows,
        total=total,
        extra={"branches_without_meeting": without},
    )


# --- 7.4 Officers and allowances ------------------------------------------------------


def officers_report(*, area: Area, year: int, month: int, organization: Organization | None = None) -> Report:
    from branches.models import AllowanceRate, Officer, OfficerRole

    organizations = _organizations(organization)
    headers = row_headers(area)
    tally = Tally()
    start, end = period_bounds(year=year, month=month)
    branches = Branch.objects.filter(
        subtree("area__path", area), _org_filter(organization, "organization_id"), _active_during(start, end)
    )
    in_office = Q(start_on__lte=end) & (Q(end_on__isnull=True) | Q(end_on__gte=start))
    has_head = Exists(Officer.objects.filter(in_office, branch=OuterRef("pk"), role=OfficerRole.HEAD))
    tally.add(
        branches.annotate(has_head=has_head)
        .values(org=F("organization_id"))
        .annotate(
            key=row_key(area, "area__path", "id"),
            branches=Count("id"),
            branches_without_head=Count("id", filter=Q(has_head=False)),
        )
        .values("key", "org", "branches", "branches_without_head"),
        fields=["branches", "branches_without_head"],
    )
    tally.add(
        Officer.objects.filter(in_office, branch__in=branches)
        .values(org=F("branch__organization_id"))
        .annotate(
            key=row_key(area, "branch__area__path", "branch_id"),
            heads=Count("id", filter=Q(role=OfficerRole.HEAD)),
            deputies=Count("id", filter=Q(role=OfficerRole.DEPUTY)),
            committee_members=Count("id", filter=Q(role=OfficerRole.COMMITTEE)),
        )
        .values("key", "org", "heads", "deputies", "committee_members"),
        fields=["heads", "deputies", "committee_members"],
    )
    # The rate of each role valid in the month; if it changed during the month, the newer one.
    valid = AllowanceRate.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start), valid_from__lte=end)
    rates = dict(reversed(valid.order_by("role", "-valid_from").values_list("role", "amount")))
    role_fields = {
        OfficerRole.HEAD: "heads",
        OfficerRole.DEPUTY: "deputies",
        OfficerRole.COMMITTEE: "committee_members",
    }

    def figures(counts: dict[str, int]) -> dict:
        row = {
            "branches": counts.get("branches", 0),
            "heads": counts.get("heads", 0),
            "deputies": counts.get("deputies", 0),
            "committee_members": counts.get("committee_members", 0),
            "branches_without_head": counts.get("branches_without_head", 0),
        }
        row["allowance"] = sum(row[field] * rates.get(role, 0) for role, field in role_fields.items())
        return row

    rows, total = _assemble(
        headers=headers, tally=tally, figures=figures, organizations=organizations, split=organization is None
    )
    return Report(
        kind="officers",
        area=area,
        organization=organization,
        period={"year": year, "month": month, "start": start, "end": end},
        organizations=organizations,
        rows=rows,
        total=total,
        extra={"rates": {role: rates.get(role) for role in role_fields}},
    )
