"""Branches merged into one from a date: transfers on the date, terms ended, the past unchanged."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from areas.merge import merge_hamlets, plan_hamlet_merge
from branches.models import Branch, Officer
from meetings.models import Meeting
from members import rollups
from members.merge import MERGE_REASON, merge_branches
from members.models import Membership, MembershipPeriod
from ratings.models import BranchRating
from reports import selectors
from tests.areas import merge_world
from tests.areas.merge_world import EFFECTIVE

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return merge_world.build()


def _branches(world, *codes):
    return [Branch.objects.select_related("area").get(code=code) for code in codes]


def test_members_move_on_the_date_and_the_past_reads_the_same(world):
    into, second, third = _branches(world, "99101-01-DOAN", "99101-02-DOAN", "99101-03-DOAN")
    moving = set(
        Membership.objects.filter(branch__in=[second, third], ended_on__isnull=True).values_list("pk", flat=True)
    )
    expected_moving = {
        s.person_key for s in world.stories if s.org == "DOAN" and s.ended_on is None and s.changes[-1][1] != into.code
    }
    assert len(moving) == len(expected_moving) > 0
    meetings = {m.pk: m.branch_id for m in Meeting.objects.all()}
    ratings = {r.pk: r.branch_id for r in BranchRating.objects.all()}
    before = merge_world.reports(world)
    # The hamlets first, as a commune does it: the branches then sit in one hamlet.
    hamlets = list(world.hamlets.values())
    merge_hamlets(plan=plan_hamlet_merge(into=hamlets[0], hamlets=hamlets[1:], effective_on=EFFECTIVE))
    plan = merge_branches(into=into, branches=[second, third], effective_on=EFFECTIVE)

    assert merge_world.reports(world) == before
    assert {m.pk for m in plan.memberships} == moving
    for membership in Membership.objects.filter(pk__in=moving):
        assert membership.branch_id == into.pk
        last, previous = membership.periods.order_by("-valid_from")[:2]
        assert (last.valid_from, last.branch_id, last.change_reason) == (EFFECTIVE, into.pk, MERGE_REASON)
        assert previous.valid_to == EFFECTIVE and previous.branch_id in (second.pk, third.pk)
        assert last.status == previous.status
    for branch in (second, third):
        branch.refresh_from_db()
        assert (branch.dissolved_on, branch.merged_into_id) == (EFFECTIVE, into.pk)
    # Officers of the dissolved branches leave office the day before; the surviving branch's stay.
    assert not Officer.objects.filter(branch__in=[second, third], end_on__isnull=True).exists()
    assert set(Officer.objects.filter(branch__in=[second, third]).values_list("end_on", flat=True)) == {D(2026, 6, 30)}
    assert Officer.objects.filter(branch=into, end_on__isnull=True).count() == 2
    assert [o["person"] for o in plan.data()["officers_ending"] if o["in_both"]] == ["Trần Thị Hai Chi"]
    # Meetings and ratings stay where they were held.
    assert {m.pk: m.branch_id for m in Meeting.objects.all()} == meetings
    assert {r.pk: r.branch_id for r in BranchRating.objects.all()} == ratings
    # After the date, the surviving branch counts every member the three held.
    on = D(2026, 7, 1)
    report = selectors.membership_report(area=hamlets[0], on=on, organization=into.organization)
    codes = {into.code, second.code, third.code}
    assert report.total["members"] == merge_world.members_on(world, on, branch_codes=codes)
    assert rollups.differences() == []


@pytest.mark.parametrize(
    "case, message",
    [
        ("organizations", "tổ chức khác"),
        ("dissolved", "đã giải thể"),
        ("before_founding", "thành lập ngày"),
        ("later_change", "chọn ngày sau"),
    ],
)
def test_bad_merges_are_refused_in_vietnamese_and_change_nothing(world, case, message):
    into, second = _branches(world, "99101-01-DOAN", "99101-02-DOAN")
    on = EFFECTIVE
    if case == "organizations":
        (second,) = _branches(world, "99101-02-HND")
    elif case == "dissolved":
        Branch.objects.filter(pk=into.pk).update(dissolved_on=D(2026, 1, 1))
        into.refresh_from_db()
    elif case == "before_founding":
        on = D(1999, 6, 1)
    else:
        on = D(2023, 1, 1)
        assert MembershipPeriod.objects.filter(branch=second, valid_from__gt=on).exists()
    periods = list(MembershipPeriod.objects.order_by("pk").values_list("pk", "branch_id", "valid_to"))
    with translation.override("vi"), pytest.raises(ValidationError) as raised:
        merge_branches(into=into, branches=[second], effective_on=on)
    assert message in " ".join(raised.value.messages)
    assert list(MembershipPeriod.objects.order_by("pk").values_list("pk", "branch_id", "valid_to")) == periods
    assert not Branch.objects.filter(merged_into__isnull=False).exists()


def test_the_command_previews_merges_and_refuses_bad_input(world, capsys):
    args = ["--into", "99101-01-HND", "--from", "99101-02-HND", "--effective", "2026-07-01"]
    call_command("merge_branches", *args, "--dry-run", "--format", "json")
    preview = json.loads(capsys.readouterr().out)
    assert preview["applied"] is False
    assert not Branch.objects.filter(dissolved_on__isnull=False).exists()
    call_command("merge_branches", *args)
    assert "99101-02-HND" in capsys.readouterr().out
    moved = MembershipPeriod.objects.filter(valid_from=EFFECTIVE, change_reason=MERGE_REASON).count()
    assert moved == preview["members"] == merge_world.members_on(world, D(2026, 6, 30), branch_codes={"99101-02-HND"})
    for bad in (
        ["--into", "99101-01-HND", "--from", "NOPE", "--effective", "2026-08-01"],
        ["--into", "99101-01-HND", "--from", "99101-03-HND", "--effective", "2026-13-01"],
        ["--into", "99101-01-HND", "--from", "99101-03-DOAN", "--effective", "2026-08-01"],
    ):
        with pytest.raises(CommandError) as raised:
            call_command("merge_branches", *bad)
        assert raised.value.returncode == 2
    assert Branch.objects.filter(dissolved_on__isnull=False).count() == 1
