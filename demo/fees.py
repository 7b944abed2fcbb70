"""The demo's fees (đoàn phí, hội phí): each organization's categories and monthly rates, the share
of what is collected sent up, members placed in categories, and their payments over the last
fifteen months, with the gaps and part payments a real branch book shows.

- Youth Union: "Không có thu nhập" (the default) and "Học sinh, sinh viên" 2.000 đ a month,
  "Có thu nhập" 5.000 đ, raised to 10.000 đ from 1 January of this year; 40% sent up.
- Women's Union and Farmers' Association: "Hội viên" 1.000 đ; Veterans: 2.000 đ; 30% sent up.
- Branches collect each month, or at the quarter's last meeting; some collect badly. Members
  who stopped attending seldom pay, those working away often pay late (a quarter at once).

What is owed, where and how much is read from ``fees.dues``, as the pages read it.
"""

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from accounts.models import User
from branches.models import Officer, OfficerRole, Organization
from fees import dues
from fees.models import CategoryAssignment, FeeCategory, FeePayment, FeeRate, FeeShare
from members.models import Membership, MembershipStatus

CHANGE_REASON = "seed_demo"
SINCE = datetime.date(2019, 1, 1)
STUDENTS = {"Học sinh", "Sinh viên"}
EARNERS = {"Công nhân", "Công nhân may", "Giáo viên", "Nhân viên văn phòng", "Thợ điện", "Buôn bán", "Thợ hồ"}
# organization -> the default category's name and rate, and the share sent up (%)
ASSOCIATIONS = {"LHPN": ("Hội viên", 1_000, 30), "HND": ("Hội viên", 1_000, 30), "CCB": ("Hội viên", 2_000, 30)}
# How a branch collects: (chance a month is paid, collected at the quarter's end)
HABITS = [(0.92, False), (0.85, True), (0.7, False), (0.5, True)]


def fill(*, user: User, today: datetime.date, seed: int = 2026) -> dict:
    rng = random.Random(seed * 7 + 5)
    orgs = {org.code: org for org in Organization.objects.all()}
    if "DOAN" not in orgs:
        return {"categories": 0, "assignments": 0, "payments": 0}
    raised_on = datetime.date(today.year, 1, 1)
    students, earners = _categories(orgs, user=user, raised_on=raised_on)
    assignments = _assignments(orgs["DOAN"], students, earners, today=today, rng=rng)
    bulk_create_with_history(assignments, CategoryAssignment, default_user=user, default_change_reason=CHANGE_REASON)
    payments = _payments(user=user, today=today, rng=rng)
    bulk_create_with_history(
        payments, FeePayment, batch_size=2000, default_user=user, default_change_reason=CHANGE_REASON
    )
    return {
        "categories": FeeCategory.objects.filter(rates__isnull=False).distinct().count(),
        "assignments": len(assignments),
        "payments": len(payments),
    }


def _categories(orgs: dict, *, user: User, raised_on: datetime.date) -> tuple[FeeCategory, FeeCategory]:
    doan = orgs["DOAN"]
    default = FeeCategory.objects.get(organization=doan, is_default=True)
    default.name, default.sort_order = "Không có thu nhập", 3
    default.save()
    students = FeeCategory.objects.create(organization=doan, code="HSSV", name="Học sinh, sinh viên", sort_order=1)
    earners = FeeCategory.objects.create(organization=doan, code="CTN", name="Có thu nhập", sort_order=2)
    last_day = raised_on - datetime.timedelta(days=1)
    rates = [
        FeeRate(category=default, amount=2_000, valid_from=SINCE),
        FeeRate(category=students, amount=2_000, valid_from=SINCE),
        FeeRate(category=earners, amount=5_000, valid_from=SINCE, valid_to=last_day),
        FeeRate(category=earners, amount=10_000, valid_from=raised_on),
    ]
    shares = [FeeShare(organization=doan, percent=Decimal(40), valid_from=SINCE)]
    for code, (name, amount, percent) in ASSOCIATIONS.items():
        if code not in orgs:
            continue
        category = FeeCategory.objects.get(organization=orgs[code], is_default=True)
        category.name = name
        category.save()
        rates.append(FeeRate(category=category, amount=amount, valid_from=SINCE))
        shares.append(FeeShare(organization=orgs[code], percent=Decimal(percent), valid_from=SINCE))
    bulk_create_with_history(rates, FeeRate, default_user=user, default_change_reason=CHANGE_REASON)
    bulk_create_with_history(shares, FeeShare, default_user=user, default_change_reason=CHANGE_REASON)
    return students, earners


