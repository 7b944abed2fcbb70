"""Hamlets merged into one from a date: the past unchanged, the surviving hamlet holding the rest, undo."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from areas.merge import merge_hamlets, plan_hamlet_merge
from areas.models import Area, AreaPlacement, Reorganization, Succession
from areas.reform import undo_reorganization
from branches.models import Branch, BranchPlacement
from members import rollups
from members.models import TargetPopulation
from reports import selectors
from tests.areas import merge_world
from tests.areas.merge_world import EFFECTIVE

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return merge_world.build()


def _merge(world, **kwargs):
    into, *others = world.hamlets.values()
    return merge_hamlets(plan=plan_hamlet_merge(into=into, hamlets=others, effective_on=EFFECTIVE), **kwargs)


def _targets(hamlet_code: str) -> dict:
    rows = TargetPopulation.objects.filter(hamlet__code=hamlet_code)
    return {(row.organization.code, row.year): row.count for row in rows.select_related("organization")}


def test_the_past_reads_the_same_and_the_surviving_hamlet_holds_the_rest(world):
    before = merge_world.reports(world)
    targets_before = {code: _targets(code) for code in merge_world.HAMLETS}
    event = _merge(world)

    assert merge_world.reports(world) == before
    survivor, *merged = (Area.objects.get(code=code) for code in merge_world.HAMLETS)
    assert [hamlet.last_day for hamlet in merged] == [D(2026, 6, 30)] * 2
    assert survivor.valid_to is None
    assert {s.predecessor.code for s in Succession.objects.filter(event=event)} == set(merge_world.HAMLETS[1:])
    # Every branch of the commune sits in the surviving hamlet from the date.
    moved = BranchPlacement.objects.filter(opened_by=event)
    assert {p.branch.code for p in moved} == {c for c in world.branches if c.startswith(("99101-02", "99101-03"))}
    assert set(Branch.objects.filter(code__startswith="99101").values_list("area_id", flat=True)) == {survivor.pk}
    # The survivor's report after the date counts what the three hamlets held.
    on = D(2026, 7, 1)
    report = selectors.membership_report(area=survivor, on=on)
    assert report.total["members"] == merge_world.members_on(world, on)
    commune = selectors.membership_report(area=world.tree.commune_a, on=on)
    assert [row["area_code"] for row in commune.rows] == [survivor.code]
    # The targets of 2027 are the survivor's; those of 2026 (the merge is mid-year) stay.
    for org in merge_world.ORGS:
        assert _targets(survivor.code)[org, 2027] == sum(
            targets_before[code][org, 2027] for code in merge_world.HAMLETS
        )
        assert _targets(survivor.code)[org, 2026] == targets_before[survivor.code][org, 2026]
    for code in merge_world.HAMLETS[1:]:
        assert _targets(code) == {k: v for k, v in targets_before[code].items() if k[1] < 2027}
    assert rollups.differences() == []


def test_undo_puts_back_the_hamlets_their_branches_and_targets(world):
    before = merge_world.reports(world)
    after_on = selectors.membership_report(area=world.tree.hamlet_a2, on=D(2026, 8, 1))
    targets_before = {code: _targets(code) for code in merge_world.HAMLETS}
    event = _merge(world)
    undo_reorganization(event)

    assert merge_world.reports(world) == before
    assert selectors.membership_report(area=world.tree.hamlet_a2, on=D(2026, 8, 1)).total == after_on.total
    assert {code: _targets(code) for code in merge_world.HAMLETS} == targets_before
    assert not Area.objects.filter(code__in=merge_world.HAMLETS, valid_to__isnull=False).exists()
    assert not AreaPlacement.objects.filter(closed_by=event).exists()
    assert Reorganization.objects.get().undone_at is not None


@pytest.mark.parametrize(
    "case, message",
    [
        ("ended", "đã kết thúc"),
        ("not_hamlet", "không phải là ấp"),
        ("before_begin", "sau khi"),
        ("nothing", "Chọn ít nhất một ấp"),
    ],
)
def test_bad_merges_are_refused_in_vietnamese_and_change_nothing(world, case, message):
    a1, a2, a3 = world.hamlets.values()
    if case == "ended":
        _merge(world)
        a2.refresh_from_db()
        into, hamlets, on = a2, [a1], D(2026, 9, 1)
    elif case == "not_hamlet":
        into, hamlets, on = a1, [world.tree.commune_b], EFFECTIVE
    elif case == "before_begin":
        Area.objects.filter(pk=a3.pk).update(valid_from=EFFECTIVE)
        a3.refresh_from_db()
        into, hamlets, on = a1, [a3], EFFECTIVE
    else:
        into, hamlets, on = a1, [a1], EFFECTIVE
    events = Reorganization.objects.count()
    placements = list(AreaPlacement.objects.order_by("pk").values_list("pk", "valid_to"))
    with translation.override("vi"), pytest.raises(ValidationError) as raised:
        plan_hamlet_merge(into=into, hamlets=hamlets, effective_on=on)
    assert message in " ".join(raised.value.messages)
    assert Reorganization.objects.count() == events
    assert list(AreaPlacement.objects.order_by("pk").values_list("pk", "valid_to")) == placements


def test_the_command_previews_merges_and_refuses_bad_input(world, capsys):
    call_command("merge_areas", "--into", "99101-01", "--from", "99101-02", "--effective", "2026-07-01", "--dry-run")
    assert "99101-02" in capsys.readouterr().out
    assert not Reorganization.objects.exists()

    call_command(
        "merge_areas",
        "--into",
        "99101-01",
        "--from",
        "99101-02",
        "99101-03",
        "--effective",
        "2026-07-01",
        "--format",
        "json",
    )
    data = json.loads(capsys.readouterr().out)
    assert data["applied"] is True
    assert [h["code"] for h in data["merged"]] == ["99101-02", "99101-03"]
    expected = sum(1 for s in world.stories if s.ended_on is None and s.changes[-1][1][:8] in ("99101-02", "99101-03"))
    assert data["memberships"] == expected
    assert Reorganization.objects.count() == 1

    for args in (
        ["--into", "99101-01", "--from", "NOPE", "--effective", "2026-08-01"],
        ["--into", "99101-01", "--from", "99101-02", "--effective", "1/8/2026"],
        ["--into", "99101-02", "--from", "99101-01", "--effective", "2026-08-01"],  # into an ended hamlet
    ):
        with pytest.raises(CommandError) as raised:
            call_command("merge_areas", *args)
        assert raised.value.returncode == 2
    assert Reorganization.objects.count() == 1


def _target_sum(world, year: int, codes, org=None) -> int:
    rows = TargetPopulation.objects.filter(hamlet__code__in=codes, year=year)
    return sum(row.count for row in rows if org is None or row.organization.code == org)


def test_a_merged_hamlets_targets_count_where_its_successor_sits(world):
    """After a mid-year merge, and in a report of an earlier year recast in today's units, the
    gathering rate keeps the population of every hamlet."""
    commune = world.tree.commune_a
    expected_2026 = _target_sum(world, 2026, merge_world.HAMLETS)
    expected_2025 = _target_sum(world, 2025, merge_world.HAMLETS)
    _merge(world)
    after = selectors.membership_report(area=commune, on=D(2026, 8, 1))
    assert after.total["target"] == after.rows[0]["target"] == expected_2026
    survivor = Area.objects.get(code="99101-01")
    hamlet = selectors.membership_report(area=survivor, on=D(2026, 8, 1))
    assert hamlet.total["target"] == expected_2026
    recast = selectors.membership_report(area=commune, on=D(2025, 12, 31), units_on=D(2026, 12, 1))
    assert [row["area_code"] for row in recast.rows] == ["99101-01"]
    assert recast.total["target"] == recast.rows[0]["target"] == expected_2025
    assert (
        recast.total["gathering_rate"]
        == selectors.membership_report(area=commune, on=D(2025, 12, 31)).total["gathering_rate"]
    )


def test_a_hamlet_merged_twice_over_counts_in_the_last_survivor_and_undo_goes_back_a_step(world):
    a1, a2, a3 = world.hamlets.values()
    first = merge_hamlets(plan=plan_hamlet_merge(into=a2, hamlets=[a3], effective_on=D(2026, 3, 1)))
    a2.refresh_from_db()
    second = merge_hamlets(plan=plan_hamlet_merge(into=a1, hamlets=[a2], effective_on=EFFECTIVE))
    a3.refresh_from_db()
    assert a3.successor_path == a1.path
    report = selectors.membership_report(area=world.tree.commune_a, on=D(2026, 8, 1))
    assert report.total["target"] == _target_sum(world, 2026, merge_world.HAMLETS)
    with pytest.raises(ValidationError):
        undo_reorganization(first)  # a later reorganisation stands on it
    undo_reorganization(second)
    a3.refresh_from_db()
    assert a3.successor_path == Area.objects.get(code="99101-02").path
    assert selectors.membership_report(area=world.tree.commune_a, on=D(2026, 8, 1)).total["target"] == (
        _target_sum(world, 2026, merge_world.HAMLETS)
    )
