"""A commune's year of fees (2024), with its own log of what happened, and the figures the
log gives when counted the long way: day by day, member by member.

Tân Mỹ (99101): branch A (Youth Union, Tân Phú), B (Youth Union, Tân Thạnh), H (Farmers'
Association, Tân Thạnh); E (Youth Union, Bình Hòa) in the other district.
- Youth Union: students (SV: the default category, "chung") 2.000 đ, workers (CN) 5.000 đ a month, raised to
  3.000 and 10.000 from 1 July; 30% sent up, 40% from 1 August.
- Farmers: members (HV: the default, "chung") 6.000 đ; exempt (MG) without a rate; 12,5% sent up.
- Members join and leave during the year and the quarter, one moves from A to B on 15
  August, one changes status, some pay in part, some more than due, some nothing, one pays
  for a month before joining (not owed), one pays for a month with nothing due.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from fees.models import CategoryAssignment, FeeCategory, FeePayment, FeeRate, FeeShare
from members import services
from members.models import EndReason, MembershipStatus
from tests import factories

D = datetime.date
YEAR = 2024
FIGURES = ("owed", "paid_all", "paid_part", "paid_none", "due", "collected", "sent_up")

# (organization, code, name, default, [(amount, valid_from, valid_to inclusive)])
CATEGORIES = [
    (
        "DOAN",
        "SV",
        "Học sinh, sinh viên",
        True,
        [(2_000, D(2020, 1, 1), D(2024, 6, 30)), (3_000, D(2024, 7, 1), None)],
    ),
    ("DOAN", "CN", "Có thu nhập", False, [(5_000, D(2020, 1, 1), D(2024, 6, 30)), (10_000, D(2024, 7, 1), None)]),
    ("HND", "HV", "Hội viên", True, [(6_000, D(2020, 1, 1), None)]),
    ("HND", "MG", "Miễn giảm", False, []),
]
SHARES = [
    ("DOAN", Decimal("30"), D(2020, 1, 1), D(2024, 7, 31)),
    ("DOAN", Decimal("40"), D(2024, 8, 1), None),
    ("HND", Decimal("12.50"), D(2020, 1, 1), None),
]


@dataclass
class Member:
    name: str
    org: str
    joined_on: datetime.date
    stints: list  # [(from, branch code)], the first from joining
    ended_on: datetime.date | None = None
    categories: list = field(default_factory=list)  # [(from, code)]
    payments: dict = field(default_factory=dict)  # {month: amount} in YEAR
    status_change: datetime.date | None = None
    membership: object = None

    def branch_on(self, day: datetime.date) -> str:
        return [code for start, code in self.stints if start <= day][-1]


def _months(months, amount) -> dict:
    return dict.fromkeys(months, amount)


def members() -> list[Member]:
    h1, q3, year = range(1, 7), range(7, 10), range(1, 13)
    return [
        Member(
            "Nguyễn Văn An",
            "DOAN",
            D(2020, 3, 1),
            [(D(2020, 3, 1), "A")],
            payments={**_months(h1, 2_000), **_months(range(7, 13), 3_000)},
        ),
        Member(
            "Trần Thị Bình",
            "DOAN",
            D(2020, 1, 1),
            [(D(2020, 1, 1), "A")],
            categories=[(D(2023, 1, 1), "CN")],
            payments={**_months(h1, 5_000), **_months(q3, 5_000)},
        ),
        # Joins mid-quarter; paid for July, before joining (not owed); overpays September.
        Member(
            "Lê Văn Cường", "DOAN", D(2024, 8, 20), [(D(2024, 8, 20), "A")], payments={7: 3_000, 8: 3_000, 9: 4_000}
        ),
        # Resigns on 10 August (owes August, in A), never paid.
        Member("Phạm Thị Dung", "DOAN", D(2019, 5, 1), [(D(2019, 5, 1), "A")], ended_on=D(2024, 8, 10)),
        # Moves from A to B on 15 August; a worker from 10 July.
        Member(
            "Hoàng Văn Giang",
            "DOAN",
            D(2021, 1, 1),
            [(D(2021, 1, 1), "A"), (D(2024, 8, 15), "B")],
            categories=[(D(2024, 7, 10), "CN")],
            payments={1: 2_000, 7: 10_000, 8: 10_000},
        ),
        # Leaves on 1 September: owes August, not September.
        Member(
            "Võ Thị Hoa",
            "DOAN",
            D(2020, 1, 1),
            [(D(2020, 1, 1), "B")],
            ended_on=D(2024, 9, 1),
            payments={7: 3_000, 8: 3_000},
        ),
        Member(
            "Đặng Văn Khánh",
            "DOAN",
            D(2020, 1, 1),
            [(D(2020, 1, 1), "B")],
            status_change=D(2024, 7, 20),
            payments=_months(range(1, 4), 2_000),
        ),
        # Leaves on 1 July: June is the last month owed.
        Member(
            "Bùi Thị Phương",
            "DOAN",
            D(2020, 1, 1),
            [(D(2020, 1, 1), "B")],
            ended_on=D(2024, 7, 1),
            payments={6: 2_000},
        ),
        # Joins and leaves within September.
        Member(
            "Ngô Văn Quang",
            "DOAN",
            D(2024, 9, 5),
            [(D(2024, 9, 5), "A")],
            ended_on=D(2024, 9, 20),
            payments={9: 3_000},
        ),
        Member("Lý Thị Lan", "HND", D(2020, 1, 1), [(D(2020, 1, 1), "H")], payments=_months(q3, 6_500)),
        # Exempt: nothing due, yet paid 1.000 in July.
        Member(
            "Đỗ Văn Minh",
            "HND",
            D(2020, 1, 1),
            [(D(2020, 1, 1), "H")],
            categories=[(D(2022, 1, 1), "MG")],
            payments={7: 1_000},
        ),
        Member("Phan Văn Nam", "DOAN", D(2020, 1, 1), [(D(2020, 1, 1), "E")], payments=_months(year, 3_000)),
    ]


@dataclass
class FeesWorld:
    tree: object
    branches: dict
    members: list
    categories: dict


def build(tree) -> FeesWorld:
    branches = {
        "A": factories.branch(tree.hamlet_a1, "DOAN", code="A"),
        "B": factories.branch(tree.hamlet_a2, "DOAN", code="B"),
        "H": factories.branch(tree.hamlet_a2, "HND", code="H"),
        "E": factories.branch(tree.hamlet_b1, "DOAN", code="E"),
    }
    categories = {}
    for org, code, name, default, rates in CATEGORIES:
        if default:  # each organization has its default category from the start (fees/0002): its rates here
            category = FeeCategory.objects.get(organization=factories.organization(org), is_default=True)
        else:
            category = FeeCategory.objects.create(organization=factories.organization(org), code=code, name=name)
        categories[code] = category
        for amount, valid_from, valid_to in rates:
            FeeRate.objects.create(category=category, amount=amount, valid_from=valid_from, valid_to=valid_to)
    for org, percent, valid_from, valid_to in SHARES:
        FeeShare.objects.create(
            organization=factories.organization(org), percent=percent, valid_from=valid_from, valid_to=valid_to
        )
    log = members()
    for member in log:
        who = factories.person(member.name, birth_year=1998)
        membership = services.create_membership(
            person=who, branch=branches[member.stints[0][1]], joined_on=member.joined_on
        )
        for start, code in member.stints[1:]:
            membership = services.transfer_membership(membership=membership, to_branch=branches[code], on=start)
        if member.status_change:
            membership = services.change_membership_status(
                membership=membership, status=MembershipStatus.AWAY, on=member.status_change
            )
        if member.ended_on:
            membership = services.end_membership(membership=membership, on=member.ended_on, reason=EndReason.RESIGNED)
        for start, code in member.categories:
            CategoryAssignment.objects.create(membership=membership, category=categories[code], valid_from=start)
        for month, amount in member.payments.items():
            FeePayment.objects.create(
                membership=membership, year=YEAR, month=month, amount=amount, paid_on=D(YEAR, month, 1)
            )
        member.membership = membership
    return FeesWorld(tree=tree, branches=branches, members=log, categories=categories)


# --- The long way ----------------------------------------------------------------------


def _days(month: int) -> list[datetime.date]:
    day, days = D(YEAR, month, 1), []
    while day.month == month:
        days.append(day)
        day += datetime.timedelta(days=1)
    return days


def _rate(code: str, day: datetime.date) -> int:
    rates = next(rates for _org, c, _n, _d, rates in CATEGORIES if c == code)
    return next((a for a, start, end in rates if start <= day and (end is None or day <= end)), 0)


def _share(org: str, month: int) -> Decimal:
    first = D(YEAR, month, 1)
    return next(p for o, p, start, end in SHARES if o == org and start <= first and (end is None or first <= end))


def _default(org: str) -> str:
    return next(code for o, code, _n, default, _r in CATEGORIES if o == org and default)


def expected_dues(log: list[Member], months) -> list[dict]:
    """Every membership-month owed: the member's last day of the month as a member, its
    branch, category and rate that day, and what was paid."""
    rows = []
    for member in log:
        for month in months:
            days = [d for d in _days(month) if member.joined_on <= d and (not member.ended_on or d < member.ended_on)]
            if not days:
                continue
            day = days[-1]
            code = ([c for start, c in member.categories if start <= day] or [_default(member.org)])[-1]
            rows.append(
                {
                    "member": member,
                    "branch": member.branch_on(day),
                    "month": month,
                    "category": code,
                    "due": _rate(code, day),
                    "paid": member.payments.get(month, 0),
                }
            )
    return rows


def expected_by_branch(log: list[Member], months) -> dict[str, dict]:
    """Per branch code: the report's figures over the months."""
    figures: dict[str, dict] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    stints: dict[tuple, list] = defaultdict(list)
    collected: dict[tuple, int] = defaultdict(int)
    for row in expected_dues(log, months):
        stints[row["member"].name, row["branch"]].append(row)
        collected[row["branch"], row["member"].org, row["month"]] += row["paid"]
    for (_name, branch), rows in stints.items():
        due_rows = [r for r in rows if r["due"] > 0]
        figures[branch]["due"] += sum(r["due"] for r in rows)
        figures[branch]["collected"] += sum(r["paid"] for r in rows)
        if not due_rows:
            continue
        figures[branch]["owed"] += 1
        if all(r["paid"] >= r["due"] for r in due_rows):
            figures[branch]["paid_all"] += 1
        elif any(r["paid"] for r in due_rows):
            figures[branch]["paid_part"] += 1
        else:
            figures[branch]["paid_none"] += 1
    for (branch, org, month), amount in collected.items():
        share = Decimal(amount) * _share(org, month) / 100
        figures[branch]["sent_up"] += int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return dict(figures)


def add_up(figures: list[dict]) -> dict:
    return {name: sum(f.get(name, 0) for f in figures) for name in FIGURES}