def _assignments(doan, students, earners, *, today, rng) -> list[CategoryAssignment]:
    """Students and earners in their categories from joining; a few students found work last September."""
    graduated_on = datetime.date(today.year - 1, 9, 1)
    found = []
    memberships = (
        Membership.objects.filter(organization=doan)
        .order_by("pk")
        .values_list("pk", "joined_on", "ended_on", "person__occupation")
    )
    for pk, joined_on, ended_on, occupation in memberships:
        if occupation in STUDENTS:
            found.append(CategoryAssignment(membership_id=pk, category=students, valid_from=joined_on))
            still_member = ended_on is None or ended_on > graduated_on
            if joined_on < graduated_on and still_member and rng.random() < 0.15:
                found.append(CategoryAssignment(membership_id=pk, category=earners, valid_from=graduated_on))
        elif occupation in EARNERS:
            found.append(CategoryAssignment(membership_id=pk, category=earners, valid_from=joined_on))
    return found


def _months(today: datetime.date, count: int = 15) -> dict[int, list[int]]:
    """The last ``count`` months up to today's, by year."""
    by_year: dict[int, list[int]] = defaultdict(list)
    year, month = today.year, today.month
    for _ in range(count):
        by_year[year].append(month)
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return {year: sorted(months) for year, months in by_year.items()}


def _collectors(today) -> dict[int, list[tuple]]:
    """Each branch's heads over time: they collect the fees."""
    heads = defaultdict(list)
    officers = Officer.objects.filter(role=OfficerRole.HEAD).order_by("branch_id", "start_on")
    for branch_id, start, end, name in officers.values_list("branch_id", "start_on", "end_on", "person__full_name"):
        heads[branch_id].append((start, end or today, name))
    return heads


def _payments(*, user: User, today: datetime.date, rng: random.Random) -> list[FeePayment]:
    statuses = dict(Membership.objects.values_list("pk", "status"))
    heads = _collectors(today)
    habits: dict[int, tuple] = {}
    payments = []
    for year, months in sorted(_months(today).items()):
        owed = dues.month_dues(year=year, months=months, branch_ids=None)
        for row in sorted(owed, key=lambda row: (row["branch_id"], row["membership_id"], row["month"])):
            if row["due"] <= 0:
                continue
            branch_id, month = row["branch_id"], row["month"]
            chance, quarterly = habits.setdefault(branch_id, HABITS[rng.randrange(len(HABITS))])
            status = statuses.get(row["membership_id"])
            if status == MembershipStatus.STOPPED:
                chance *= 0.15
            elif status == MembershipStatus.AWAY:
                chance *= 0.6
                quarterly = True
            if rng.random() >= chance:
                continue
            paid_on = _paid_on(year, month, quarterly=quarterly, rng=rng)
            if paid_on > today:
                continue  # this quarter's fees are not collected yet
            amount = row["due"]
            if rng.random() < 0.07:  # paid in part: half, rounded down to 500 đ
                amount = max(500, amount // 2 // 500 * 500)
            payments.append(
                FeePayment(
                    membership_id=row["membership_id"],
                    year=year,
                    month=month,
                    amount=amount,
                    paid_on=paid_on,
                    collected_by=_collector(heads.get(branch_id, []), paid_on),
                    recorded_by=user,
                )
            )
    return payments


def _paid_on(year: int, month: int, *, quarterly: bool, rng: random.Random) -> datetime.date:
    """At the month's meeting, or at the meeting of the quarter's last month."""
    if quarterly:
        month = (month + 2) // 3 * 3
    return datetime.date(year, month, rng.randint(5, 25))


def _collector(heads: list[tuple], on: datetime.date) -> str:
    for start, end, name in heads:
        if start <= on <= end:
            return name
    return ""
