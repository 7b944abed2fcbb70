"""People in two branches at once whose second membership begins or ends between a checkpoint
of the roll-ups and the report's day: each is counted once in every row where one of their
branches sits, and once in the total, on the days before, on and after the change."""

import datetime

import pytest

from members import services
from members.models import EndReason, MembershipStatus, RollupCalendar
from reports.selectors import membership_report
from tests import factories

D = datetime.date
# 10/03 and 20/03 fall between the checkpoints of 01/03 and 01/04: the 12th and the 15th read
# 01/03 plus the days after it, the 25th reads 01/04 minus the days before it.
DAYS = [D(2025, 2, 28), D(2025, 3, 1), D(2025, 3, 12), D(2025, 3, 15), D(2025, 3, 25), D(2025, 4, 1)]


@pytest.fixture
def world(db):
    tree = factories.area_tree()
    doan_a1 = factories.branch(tree.hamlet_a1, "DOAN")
    doan_a2 = factories.branch(tree.hamlet_a2, "DOAN")
    hnd_a1 = factories.branch(tree.hamlet_a1, "HND")
    hnd_b1 = factories.branch(tree.hamlet_b1, "HND")
    spells = {}  # person: [(branch, from, to or None)]

    def join(person, branch, joined_on, ended_on=None):
        membership = services.create_membership(
            person=person, branch=branch, joined_on=joined_on, status=MembershipStatus.PRESENT
        )
        if ended_on is not None:
            services.end_membership(membership=membership, reason=EndReason.RESIGNED, on=ended_on)
        spells.setdefault(person.pk, []).append((branch, joined_on, ended_on))

    # In both organizations in one hamlet since before the checkpoints, until 10/03.
    both_one_row = factories.person("Lê Thị Hai")
    join(both_one_row, doan_a1, D(2024, 1, 1))
    join(both_one_row, hnd_a1, D(2024, 1, 1), D(2025, 3, 10))
    # Joins the other organization in another district on 10/03, leaves it on 20/03: a set
    # of branches no one held at the checkpoint.
    across = factories.person("Trần Văn Ba")
    join(across, doan_a2, D(2024, 1, 1))
    join(across, hnd_b1, D(2025, 3, 10), D(2025, 3, 20))
    # In both, across districts, all the time: the checkpoint's count, unchanged.
    steady = factories.person("Phạm Thị Bốn")
    join(steady, doan_a1, D(2023, 5, 1))
    join(steady, hnd_b1, D(2023, 5, 1))
    join(factories.person("Võ Văn Năm"), hnd_b1, D(2024, 6, 1))
    return tree, spells


def people_in(spells, on, hamlets) -> int:
    """People with a membership in force on ``on`` in a branch of one of ``hamlets``."""
    return sum(
        any(b.area_id in hamlets and start <= on and (end is None or end > on) for b, start, end in person_spells)
        for person_spells in spells.values()
    )


@pytest.mark.parametrize("on", DAYS)
def test_people_in_two_branches_count_once_per_row_and_in_the_total(world, on):
    tree, spells = world
    assert RollupCalendar.objects.filter(month__in=[D(2025, 3, 1), D(2025, 4, 1)]).count() == 2
    report = membership_report(area=tree.province, on=on)
    people = {row["area_code"]: row["people"] for row in report.rows}
    assert people == {
        "991": people_in(spells, on, {tree.hamlet_a1.pk, tree.hamlet_a2.pk}),
        "992": people_in(spells, on, {tree.hamlet_b1.pk}),
    }
    everywhere = {tree.hamlet_a1.pk, tree.hamlet_a2.pk, tree.hamlet_b1.pk}
    assert report.total["people"] == people_in(spells, on, everywhere)

    commune = membership_report(area=tree.commune_b, on=on)
    assert commune.total["people"] == people_in(spells, on, {tree.hamlet_b1.pk})
