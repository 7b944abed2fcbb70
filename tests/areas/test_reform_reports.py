"""After the 2025 reform: past reports unchanged, the tree of each date, recast figures, accounts."""

import datetime
from collections import Counter, defaultdict

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from areas.models import Area, AreaPlacement, Succession
from areas.official import DATA_DIR
from areas.selectors import resolve_code
from branches.models import BranchPlacement
from reports import selectors
from tests.areas import reform_world
from tests.areas.reform_world import (
    EFFECTIVE,
    MEETING_PERIODS,
    NEW_COMMUNE,
    OLD_COMMUNE,
    PROFESSIONAL,
    all_reports,
    new_area,
    old_area,
    reform,
)

D = datetime.date


@pytest.fixture(scope="module")
def lived(django_db_setup, django_db_blocker):
    """The world, its reports before the reform, the reform, and life after it (rolled back after the module)."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = reform_world.build()
        before = all_reports()
        event = reform(user=None)
        after = all_reports()
        # Life goes on in the new units: a join and a transfer within new Tân Long.
        newcomer = reform_world.factories.membership(
            world.branches["Q1-DOAN"], joined_on=D(2026, 3, 1), person=reform_world.factories.person("Người Mới")
        )
        reform_world.services.transfer_membership(
            membership=newcomer, to_branch=world.branches["H1-DOAN"], on=D(2026, 4, 1)
        )
        later = all_reports()
        yield {"world": world, "before": before, "after": after, "later": later, "event": event}
        transaction.set_rollback(True)


@pytest.fixture
def _db(db):
    """Tests of the shared world read it inside the test database."""


def without_units_day(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "units_on"}


# --- the past does not change -------------------------------------------------------------


@pytest.mark.usefixtures("_db")
def test_reports_of_dates_before_the_reform_give_exactly_the_json_they_gave_before(lived):
    before, after, later = lived["before"], lived["after"], lived["later"]
    past = [name for name in before if _day_of(name) < EFFECTIVE]
    assert len(past) > 20
    assert {name: after[name] for name in past} == {name: before[name] for name in past}
    # What is entered after the reform does not reach back either.
    assert {name: later[name] for name in past} == {name: before[name] for name in past}


@pytest.mark.usefixtures("_db")
def test_old_units_keep_their_figures_of_dates_on_and_after_the_reform(lived):
    """An old unit shows its last tree (30 June 2025) for later dates: the same rows and figures."""
    before, after = lived["before"], lived["after"]
    later_names = [name for name in before if _day_of(name) >= EFFECTIVE]
    assert later_names
    for name in later_names:
        assert without_units_day(after[name]) == without_units_day(before[name]), name
        assert after[name]["units_on"] == "2025-06-30"


def _day_of(name: str) -> datetime.date:
    """The day a report of ``all_reports`` is about (the last of its period)."""
    _code, kind, period = name.split(" ")
    if kind == "ratings":
        return D(int(period), 12, 31)
    if kind == "officers":
        year, month = map(int, period.split("-"))
        return selectors.period_bounds(year=year, month=month)[1]
    day = datetime.date.fromisoformat(period)
    if kind == "meetings":
        return dict(MEETING_PERIODS)[day]
    return day


# --- the tree after the reform ------------------------------------------------------------


@pytest.mark.usefixtures("_db")
def test_old_units_end_the_day_before_and_the_new_province_begins_whole(lived):
    for code in ("87", "874", "875", "30133", "30145", "30157", "30169"):
        assert old_area(code).valid_to == EFFECTIVE, code
    province = new_area("82")
    assert (province.name, province.valid_from, province.path) == ("Đồng Tháp", EFFECTIVE, "/82@2025/")
    # All its communes from the committed file, not only those that receive data.
    with (DATA_DIR / "areas_2025.csv").open(encoding="utf-8") as f:
        expected = {line.split(",")[0] for line in f if line.split(",")[1] == "82"}
    assert set(Area.objects.filter(parent=province).values_list("code", flat=True)) == expected


@pytest.mark.usefixtures("_db")
def test_every_hamlet_moves_into_its_successor_and_keeps_its_past_placement(lived):
    for code, hamlet in lived["world"].hamlets.items():
        placements = list(AreaPlacement.objects.filter(area=hamlet))
        assert [(p.valid_from, p.valid_to) for p in placements] == [(None, EFFECTIVE), (EFFECTIVE, None)], code
        assert placements[0].parent == old_area(OLD_COMMUNE[code])
        assert placements[1].parent == new_area(NEW_COMMUNE[code])
        hamlet.refresh_from_db()
        assert hamlet.parent == new_area(NEW_COMMUNE[code])


@pytest.mark.usefixtures("_db")
def test_the_divided_commune_follows_the_plan_else_the_default(lived):
    hamlets = lived["world"].hamlets
    hamlets["T1"].refresh_from_db()
    hamlets["T2"].refresh_from_db()
    assert hamlets["T1"].parent == new_area("30157")  # the default successor of old Tân Thạnh
    assert hamlets["T2"].parent == new_area("30130")  # the plan's choice
    successions = Succession.objects.filter(predecessor=old_area("30157"))
    assert {(s.successor.code, s.is_default) for s in successions} == {("30157", True), ("30130", False)}


@pytest.mark.usefixtures("_db")
def test_a_professional_branch_on_an_old_commune_follows_it(lived):
    code, old, new = PROFESSIONAL
    branch = lived["world"].branches[code]
    branch.refresh_from_db()
    assert branch.area == new_area(new)
    placements = list(BranchPlacement.objects.filter(branch=branch))
    assert [(p.area.code, p.area.structure, p.valid_from, p.valid_to) for p in placements] == [
        (old, "pre2025", None, EFFECTIVE),
        (new, "2025", EFFECTIVE, None),
    ]


@pytest.mark.usefixtures("_db")
def test_codes_are_read_in_the_structure_in_force_on_the_date(lived):
    assert resolve_code("30154", on=D(2024, 12, 31)).name == "Tân Bình"
    assert resolve_code("30154", on=D(2025, 7, 1)).name == "Tân Long"
    assert resolve_code("30130", on=D(2024, 12, 31)).full_name == "Thị trấn Thanh Bình"
    assert resolve_code("30130", on=D(2026, 1, 1)).full_name == "Xã Thanh Bình"
    assert resolve_code("30154", on=D(2024, 12, 31), structure="2025").name == "Tân Long"


@pytest.mark.usefixtures("_db")
def test_accounts_follow_a_unit_only_where_it_went_whole(lived):
    users = {key: User.objects.get(pk=user.pk) for key, user in lived["world"].users.items()}
    assert (users["province"].area, users["province"].is_active) == (new_area("82"), True)
    assert (users["merged"].area, users["merged"].is_active) == (new_area("30130"), True)
    assert (users["lap_vo"].area, users["lap_vo"].is_active) == (new_area("30169"), True)
    # A district has no successor of its level; a divided commune has several: paused, not widened.
    assert (users["district"].area, users["district"].is_active) == (old_area("874"), False)
    assert (users["divided"].area, users["divided"].is_active) == (old_area("30157"), False)


# --- recast in today's units --------------------------------------------------------------


def expected_roll(world, area_code: str, on: datetime.date, *, new_units: bool) -> dict[str, Counter]:
    """Members by row and status on a date, from the stories and the test's own map of the tree."""
    rows = defaultdict(Counter)
    for story in world.stories:
        state = story.state_on(on)
        if state is None:
            continue
        row = reform_world.row_of(state[0], area_code, new_units=new_units)
        if row is not None:
            rows[row]["members"] += 1
            rows[row][state[1]] += 1
    return rows


