"""The demo's funding sources of the allowances and its branches' terms (QĐ 784, points 4 and 5).

Called at the end of ``DemoBuilder.build``, once the history and the reform are written:

- the rates the builder writes (``DemoBuilder._allowances``) stay where a database that had
  rates before sources keeps them, on the province-level source for every area. They apply
  in both structures, so every month before the province in force today began keeps its
  allowance across the 2025 reform;
- from the day the province in force today began (the reform, 1/7/2025), the province's
  resolution pays the same amounts: those rates of the common source are closed the day
  before and carried on by "Nghị quyết 258/2020/NQ-HĐND tỉnh", whose area is the new
  province (its branches' paths hold it from that day only);
- one commune adds a top-up of its own: 200.000 đ a head and 150.000 đ a deputy a month;
- each branch in force has a five-year term, a few ending within six months of today and a
  few already over with no newer term, with the officers who served in it.
"""

from __future__ import annotations

import datetime
import random

from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from areas.models import Area, AreaLevel
from branches.models import (
    AllowanceRate,
    Branch,
    BranchTerm,
    FundingSource,
    Officer,
    OfficerRole,
    SourceLevel,
)

DAY = datetime.timedelta(days=1)
CHANGE_REASON = "seed_demo"
PROVINCE_SOURCE = "Nghị quyết 258/2020/NQ-HĐND tỉnh"
PROVINCE_DECISION = "258/2020/NQ-HĐND"
TOP_UP_COMMUNE = "30130"  # Xã Thanh Bình (2025), the commune of the demo account xa30130
TOP_UP = {OfficerRole.HEAD: 200_000, OfficerRole.DEPUTY: 150_000}
TOP_UP_FROM = datetime.date(2025, 9, 1)
# The year and month each organization's branches held their congress, every five years since.
CONGRESSES = {"DOAN": (2022, 4), "HND": (2023, 3), "LHPN": (2021, 5), "CCB": (2022, 3)}
TERM_YEARS = 5


def fill(*, user, today: datetime.date) -> None:
    province = _province(today)
    if province is None:
        return
    rng = random.Random("demo:duty")
    _province_source(province, takeover=province.valid_from or datetime.date(today.year, 1, 1))
    _top_up(province, today)
    _terms(province, today, rng, user)


def _province(today: datetime.date) -> Area | None:
    """The province in force today that holds the demo's branches."""
    hamlet = Area.objects.filter(level=AreaLevel.HAMLET, valid_to__isnull=True, branches__isnull=False)
    path = hamlet.order_by("path").values_list("path", flat=True).first()
    if path is None:
        return None
    return Area.objects.filter(path="/" + path.strip("/").split("/")[0] + "/").first()


def _province_source(province: Area, *, takeover: datetime.date) -> None:
    """The province's resolution carries on, from ``takeover``, the common rates valid then or later."""
    source, _ = FundingSource.objects.get_or_create(
        name=PROVINCE_SOURCE,
        defaults={"level": SourceLevel.PROVINCE, "area": province, "decision": PROVINCE_DECISION, "sort_order": 1},
    )
    common = AllowanceRate.objects.filter(source__area__isnull=True).exclude(valid_to__lt=takeover)
    for rate in common.exclude(source=source):
        if rate.valid_from >= takeover:
            rate.source = source
            rate.full_clean()
            rate.save()
            continue
        carried = AllowanceRate(
            source=source, role=rate.role, amount=rate.amount, valid_from=takeover, valid_to=rate.valid_to
        )
        rate.valid_to = takeover - DAY
        rate.full_clean()
        rate.save()
        carried.full_clean()
        carried.save()


def _top_up(province: Area, today: datetime.date) -> None:
    communes = Area.objects.filter(level=AreaLevel.COMMUNE, path__startswith=province.path, valid_to__isnull=True)
    commune = communes.filter(code=TOP_UP_COMMUNE).first() or communes.order_by("code").first()
    if commune is None:
        return
    source, _ = FundingSource.objects.get_or_create(
        name=f"Phụ cấp bổ sung của {commune.full_name}",
        defaults={"level": SourceLevel.COMMUNE, "area": commune, "sort_order": 2},
    )
    start = max(TOP_UP_FROM, commune.valid_from or TOP_UP_FROM)
    for role, amount in TOP_UP.items():
        rate = AllowanceRate(source=source, role=role, amount=amount, valid_from=start)
        rate.full_clean()
        rate.save()


def _terms(province: Area, today: datetime.date, rng: random.Random, user) -> None:
    """A term for each branch in force, through today; one in six ends within six months, one
    in twenty ended already (its congress is overdue). The officers who served in it belong to it."""
    branches = (
        Branch.objects.filter(area__path__startswith=province.path, dissolved_on__isnull=True)
        .select_related("organization")
        .order_by("code")
    )
    terms = []
    for branch in branches:
        draw = rng.random()
        if draw < 0.05:
            end = today - rng.randint(10, 90) * DAY
        elif draw < 0.22:
            end = today + rng.randint(10, 180) * DAY
        else:
            end = _regular_end(branch, today)
        start = _years_before(end + DAY, TERM_YEARS)
        terms.append(
            BranchTerm(branch=branch, start_on=start, end_on=end, congress_on=start, committee_size=rng.randint(3, 7))
        )
    bulk_create_with_history(terms, BranchTerm, default_user=user, default_change_reason=CHANGE_REASON)
    by_branch = {term.branch_id: term for term in BranchTerm.objects.filter(branch__in=branches)}
    linked = []
    for officer in Officer.objects.filter(branch__in=branches, term__isnull=True):
        term = by_branch.get(officer.branch_id)
        if term and officer.start_on <= term.end_on and (officer.end_on is None or officer.end_on >= term.start_on):
            officer.term = term
            linked.append(officer)
    bulk_update_with_history(
        linked, Officer, ["term"], batch_size=500, default_user=user, default_change_reason=CHANGE_REASON
    )


def _regular_end(branch: Branch, today: datetime.date) -> datetime.date:
    """The last day of the organization's five-year term in force today."""
    year, month = CONGRESSES.get(branch.organization.code, (2022, 4))
    start = datetime.date(year, month, 15)
    while _years_before(start, -TERM_YEARS) <= today:
        start = _years_before(start, -TERM_YEARS)
    while start > today:
        start = _years_before(start, TERM_YEARS)
    return _years_before(start, -TERM_YEARS) - DAY


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
