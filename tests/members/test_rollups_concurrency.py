"""Two colleagues moving members between the same two branches at once, in opposite
directions: both land, no count is lost, and neither waits for the other in a deadlock
(each write locks its branches in id order first, branches.services.lock_branches)."""

import datetime
import threading

import pytest
from django.db import connection, connections, transaction

from members import rollups, services
from members.models import Membership
from reports.selectors import membership_report
from tests import factories

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs two connections writing at once; SQLite has one writer at a time",
)
D = datetime.date


def move_all(members, to_branch, start: threading.Barrier, errors: list) -> None:
    try:
        start.wait(timeout=30)
        with transaction.atomic():
            for member in members:
                member = Membership.objects.get(pk=member.pk)
                services.transfer_membership(membership=member, to_branch=to_branch, on=D(2025, 3, 1))
    except Exception as error:
        errors.append(error)
    finally:
        connections.close_all()


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_writers_moving_members_across_the_same_branches_both_land(tree):
    here, there = factories.branch(tree.hamlet_a1), factories.branch(tree.hamlet_b1)
    from_here = [factories.membership(here, joined_on=D(2024, 1, 1)) for _ in range(12)]
    from_there = [factories.membership(there, joined_on=D(2024, 1, 1)) for _ in range(5)]
    start, errors = threading.Barrier(2), []
    writers = [
        threading.Thread(target=move_all, args=(from_here, there, start, errors)),
        threading.Thread(target=move_all, args=(from_there, here, start, errors)),
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(60)
    assert errors == []
    report = membership_report(area=tree.province, on=D(2025, 3, 1))
    by_district = {row["area_code"]: row["members"] for row in report.rows}
    assert by_district == {tree.district_a.code: 5, tree.district_b.code: 12}
    assert report.total["present"] == 17
    assert rollups.differences() == []
