"""The report queries of SPEC section 7. Each report runs a fixed number of grouped queries.

Every figure is counted in the database, grouped by row key (see ``grouping``) and
organization; Python only combines those few grouped results into rows.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum

from branches.models import Area, Branch, Organization
from members.models import EndReason, MembershipPeriod, MembershipStatus, TargetPopulation

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


def _periods_on(on: datetime.date):
    return MembershipPeriod.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on), valid_from__lte=on)


def _rows(headers: list[RowHeader], build) -> list[dict]:
    return [
        {"key": h.key, "area_code": h.code, "area_name": h.name, "drillable": h.drillable, **build(h)} for h in headers
    ]


# --- 7.1 Membership and gathering rate -------------------------------------------------

MEMBERSHIP_COUNTS = ["branches", "members", "present", "away", "stopped"]


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

    on_date = periods.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on), valid_from__lte=on)
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

    before = periods.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=year_before), valid_from__lte=year_before)
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

    def build(header: RowHeader) -> dict:
        row = figures(tally.row(header.key))
        row["people"] = people_by_row.get(header.key, 0)
        if organization is None:
            row["organizations"] = {org.code: figures(tally.row(header.key, org.pk)) for org in organizations}
        return row

    total = figures(tally.total())
    total["people"] = people_total
    if organization is None:
        total["organizations"] = {org.code: figures(tally.total(org.pk)) for org in organizations}
    return Report(
        kind="membership",
        area=area,
        organization=organization,
        period={"date": on, "year": on.year, "compared_with": year_before},
        organizations=organizations,
        rows=_rows(headers, build),
        total=total,
    )


def _year_before(on: datetime.date) -> datetime.date:
    try:
        return on.replace(year=on.year - 1)
    except ValueError:  # 29 February
        return on.replace(year=on.year - 1, day=28)
