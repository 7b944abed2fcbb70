"""The dues rule, in one place: which months a membership owes, in which branch, how much,
what was paid for them, and what a branch sends up. The fees pages and report 7.5 read it.

- A membership owes a month when it is open on some day of it: joined on or before the
  month's last day, and not ended (``ended_on`` is the first day no longer a member) on or
  before its first day.
- Its reference day in the month is the month's last day, or the last day as a member if
  it ended during the month. The month is owed in the branch of the membership period that
  contains that day; the category is the member's assignment with the latest start on or
  before it (none: the organization's default category); the amount due is the category's
  rate in force on it (none: 0 — the month is still owed, but nothing is due).
- Paid: the payment recorded for the membership and month (none: 0); a month is paid in
  full when paid >= due.
- Sent up: what a branch collected for a month × the organization's share in force on the
  month's first day / 100, rounded half up to whole đồng per branch and month.

Counting members over a period (``branch_dues``), per membership and branch: a month with
nothing due does not make a member owe (their payments for it still count as collected);
"paid all" = every month with something due paid in full, "part" = something paid for
those months but not all in full, "nothing" = nothing paid for them. Payments recorded for
a month the membership does not owe are not counted anywhere.

Everything is computed in the database: a query per month, combined with UNION ALL; the
branch figures group that in one statement.
"""

import datetime
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Case, DateField, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from members.models import MembershipPeriod

from .models import CategoryAssignment, FeeCategory, FeePayment, FeeRate, FeeShare

FIELDS = ("membership_id", "branch_id", "organization_id", "month", "category_id", "due", "paid")
BRANCH_FIGURES = ("owed", "paid_all", "paid_part", "paid_none", "due", "collected", "sent_up")


class DayBefore(Func):
    """The day before a date, as a date on both databases (``date - interval`` would be a
    timestamp on PostgreSQL, and a text with a time on SQLite)."""

    output_field = DateField()
    template = "(%(expressions)s - 1)"

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="date(%(expressions)s, '-1 day')", **extra)


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, month, 1)
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first, following - datetime.timedelta(days=1)


def owed_in_month(
    *, year: int, month: int, branch_ids: Iterable[int] | QuerySet | None = None, membership_ids=None
) -> QuerySet:
    """The membership-months owed in one month, one row each (``FIELDS``), as a queryset."""
    first, last = month_bounds(year, month)
    day = Case(
        When(membership__ended_on__lte=last, then=DayBefore(F("membership__ended_on"))),
        default=Value(last),
        output_field=DateField(),
    )
    periods = MembershipPeriod.objects.filter(membership__joined_on__lte=last).filter(
        Q(membership__ended_on__isnull=True) | Q(membership__ended_on__gt=first)
    )
    if branch_ids is not None:
        periods = periods.filter(branch_id__in=branch_ids)
    if membership_ids is not None:
        periods = periods.filter(membership_id__in=membership_ids)
    # Periods follow one another without overlapping: one contains the reference day.
    periods = periods.annotate(day=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=F("day")), valid_from__lte=F("day")
    )
    assigned = CategoryAssignment.objects.filter(
        membership_id=OuterRef("membership_id"), valid_from__lte=OuterRef("day")
    )
    default = FeeCategory.objects.filter(organization_id=OuterRef("membership__organization_id"), is_default=True)
    rate = FeeRate.objects.filter(category_id=OuterRef("category_id"), valid_from__lte=OuterRef("day")).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=OuterRef("day"))
    )
    payment = FeePayment.objects.filter(membership_id=OuterRef("membership_id"), year=year, month=month)
    return (
        periods.annotate(
            organization_id=F("membership__organization_id"),
            month=Value(month, output_field=IntegerField()),
            category_id=Coalesce(
                Subquery(assigned.order_by("-valid_from").values("category_id")[:1]),
                Subquery(default.order_by().values("pk")[:1]),
                output_field=IntegerField(),
            ),
        )
        .annotate(
            due=Coalesce(Subquery(rate.order_by("-valid_from").values("amount")[:1]), 0),
            paid=Coalesce(Subquery(payment.order_by().values("amount")[:1]), 0),
        )
        .order_by()
        .values(*FIELDS)
    )