def figures_by_row(report) -> dict[str, Counter]:
    found = {}
    for row in report.rows:
        key = row["area_code"] if row["drillable"] else f"#{row['area_code']}"
        counts = Counter({k: row[k] for k in ("members", "present", "away", "stopped") if row[k]})
        if counts:
            found[key] = counts
    return found


@pytest.mark.usefixtures("_db")
@pytest.mark.parametrize("on", [D(2023, 12, 31), D(2024, 12, 31), D(2025, 6, 30)])
def test_a_past_date_in_todays_units_is_what_the_branches_had_that_day(lived, on):
    world = lived["world"]
    today = timezone.localdate()
    tan_long = selectors.membership_report(area=new_area("30154"), on=on, units_on=today)
    expected = expected_roll(world, "30154", on, new_units=True)
    assert figures_by_row(tan_long) == {row: counts for row, counts in expected.items() if counts}
    # The same as the predecessors' own reports of that day, added up.
    old = [selectors.membership_report(area=old_area(code), on=on) for code in ("30133", "30136")]
    assert tan_long.total["members"] == sum(report.total["members"] for report in old)
    assert tan_long.recast and tan_long.units.on == today
    province = selectors.membership_report(area=new_area("82"), on=on, units_on=today)
    by_commune = expected_roll(world, "82", on, new_units=True)
    assert figures_by_row(province) == {row: counts for row, counts in by_commune.items() if counts}
    assert province.total["members"] == selectors.membership_report(area=old_area("87"), on=on).total["members"]


