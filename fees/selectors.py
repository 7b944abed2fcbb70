"""Reads of the fees: a branch's collection grid for a period, and a member's payments.

What is owed, in which branch and at what amount comes from ``fees.dues`` (the rule in one
place); these functions place it in rows, beside the payments' dates and collectors.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator

from branches.models import Branch
from members.models import Membership

from . import dues
from .models import CategoryAssignment, FeeCategory, FeePayment
from .services import payments_stamp

PERIODS = {
    "q1": (1, 2, 3),
    "q2": (4, 5, 6),
    "q3": (7, 8, 9),
    "q4": (10, 11, 12),
    "year": tuple(range(1, 13)),
}
# Cells on one page of an editable grid: two inputs each stay under Django's 1.000 posted fields.
CELLS_PER_PAGE = 360


def default_period(*, year: int, today: datetime.date) -> str:
    """The quarter of today in the current year; the whole year otherwise."""
    return f"q{(today.month + 2) // 3}" if year == today.year else "year"


@dataclass
class GridCell:
    membership_id: int
    month: int
    due: int
    paid: int
    payment: FeePayment | None = None

    @property
    def full(self) -> bool:
        return self.due > 0 and self.paid >= self.due

    @property
    def part(self) -> bool:
        return 0 < self.paid < self.due

    @property
    def field_prefix(self) -> str:
        return f"c{self.membership_id}_{self.month}"


@dataclass
class GridRow:
    membership_id: int
    person_id: int
    full_name: str
    birth: str
    # One entry per month of the period: the cell, or None where the month was not owed here.
    cells: list[GridCell | None]

    @property
    def due(self) -> int:
        return sum(cell.due for cell in self.cells if cell)

    @property
    def paid(self) -> int:
        return sum(cell.paid for cell in self.cells if cell)


@dataclass
class Grid:
    branch: Branch
    year: int
    months: tuple[int, ...]
    page: Page
    # Over every member of the period (not only the page's): per month, then in all.
    month_totals: list[dict] = field(default_factory=list)
    total_due: int = 0
    total_paid: int = 0
    stamp: str = ""

    @property
    def rows(self) -> list[GridRow]:
        return list(self.page.object_list)


def fee_grid(*, branch: Branch, year: int, months: tuple[int, ...], page: int | str = 1, per_page=None) -> Grid:
    """The members who owed any month of ``months`` in the branch, in the Vietnamese order of
    names, each with a cell per month; a page of them (``per_page``) with their payments.

    Four queries whatever the number of members: the dues, the members' names, the page's payments.
    """
    owed = dues.month_dues(year=year, months=months, branch_ids=[branch.pk])
    by_member: dict[int, dict[int, dict]] = defaultdict(dict)
    totals = {month: {"month": month, "due": 0, "paid": 0} for month in months}
    for row in owed:
        by_member[row["membership_id"]][row["month"]] = row
        totals[row["month"]]["due"] += row["due"]
        totals[row["month"]]["paid"] += row["paid"]
    members = (
        Membership.objects.filter(pk__in=list(by_member))
        .order_by("person__sort_key", "person_id", "pk")
        .values_list("pk", "person_id", "person__full_name", "person__birth_date", "person__birth_year")
    )
    order = list(members)
    paginator = Paginator(order, per_page or max(len(order), 1))
    grid_page = paginator.get_page(page)
    on_page = {pk for pk, *_rest in grid_page.object_list}
    payments = {
        (p.membership_id, p.month): p
        for p in FeePayment.objects.filter(membership_id__in=on_page, year=year, month__in=months)
    }
    rows = []
    for pk, person_id, name, birth_date, birth_year in grid_page.object_list:
        cells = []
        for month in months:
            row = by_member[pk].get(month)
            cells.append(
                GridCell(pk, month, row["due"], row["paid"], payments.get((pk, month))) if row is not None else None
            )
        birth = birth_date.strftime("%d/%m/%Y") if birth_date else str(birth_year)
        rows.append(GridRow(pk, person_id, name, birth, cells))
    grid_page.object_list = rows
    # The payments of the cells one may enter (those with something due): what the page posts back.
    drawn = [cell.payment for row in rows for cell in row.cells if cell and cell.payment and cell.due > 0]
    return Grid(
        branch=branch,
        year=year,
        months=months,
        page=grid_page,
        month_totals=[totals[month] for month in months],
        total_due=sum(entry["due"] for entry in totals.values()),
        total_paid=sum(entry["paid"] for entry in totals.values()),
        stamp=payments_stamp(drawn),
    )


# --- a member's payments, on the person's page ------------------------------------------------


@dataclass
class MemberFees:
    category: FeeCategory | None
    payments: list[FeePayment] = field(default_factory=list)
    # Months owed and not paid in full, up to the current month: (year, month, due, paid).
    unpaid: list[dict] = field(default_factory=list)

    @property
    def remaining(self) -> int:
        return sum(row["due"] - row["paid"] for row in self.unpaid)


def member_fees(*, memberships: list[Membership], today: datetime.date) -> dict[int, MemberFees]:
    """For each membership, its payments of this year and the last, the months of those years owed
    and not paid in full (up to this month), and its category today. Five queries for all of them."""
    ids = [membership.pk for membership in memberships]
    years = (today.year - 1, today.year)
    found = {pk: MemberFees(category=None) for pk in ids}
    for payment in FeePayment.objects.filter(membership_id__in=ids, year__in=years).order_by("-year", "-month"):
        found[payment.membership_id].payments.append(payment)
    for year in years:
        months = range(1, 13) if year < today.year else range(1, today.month + 1)
        for row in dues.month_dues(year=year, months=list(months), membership_ids=ids):
            if row["paid"] < row["due"]:
                found[row["membership_id"]].unpaid.append({"year": year, **row})
    for entry in found.values():
        entry.unpaid.sort(key=lambda row: (row["year"], row["month"]))
    assigned = CategoryAssignment.objects.filter(membership_id__in=ids, valid_from__lte=today).select_related(
        "category"
    )
    for assignment in assigned.order_by("valid_from"):  # the latest start wins
        found[assignment.membership_id].category = assignment.category
    organizations = {membership.organization_id for membership in memberships}
    default_categories = FeeCategory.objects.filter(organization_id__in=organizations, is_default=True)
    defaults = {category.organization_id: category for category in default_categories}
    for membership in memberships:
        if found[membership.pk].category is None:
            found[membership.pk].category = defaults.get(membership.organization_id)
    return found


def assignments_of(membership: Membership) -> list[CategoryAssignment]:
    return list(
        CategoryAssignment.objects.filter(membership=membership).select_related("category").order_by("-valid_from")
    )