def owed(*, year: int, months: Sequence[int], branch_ids=None, membership_ids=None) -> QuerySet:
    """The membership-months owed in the months of a year, one query (UNION ALL of the months)."""
    parts = [
        owed_in_month(year=year, month=month, branch_ids=branch_ids, membership_ids=membership_ids)
        for month in sorted(set(months))
    ]
    if not parts:
        raise ValueError("months is empty")
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


def month_dues(*, year: int, months: Sequence[int], branch_ids=None, membership_ids=None) -> list[dict]:
    """One dict per membership-month owed: membership_id, branch_id, organization_id, month,
    category_id (None: no category), due and paid (whole đồng). One query."""
    return list(owed(year=year, months=months, branch_ids=branch_ids, membership_ids=membership_ids))


def branch_dues(*, year: int, months: Sequence[int], branch_ids=None) -> dict[int, dict[str, int]]:
    """Per branch with something owed in the months: ``BRANCH_FIGURES`` over the period. Two queries."""
    owed_sql, params = owed(year=year, months=months, branch_ids=branch_ids).query.sql_with_params()
    # A membership's months in one branch, then the branch's members; beside them (tagged by
    # a month), what each branch collected each month, for the share sent up.
    sql = (
        f"WITH owed AS ({owed_sql}), "
        "members AS (SELECT branch_id, organization_id, "
        "SUM(CASE WHEN due > 0 THEN 1 ELSE 0 END) AS months_due, "
        "SUM(CASE WHEN due > 0 AND paid >= due THEN 1 ELSE 0 END) AS months_paid, "
        "SUM(CASE WHEN due > 0 THEN paid ELSE 0 END) AS paid_due, "
        "SUM(due) AS due FROM owed GROUP BY membership_id, branch_id, organization_id) "
        "SELECT branch_id, organization_id, 0 AS month, "
        "SUM(CASE WHEN months_due > 0 THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN months_due > 0 AND months_paid = months_due THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN months_due > 0 AND months_paid < months_due AND paid_due > 0 THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN months_due > 0 AND paid_due = 0 THEN 1 ELSE 0 END), "
        "SUM(due), 0 FROM members GROUP BY branch_id, organization_id "
        "UNION ALL SELECT branch_id, organization_id, month, 0, 0, 0, 0, 0, SUM(paid) "
        "FROM owed GROUP BY branch_id, organization_id, month"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        results = cursor.fetchall()
    shares = share_percents(year=year, months=months)
    by_branch: dict[int, dict[str, int]] = {}
    for branch_id, org_id, month, *counts, collected in results:
        # int(): PostgreSQL's SUM of a sum is a numeric (a Decimal here).
        figures = by_branch.setdefault(branch_id, dict.fromkeys(BRANCH_FIGURES, 0))
        if month == 0:
            for name, value in zip(BRANCH_FIGURES[:5], counts, strict=True):
                figures[name] += int(value or 0)
        else:
            figures["collected"] += int(collected or 0)
            figures["sent_up"] += sent_up(int(collected or 0), shares.get((org_id, month)))
    return by_branch


def share_percents(*, year: int, months: Sequence[int]) -> dict[tuple[int, int], Decimal]:
    """The share in force on each month's first day, per (organization, month). One query (a
    few rows per organization: read whether or not anything was collected, so the count is fixed)."""
    firsts = {month: datetime.date(year, month, 1) for month in months}
    shares = FeeShare.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=min(firsts.values())),
        valid_from__lte=max(firsts.values()),
    ).order_by("valid_from")
    found: dict[tuple[int, int], Decimal] = {}
    for share in shares:  # the later start wins
        for month, first in firsts.items():
            if share.valid_from <= first and (share.valid_to is None or share.valid_to >= first):
                found[share.organization_id, month] = share.percent
    return found


def sent_up(collected: int, percent: Decimal | None) -> int:
    """collected × percent / 100 in whole đồng, rounded half up (no share: nothing)."""
    if not percent:
        return 0
    return int((Decimal(collected) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