@pytest.mark.usefixtures("_db")
def test_after_the_reform_a_report_shows_the_new_units(lived):
    on = D(2026, 6, 30)
    report = selectors.membership_report(area=resolve_code("82", on=on), on=on)
    assert report.units.structure == "2025" and not report.recast
    expected = expected_roll(lived["world"], "82", on, new_units=True)
    # The newcomer of 1 March 2026, in Tân Long since (Q1, then H1).
    expected["30154"]["members"] += 1
    expected["30154"]["present"] += 1
    assert figures_by_row(report) == {row: counts for row, counts in expected.items() if counts}


@pytest.mark.usefixtures("_db")
def test_the_change_against_a_year_earlier_compares_like_with_like(lived):
    on = D(2025, 12, 31)
    report = selectors.membership_report(area=new_area("30154"), on=on)
    year_before = expected_roll(lived["world"], "30154", D(2024, 12, 31), new_units=True)
    assert report.total["members_year_before"] == sum(counts["members"] for counts in year_before.values())
    assert report.period["compared_recast"] is True
    old = selectors.membership_report(area=old_area("30133"), on=D(2024, 12, 31))
    assert old.period["compared_recast"] is False


@pytest.mark.usefixtures("_db")
def test_reports_after_the_reform_run_as_many_queries_as_before(lived):
    for kind in ("membership", "ratings"):
        counts = []
        for area, on in ((old_area("87"), D(2024, 12, 31)), (new_area("82"), D(2026, 6, 30))):
            with CaptureQueriesContext(connection) as queries:
                if kind == "membership":
                    selectors.membership_report(area=area, on=on)
                else:
                    selectors.ratings_report(area=area, year=on.year)
            counts.append(len(queries))
        assert counts[0] == counts[1], kind


ADDITIVE = {
    "membership": ["branches", "members", "present", "away", "stopped", "joined", "ended", "target"],
    "ratings": ["branches", "rated", "not_rated"],
    "meetings": ["branches", "meetings", "visits", "visit_reports", "without_meeting"],
    "officers": ["branches", "heads", "deputies", "committee_members", "branches_without_head", "allowance"],
}


def _run(kind: str, area: Area, on: datetime.date, units_on=None):
    if kind == "membership":
        return selectors.membership_report(area=area, on=on, units_on=units_on)
    if kind == "ratings":
        return selectors.ratings_report(area=area, year=on.year, units_on=units_on)
    if kind == "meetings":
        start, end = selectors.period_bounds(year=on.year, month=on.month)
        return selectors.meetings_report(area=area, start=start, end=end, units_on=units_on)
    return selectors.officers_report(area=area, year=on.year, month=on.month, units_on=units_on)


@pytest.mark.usefixtures("_db")
@pytest.mark.parametrize("kind", list(ADDITIVE))
@pytest.mark.parametrize("on", [D(2024, 12, 31), D(2025, 6, 30)])
def test_every_report_recast_in_todays_units_adds_up_its_predecessors(lived, kind, on):
    """Tân Long of today, on a day before it existed: what old Tân Quới and old Tân Hòa had, added up."""
    recast = _run(kind, new_area("30154"), on, units_on=timezone.localdate())
    old = [_run(kind, old_area(code), on) for code in ("30133", "30136", "30151", "30154", "30166")]
    for key in ADDITIVE[kind]:
        assert recast.total[key] == sum(report.total[key] or 0 for report in old), key
    assert recast.total["branches"] > 0
