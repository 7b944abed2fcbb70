"""The fees pages' world: a Youth Union branch of district A with three members in 2024, one of
district B, two categories, and the test's own table of what each member owes (the oracle).

- "chung" (the default category, from the data migration): 2.000 đ a month; "CN" (with an
  income): 5.000 đ. Ánh pays in CN from 1 March 2024.
- Ánh (CCCD, born 2000) and Dung (born 1998, no CCCD) since before 2024; Cường joined on
  15 February 2024 (January not owed); Bê in district B.

Test modules import the fixtures: ``from tests.fees.pages_world import *``.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse

from fees.models import CategoryAssignment, FeeCategory, FeePayment, FeeRate
from tests import factories
from tests.pages import *  # noqa: F403 - the page fixtures (users, clients, says)

D = datetime.date
YEAR = 2024
CHUNG, CN = 2_000, 5_000


def expected_due(member: str, month: int) -> int | None:
    """What the world says a member of A1 owes for a month of 2024 (None: not owed there)."""
    if member == "anh":
        return CN if month >= 3 else CHUNG
    if member == "dung":
        return CHUNG
    if member == "cuong":
        return CHUNG if month >= 2 else None
    return None


@pytest.fixture
def fees(tree):
    doan = factories.organization("DOAN")
    chung = FeeCategory.objects.get(organization=doan, is_default=True)
    FeeRate.objects.create(category=chung, amount=CHUNG, valid_from=D(2020, 1, 1))
    cn = FeeCategory.objects.create(organization=doan, code="CN", name="Có thu nhập", sort_order=2)
    FeeRate.objects.create(category=cn, amount=CN, valid_from=D(2020, 1, 1))
    a1 = factories.branch(tree.hamlet_a1, code="A1-DOAN", name="Chi đoàn Tân Phú")
    b1 = factories.branch(tree.hamlet_b1, code="B1-DOAN", name="Chi đoàn Bình Hòa")
    anh = factories.person("Nguyễn Văn Ánh", residence=tree.hamlet_a1, cccd="087200000111")
    dung = factories.person("Đặng Thị Dung", gender="female", birth_year=1998, residence=tree.hamlet_a1)
    cuong = factories.person("Trần Văn Cường", birth_date=D(2001, 5, 20), birth_year=2001)
    be = factories.person("Lê Văn Bê", residence=tree.hamlet_b1, cccd="087200000222")
    world = SimpleNamespace(
        tree=tree,
        doan=doan,
        chung=chung,
        cn=cn,
        a1=a1,
        b1=b1,
        anh=factories.membership(a1, person=anh, joined_on=D(2020, 1, 1)),
        dung=factories.membership(a1, person=dung, joined_on=D(2021, 5, 1)),
        cuong=factories.membership(a1, person=cuong, joined_on=D(2024, 2, 15)),
        be=factories.membership(b1, person=be, joined_on=D(2020, 1, 1)),
    )
    CategoryAssignment.objects.create(membership=world.anh, category=cn, valid_from=D(2024, 3, 1))
    return world


def pay(membership, month: int, amount: int, *, year: int = YEAR, on=None, by: str = "Phạm Thu") -> FeePayment:
    return FeePayment.objects.create(
        membership=membership, year=year, month=month, amount=amount, paid_on=on or D(year, month, 10), collected_by=by
    )


def grid_url(branch, period: str = "q1", year: int = YEAR, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"period": period, **params}.items())
    return f"{reverse('fees:grid', args=[branch.pk, year])}?{query}"


def cell(membership, month: int) -> str:
    return f"c{membership.pk}_{month}"


def grid_post(response_context, changes: dict, *, paid_on: str = "05/04/2024", collected_by: str = "Phạm Thu") -> dict:
    """The grid's form as drawn (every cell as shown), with ``changes`` ({field name: value}) applied;
    a value of None leaves the field out (an unticked box)."""
    form = response_context["form"]
    data = {"paid_on": paid_on, "collected_by": collected_by, "stamp": form["stamp"].value()}
    for name in form.fields:
        if name in ("paid_on", "collected_by", "stamp"):
            continue
        initial = form[name].value()
        if name.endswith("_full"):
            if initial:
                data[name] = "on"
        elif initial not in (None, ""):
            data[name] = str(initial)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def payments() -> set[tuple]:
    """Every payment as (membership, month, amount, paid on, collector)."""
    return set(FeePayment.objects.values_list("membership_id", "month", "amount", "paid_on", "collected_by"))
