"""The dues rule (fees/dues.py) against the world's log, counted day by day."""

import datetime
from decimal import Decimal

import pytest

from fees import dues

from . import fees_world
from .fees_world import YEAR


@pytest.fixture
def world(tree):
    return fees_world.build(tree)


def _found(world, rows) -> list[tuple]:
    names = {m.membership.pk: m.name for m in world.members}
    codes = {b.pk: code for code, b in world.branches.items()}
    categories = {c.pk: code for code, c in world.categories.items()}
    return sorted(
        (
            names[r["membership_id"]],
            r["month"],
            codes[r["branch_id"]],
            categories[r["category_id"]],
            r["due"],
            r["paid"],
        )
        for r in rows
    )


def _expected(world, months) -> list[tuple]:
    return sorted(
        (r["member"].name, r["month"], r["branch"], r["category"], r["due"], r["paid"])
        for r in fees_world.expected_dues(world.members, months)
    )


@pytest.mark.parametrize("months", [[8], [7, 8, 9], list(range(1, 13))], ids=["month", "quarter", "year"])
def test_each_membership_month_as_counted_day_by_day(world, months):
    assert _found(world, dues.month_dues(year=YEAR, months=months)) == _expected(world, months)


def test_the_rule_at_its_edges(world):
    rows = {
        (name, month): (branch, category, due, paid)
        for name, month, branch, category, due, paid in _found(world, dues.month_dues(year=YEAR, months=range(1, 13)))
    }
    # Moved to B on 15 August: July in A at the new category's new rate, August in B.
    assert rows["Hoàng Văn Giang", 6] == ("A", "SV", 2_000, 0)
    assert rows["Hoàng Văn Giang", 7] == ("A", "CN", 10_000, 10_000)
    assert rows["Hoàng Văn Giang", 8] == ("B", "CN", 10_000, 10_000)
    # Left on 10 August: August owed in A; left on 1 September: August the last; on 1 July: June.
    assert ("Phạm Thị Dung", 8) in rows and ("Phạm Thị Dung", 9) not in rows
    assert ("Võ Thị Hoa", 8) in rows and ("Võ Thị Hoa", 9) not in rows
    assert ("Bùi Thị Phương", 6) in rows and ("Bùi Thị Phương", 7) not in rows
    # Joined on 20 August: the July payment is for a month not owed.
    assert ("Lê Văn Cường", 7) not in rows and rows["Lê Văn Cường", 9] == ("A", "SV", 3_000, 4_000)
    # In and out within September; an exempt member owes a month with nothing due.
    assert rows["Ngô Văn Quang", 9] == ("A", "SV", 3_000, 3_000)
    assert rows["Đỗ Văn Minh", 7] == ("H", "MG", 0, 1_000)
    # A status change within the branch is one month owed, not two.
    assert sum(1 for name, month in rows if name == "Đặng Văn Khánh" and month == 7) == 1


def test_filters_by_branch_and_membership_in_one_query(world, django_assert_num_queries):
    a = world.branches["A"]
    giang = next(m for m in world.members if m.name == "Hoàng Văn Giang").membership
    with django_assert_num_queries(1):
        in_a = dues.month_dues(year=YEAR, months=[7, 8, 9], branch_ids=[a.pk])
    assert {r["branch_id"] for r in in_a} == {a.pk}
    assert len(in_a) == sum(1 for r in fees_world.expected_dues(world.members, [7, 8, 9]) if r["branch"] == "A")
    with django_assert_num_queries(1):
        of_giang = dues.month_dues(year=YEAR, months=range(1, 13), membership_ids=[giang.pk])
    assert [r["month"] for r in sorted(of_giang, key=lambda r: r["month"])] == list(range(1, 13))


@pytest.mark.parametrize("months", [[8], [7, 8, 9], list(range(1, 13))], ids=["month", "quarter", "year"])
def test_branch_figures_as_counted_member_by_member(world, months, django_assert_num_queries):
    with django_assert_num_queries(2):
        found = dues.branch_dues(year=YEAR, months=months)
    codes = {b.pk: code for code, b in world.branches.items()}
    assert {codes[pk]: figures for pk, figures in found.items()} == fees_world.expected_by_branch(
        world.members, months
    )


def test_the_quarter_of_branch_a_by_hand(world):
    figures = dues.branch_dues(year=YEAR, months=[7, 8, 9], branch_ids=[world.branches["A"].pk])
    # An (paid all), Bình (part), Cường (all), Dung (nothing), Giang (July: all), Quang (all).
    assert figures[world.branches["A"].pk] == {
        "owed": 6,
        "paid_all": 4,
        "paid_part": 1,
        "paid_none": 1,
        "due": 9_000 + 30_000 + 6_000 + 6_000 + 10_000 + 3_000,
        "collected": 9_000 + 15_000 + 7_000 + 10_000 + 3_000,
        # July 30% of 18.000; August 40% of 11.000; September 40% of 15.000.
        "sent_up": 5_400 + 4_400 + 6_000,
    }


def test_sent_up_rounds_half_up_per_branch_and_month(world):
    farmers = dues.branch_dues(year=YEAR, months=[7], branch_ids=[world.branches["H"].pk])
    # 12,5% of 7.500 = 937,5.
    assert farmers[world.branches["H"].pk]["sent_up"] == 938
    assert dues.sent_up(5, Decimal("50")) == 3 and dues.sent_up(1_000, None) == 0


def test_day_before_is_a_date_on_either_database(world):
    from django.db.models import F

    from members.models import Membership

    cuong = next(m for m in world.members if m.name == "Lê Văn Cường").membership
    day = Membership.objects.filter(pk=cuong.pk).annotate(d=dues.DayBefore(F("joined_on"))).values_list("d", flat=True)
    assert list(day) == [datetime.date(2024, 8, 19)]
    assert dues.month_bounds(2024, 2) == (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
