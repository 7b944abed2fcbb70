"""Membership history: a past date keeps its figures whatever happens afterwards."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from members import selectors, services
from members.models import EndReason, Membership, MembershipStatus
from tests import factories

D = datetime.date


def roll(on, **filters):
    return {
        (p.membership.person.full_name, p.branch.code, p.status) for p in selectors.roll_on(on=on).filter(**filters)
    }


@pytest.fixture
def branches(tree):
    return (
        factories.branch(tree.hamlet_a1, code="A1-DOAN"),
        factories.branch(tree.hamlet_b1, code="B1-DOAN"),
    )


def test_transfer_keeps_the_earlier_branch_for_earlier_dates(branches):
    a1, b1 = branches
    membership = factories.membership(a1, joined_on=D(2020, 1, 1), person=factories.person("Lê Thị Hoa"))

    services.transfer_membership(membership=membership, to_branch=b1, on=D(2023, 6, 1))

    assert roll(D(2023, 5, 31)) == {("Lê Thị Hoa", "A1-DOAN", "present")}
    assert roll(D(2023, 6, 1)) == {("Lê Thị Hoa", "B1-DOAN", "present")}
    assert roll(D(2019, 12, 31)) == set()
    membership.refresh_from_db()
    assert membership.branch == b1


def test_status_change_keeps_the_earlier_status_for_earlier_dates(branches):
    a1, _ = branches
    membership = factories.membership(a1, joined_on=D(2020, 1, 1), person=factories.person("Trần Văn Nam"))

    services.change_membership_status(membership=membership, status=MembershipStatus.AWAY, on=D(2022, 3, 1))
    services.change_membership_status(membership=membership, status=MembershipStatus.STOPPED, on=D(2024, 1, 1))

    assert roll(D(2021, 12, 31)) == {("Trần Văn Nam", "A1-DOAN", "present")}
    assert roll(D(2022, 12, 31)) == {("Trần Văn Nam", "A1-DOAN", "away")}
    assert roll(D(2024, 12, 31)) == {("Trần Văn Nam", "A1-DOAN", "stopped")}


def test_ending_removes_the_member_from_later_rolls_only(branches):
    a1, _ = branches
    membership = factories.membership(a1, joined_on=D(2020, 1, 1), person=factories.person("Võ Văn Tài"))

    services.end_membership(membership=membership, on=D(2025, 1, 1), reason=EndReason.AGED_OUT)

    assert roll(D(2024, 12, 31)) == {("Võ Văn Tài", "A1-DOAN", "present")}
    assert roll(D(2025, 1, 1)) == set()
    membership.refresh_from_db()
    assert (membership.ended_on, membership.end_reason) == (D(2025, 1, 1), EndReason.AGED_OUT)


def test_counts_per_branch_follow_the_date(branches):
    a1, b1 = branches
    stays = factories.membership(a1, joined_on=D(2020, 1, 1), person=factories.person("Ngô Văn Một"))
    moves = factories.membership(a1, joined_on=D(2020, 1, 1), person=factories.person("Ngô Văn Hai"))
    leaves = factories.membership(b1, joined_on=D(2021, 1, 1), person=factories.person("Ngô Văn Ba"))
    services.transfer_membership(membership=moves, to_branch=b1, on=D(2022, 1, 1))
    services.end_membership(membership=leaves, on=D(2023, 1, 1), reason=EndReason.RESIGNED)
    services.change_membership_status(membership=stays, status=MembershipStatus.AWAY, on=D(2024, 1, 1))

    def count(on, branch):
        return selectors.periods_on(on).filter(branch=branch).count()

    assert (count(D(2021, 6, 1), a1), count(D(2021, 6, 1), b1)) == (2, 1)
    assert (count(D(2022, 6, 1), a1), count(D(2022, 6, 1), b1)) == (1, 2)
    assert (count(D(2023, 6, 1), a1), count(D(2023, 6, 1), b1)) == (1, 1)
    assert selectors.periods_on(D(2024, 6, 1)).filter(status=MembershipStatus.AWAY).count() == 1


def test_two_changes_on_one_day_leave_no_empty_period(branches):
    a1, b1 = branches
    membership = factories.membership(a1, joined_on=D(2020, 1, 1))
    services.transfer_membership(membership=membership, to_branch=b1, on=D(2022, 1, 1))
    services.change_membership_status(membership=membership, status=MembershipStatus.AWAY, on=D(2022, 1, 1))

    periods = list(membership.periods.values_list("branch__code", "status", "valid_from", "valid_to"))
    assert periods == [
        ("A1-DOAN", "present", D(2020, 1, 1), D(2022, 1, 1)),
        ("B1-DOAN", "away", D(2022, 1, 1), None),
    ]


def test_a_change_dated_before_the_last_one_is_refused_and_changes_nothing(branches):
    a1, b1 = branches
    membership = factories.membership(a1, joined_on=D(2020, 1, 1))
    services.change_membership_status(membership=membership, status=MembershipStatus.AWAY, on=D(2023, 1, 1))

    with pytest.raises(ValidationError):
        services.transfer_membership(membership=membership, to_branch=b1, on=D(2022, 1, 1))

    assert membership.periods.count() == 2
    assert Membership.objects.get(pk=membership.pk).branch == a1


def test_transfer_to_another_organization_is_refused(tree):
    doan = factories.branch(tree.hamlet_a1, "DOAN")
    hnd = factories.branch(tree.hamlet_a1, "HND")
    membership = factories.membership(doan)
    with pytest.raises(ValidationError):
        services.transfer_membership(membership=membership, to_branch=hnd, on=D(2024, 1, 1))


def test_changes_are_recorded_in_the_audit_history(branches):
    a1, b1 = branches
    membership = factories.membership(a1, joined_on=D(2020, 1, 1))
    services.transfer_membership(membership=membership, to_branch=b1, on=D(2022, 1, 1))

    records = list(membership.history.order_by("history_date").values_list("history_type", "branch_id"))
    assert records == [("+", a1.pk), ("~", b1.pk)]
