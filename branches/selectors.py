"""Reads for the area and branch pages; each runs a fixed number of queries."""

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When

from areas.models import Area, AreaLevel
from meetings.models import Meeting
from members.models import Membership, MembershipStatus
from ratings.models import BranchRating

from .models import Branch, BranchTerm, Officer, OfficerRole
from .terms import vacancies


class SubqueryCount(Subquery):
    """The number of rows of a correlated subquery, as a column of the outer query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"
    output_field = IntegerField()


def _count(queryset) -> SubqueryCount:
    return SubqueryCount(queryset.order_by().values("pk"))


def active_q(on: datetime.date, prefix: str = "") -> Q:
    """Branches founded by ``on`` (or with no date) and not dissolved by then."""
    return (Q(**{f"{prefix}founded_on__isnull": True}) | Q(**{f"{prefix}founded_on__lte": on})) & (
        Q(**{f"{prefix}dissolved_on__isnull": True}) | Q(**{f"{prefix}dissolved_on__gt": on})
    )


def open_memberships() -> QuerySet[Membership]:
    return Membership.objects.filter(ended_on__isnull=True)


def child_areas(*, area: Area, user) -> QuerySet[Area]:
    """The areas just below ``area``, each with the branches and current members of its subtree."""
    branches = Branch.objects.filter(area__path__startswith=OuterRef("path"), dissolved_on__isnull=True)
    members = open_memberships().filter(branch__area__path__startswith=OuterRef("path"))
    return (
        Area.objects.visible_to(user)
        .filter(parent=area)
        .annotate(branch_count=_count(branches), member_count=_count(members))
        .order_by("code")
    )


def branches_of(*, area: Area, user) -> QuerySet[Branch]:
    """The branches that sit on ``area`` itself, with their current members."""
    return (
        Branch.objects.visible_to(user)
        .filter(area=area)
        .select_related("organization")
        .annotate(member_count=_count(open_memberships().filter(branch=OuterRef("pk"))))
        .order_by("code")
    )


def branch_status_counts(branch: Branch) -> dict[str, int]:
    """Current members of the branch by status (one query)."""
    rows = open_memberships().filter(branch=branch).values("status").annotate(n=Count("pk")).order_by()
    counts = dict.fromkeys(MembershipStatus.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


ROLE_RANK = Case(
    When(role=OfficerRole.HEAD, then=Value(1)),
    When(role=OfficerRole.DEPUTY, then=Value(2)),
    default=Value(3),
)


def branch_officers(branch: Branch) -> QuerySet[Officer]:
    """Serving officers first (head, deputies, committee), then former ones, latest first."""
    return branch.officers.select_related("person").order_by(
        F("end_on").desc(nulls_first=True), ROLE_RANK, "-start_on", "person__sort_key"
    )


def branch_recent_meetings(branch: Branch, *, today: datetime.date) -> QuerySet[Meeting]:
    """The meetings of the last twelve months, this one included."""
    months = today.year * 12 + today.month - 1 - 11
    since = datetime.date(months // 12, months % 12 + 1, 1)
    return branch.meetings.filter(held_on__gte=since).annotate(visit_count=Count("visits")).order_by("-held_on")


def branch_ratings(branch: Branch) -> QuerySet[BranchRating]:
    return branch.ratings.select_related("grade").order_by("-year")


def hamlet_choices_for(commune: Area, user) -> QuerySet[Area]:
    return Area.objects.visible_to(user).filter(parent=commune, level=AreaLevel.HAMLET).order_by("name")


def branch_placements(branch: Branch) -> list[dict]:
    """Where the branch sat over time: its area and the commune above it then (two queries)."""
    placements = list(branch.placements.select_related("area").order_by(F("valid_from").asc(nulls_first=True)))
    # The commune of a hamlet's placement is the key before the hamlet's in the path of then.
    keys = {p.path.strip("/").split("/")[-2] for p in placements if p.area.level == AreaLevel.HAMLET}
    communes = {area.key: area for area in Area.objects.filter(key__in=keys)}
    return [
        {
            "area": placement.area,
            "commune": communes.get(placement.path.strip("/").split("/")[-2])
            if placement.area.level == AreaLevel.HAMLET
            else None,
            "valid_from": placement.valid_from,
            "last_day": placement.valid_to - datetime.timedelta(days=1) if placement.valid_to else None,
        }
        for placement in placements
    ]


# --- Congresses due ---------------------------------------------------------------------


def months_later(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class CongressDue:
    """A branch's latest term, ending soon or already ended, and its committee today."""

    term: BranchTerm
    officers: int
    has_head: bool
    has_deputy: bool
    vacancies: int
    overdue: bool

    @property
    def branch(self) -> Branch:
        return self.term.branch


def congresses_due(*, area: Area, user, today: datetime.date, months: int) -> list[CongressDue]:
    """The branches of the area, in force today, whose latest term ends within ``months`` (or
    has ended: overdue, no newer term recorded), by the term's end (one query).

    A branch whose next term is already recorded held its congress: it is not listed. The
    seats are those of the latest term (the committee serves until the congress).
    """
    newer = BranchTerm.objects.filter(branch=OuterRef("branch"), start_on__gt=OuterRef("start_on"))
    serving = Officer.objects.filter(
        Q(end_on__isnull=True) | Q(end_on__gte=today), branch=OuterRef("branch"), start_on__lte=today
    )
    terms = (
        BranchTerm.objects.visible_to(user)
        .filter(active_q(today, "branch__"), branch__area__path__startswith=area.path)
        .filter(start_on__lte=today, end_on__lte=months_later(today, months))
        .exclude(Exists(newer))
        .select_related("branch__organization", "branch__area__parent")
        .annotate(
            officer_count=_count(serving),
            head_count=_count(serving.filter(role=OfficerRole.HEAD)),
            deputy_count=_count(serving.filter(role=OfficerRole.DEPUTY)),
        )
        .annotate(
            vacancy_count=vacancies(
                seats=F("committee_size"),
                officers=F("officer_count"),
                heads=F("head_count"),
                deputies=F("deputy_count"),
            )
        )
        .order_by("end_on", "branch__area__path", "branch__code")
    )
    return [
        CongressDue(
            term=term,
            officers=term.officer_count,
            has_head=term.head_count > 0,
            has_deputy=term.deputy_count > 0,
            vacancies=term.vacancy_count,
            overdue=term.end_on < today,
        )
        for term in terms
    ]
