"""The branch's regular meeting day (QĐ 784): its date in a month, the flag a meeting keeps from the
day its branch had when it was logged, and the meetings report's and overview's counts of meetings
off the day and of branches that missed it.

The expected figures come from the log this module keeps (``LOG``) and the regular days written
out by hand (``REGULAR``), never from ``Branch.regular_day`` or the report's code.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from branches.models import Branch, MeetingDayRule, Weekday, WeekOfMonth
from meetings.models import Meeting, MeetingKind
from meetings.services import log_meeting, update_meeting
from reports.selectors import meetings_report
from reports.serializers import report_data
from tests import factories
from tests.pages import says, text

D = datetime.date
REGULAR_K = MeetingKind.REGULAR
DAY_15 = {"meeting_rule": MeetingDayRule.DAY_OF_MONTH, "meeting_day": 15}
DAY_20 = {"meeting_rule": MeetingDayRule.DAY_OF_MONTH, "meeting_day": 20}
FIRST_SUNDAY = {
    "meeting_rule": MeetingDayRule.WEEKDAY,
    "meeting_weekday": Weekday.SUNDAY,
    "meeting_week": WeekOfMonth.FIRST,
}


# --- The date of the regular day ------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "year", "month", "expected"),
    [
        ({"meeting_rule": "day", "meeting_day": 31}, 2024, 2, D(2024, 2, 29)),  # leap year
        ({"meeting_rule": "day", "meeting_day": 31}, 2025, 2, D(2025, 2, 28)),
        ({"meeting_rule": "day", "meeting_day": 31}, 2025, 4, D(2025, 4, 30)),
        ({"meeting_rule": "day", "meeting_day": 31}, 2025, 5, D(2025, 5, 31)),
        (FIRST_SUNDAY, 2026, 3, D(2026, 3, 1)),  # the month begins on a Sunday
        (FIRST_SUNDAY, 2024, 6, D(2024, 6, 2)),
        ({**FIRST_SUNDAY, "meeting_week": WeekOfMonth.LAST}, 2024, 3, D(2024, 3, 31)),  # five Sundays
        ({**FIRST_SUNDAY, "meeting_week": WeekOfMonth.LAST}, 2026, 2, D(2026, 2, 22)),  # four
        ({**FIRST_SUNDAY, "meeting_week": WeekOfMonth.FOURTH}, 2024, 3, D(2024, 3, 24)),
        ({"meeting_rule": ""}, 2024, 3, None),
    ],
)
def test_the_regular_day_of_a_month(fields, year, month, expected):
    branch = Branch(**{"meeting_day": None, "meeting_weekday": None, "meeting_week": None, **fields})
    assert branch.regular_day(year, month) == expected


# --- The flag, fixed when the meeting is written -----------------------------------------------


def _log(branch, held_on, kind=REGULAR_K, **extra):
    return log_meeting(branch=branch, held_on=held_on, kind=kind, members_present=0, **extra)


def test_the_flag_is_fixed_when_logged_and_a_later_change_of_the_day_leaves_it(tree):
    branch = factories.branch(tree.hamlet_a1, **DAY_15)
    on_day, off_day = _log(branch, D(2024, 3, 15)), _log(branch, D(2024, 4, 16))
    assert (on_day.on_regular_day, off_day.on_regular_day) == (True, False)

    Branch.objects.filter(pk=branch.pk).update(meeting_day=16)
    branch.refresh_from_db()
    later = _log(branch, D(2024, 5, 16))
    # A correction that keeps the date keeps the flag written then.
    update_meeting(
        meeting=on_day,
        expected_version=on_day.version,
        held_on=on_day.held_on,
        kind=REGULAR_K,
        members_present=0,
        content="Sửa nội dung",
    )
    flags = dict(Meeting.objects.filter(branch=branch).values_list("held_on", "on_regular_day"))
    assert flags == {D(2024, 3, 15): True, D(2024, 4, 16): False, D(2024, 5, 16): True}
    assert later.on_regular_day is True

    # A new date is measured against the day the branch has now.
    moved = update_meeting(
        meeting=on_day, expected_version=on_day.version, held_on=D(2024, 3, 16), kind=REGULAR_K, members_present=0
    )
    assert moved.on_regular_day is True


def test_a_branch_without_a_fixed_day_leaves_the_flag_unknown(tree):
    branch = factories.branch(tree.hamlet_a1)
    assert _log(branch, D(2024, 3, 15)).on_regular_day is None


# --- The branch form and page ----------------------------------------------------------------


def day_text(branch) -> str:
    """The branch's day in words, in the pages' language."""
    with translation.override("vi"):
        return branch.meeting_day_text


BRANCH_DATA = {"name": "Chi đoàn Tân Phú", "code": "A1-DOAN", "kind": "residential", "founded_on": "01/01/2000"}


def test_the_branch_form_sets_the_day_and_clears_the_parts_the_rule_does_not_use(as_district_a, world):
    url = reverse("branches:branch_edit", args=[world.a1.pk])
    data = {**BRANCH_DATA, "version": world.a1.version, "meeting_rule": "weekday", "meeting_day": 15}
    response = as_district_a.post(url, {**data, "meeting_weekday": 6})
    # The week is missing: said under it, nothing saved.
    assert response.status_code == 200
    assert says(response, _("Choose the week of the month the branch meets in."))
    world.a1.refresh_from_db()
    assert world.a1.meeting_rule == ""

    response = as_district_a.post(url, {**data, "meeting_weekday": 6, "meeting_week": 1}, follow=True)
    world.a1.refresh_from_db()
    assert (world.a1.meeting_rule, world.a1.meeting_day, world.a1.meeting_weekday, world.a1.meeting_week) == (
        "weekday",
        None,  # typed, but not the rule's
        6,
        1,
    )
    assert says(response, day_text(world.a1))


def test_the_branch_form_asks_for_the_day_of_the_month(as_district_a, world):
    url = reverse("branches:branch_edit", args=[world.a1.pk])
    data = {**BRANCH_DATA, "version": world.a1.version, "meeting_rule": "day"}
    response = as_district_a.post(url, data)
    assert says(response, _("Give the day of the month the branch meets on."))
    response = as_district_a.post(url, {**data, "meeting_day": 32})
    assert "meeting_day" in response.context["form"].errors
    world.a1.refresh_from_db()
    assert world.a1.meeting_rule == ""
    response = as_district_a.post(url, {**data, "meeting_day": 15, "meeting_weekday": 6, "meeting_week": 1})
    assert response.status_code == 302
    world.a1.refresh_from_db()
    assert (world.a1.meeting_rule, world.a1.meeting_day, world.a1.meeting_weekday) == ("day", 15, None)
    page = as_district_a.get(reverse("branches:branch", args=[world.a1.pk]))
    assert 'data-testid="meeting-day"' in text(page)
    assert says(page, day_text(world.a1))


def test_a_new_branch_gets_its_day(as_district_a, world):
    url = reverse("branches:branch_add", args=[world.tree.hamlet_a1.code])
    data = {
        **BRANCH_DATA,
        "code": "A1-HND",
        "name": "Chi hội Tân Phú",
        "organization": factories.organization("HND").pk,
    }
    as_district_a.post(url, {**data, "meeting_rule": "day", "meeting_day": 20})
    assert Branch.objects.get(code="A1-HND").meeting_day == 20


# --- The report and the overview ------------------------------------------------------------


# Regular days of January to March 2024, written out from a calendar (first Sundays: 7/1, 4/2, 3/3).
REGULAR = {
    "A": {1: 15, 2: 15, 3: 15},
    "B": {1: 7, 2: 4, 3: 3},
    "C": None,
    "D": {1: 20, 2: 20, 3: 20},
}
# (branch, date, kind, orientation note discussed)
LOG = [
    ("A", D(2024, 1, 15), REGULAR_K, True),
    ("A", D(2024, 2, 16), REGULAR_K, False),
    ("A", D(2024, 3, 15), MeetingKind.THEMATIC, False),
    ("A", D(2024, 3, 20), REGULAR_K, False),
    ("B", D(2024, 1, 7), REGULAR_K, False),
    ("B", D(2024, 2, 4), REGULAR_K, True),
    ("B", D(2024, 3, 3), REGULAR_K, False),
    ("B", D(2024, 3, 10), MeetingKind.EXTRAORDINARY, False),
    ("C", D(2024, 1, 10), REGULAR_K, True),
    ("D", D(2024, 1, 20), REGULAR_K, False),
    ("D", D(2024, 2, 20), REGULAR_K, False),
]
DISTRICT = {"A": "991", "B": "991", "C": "991", "D": "992"}


@pytest.fixture
def day_world(tree):
    hamlet_a3 = factories.area("99101-03", "Tân Hòa", "hamlet", "ap", tree.commune_a)
    branches = {
        "A": factories.branch(tree.hamlet_a1, code="A", **DAY_15),
        "B": factories.branch(tree.hamlet_a2, code="B", **FIRST_SUNDAY),
        "C": factories.branch(hamlet_a3, code="C"),
        "D": factories.branch(tree.hamlet_b1, code="D", **DAY_20),
    }
    for key, held_on, kind, discussed in LOG:
        _log(branches[key], held_on, kind, orientation_discussed=discussed, second_on_the_day=True)
    return SimpleNamespace(tree=tree, branches=branches)


def met_on_day(key: str) -> set[int]:
    """The months in which the branch held a meeting (of any kind) on that month's regular day."""
    return {
        held_on.month
        for k, held_on, _kind, _discussed in LOG
        if k == key and held_on.day == REGULAR[key][held_on.month]
    }


def missed(months_over: list[int]) -> set[str]:
    return {
        key
        for key, days in REGULAR.items()
        if days is not None and any(month not in met_on_day(key) for month in months_over)
    }


def expected(months_over: list[int], months: list[int]) -> dict:
    """Per district: regular meetings off the day, branches that missed it, notes discussed."""
    rows = {code: {"off_day": 0, "missed_day": 0, "notes_discussed": 0} for code in ("991", "992")}
    for key, held_on, kind, discussed in LOG:
        if held_on.month not in months:
            continue
        row = rows[DISTRICT[key]]
        row["notes_discussed"] += discussed
        if REGULAR[key] is not None and kind == REGULAR_K and held_on.day != REGULAR[key][held_on.month]:
            row["off_day"] += 1
    for key in missed(months_over):
        rows[DISTRICT[key]]["missed_day"] += 1
    return rows


def figures_of(report) -> dict:
    return {
        row["area_code"]: {name: row[name] for name in ("off_day", "missed_day", "notes_discussed")}
        for row in report.rows
    }


@pytest.mark.parametrize(
    ("today", "months_over"),
    [(D(2024, 4, 10), [1, 2, 3]), (D(2024, 3, 5), [1, 2]), (D(2024, 1, 31), [])],
    ids=["quarter over", "march under way", "nothing over"],
)
def test_the_report_counts_meetings_off_the_day_and_branches_that_missed_it(day_world, today, months_over):
    province = day_world.tree.province
    report = meetings_report(area=province, start=D(2024, 1, 1), end=D(2024, 3, 31), today=today)
    want = expected(months_over, [1, 2, 3])
    assert figures_of(report) == want
    assert report.total["off_day"] == sum(row["off_day"] for row in want.values())
    assert report.total["missed_day"] == sum(row["missed_day"] for row in want.values())
    assert {branch.code for branch in report.extra["branches_missed_day"]} == missed(months_over)
    # The reference path counts the same.
    history = meetings_report(area=province, start=D(2024, 1, 1), end=D(2024, 3, 31), today=today, from_history=True)
    assert report_data(history) == report_data(report)


def test_a_month_report_and_a_later_change_of_the_day(day_world):
    commune = day_world.tree.commune_a
    report = meetings_report(area=commune, start=D(2024, 2, 1), end=D(2024, 2, 29), today=D(2024, 6, 1))
    by_branch = {row["area_code"]: row for row in report.rows}
    # Rows of a commune are its hamlets: A in Tân Phú, B in Tân Thạnh, C in Tân Hòa.
    assert [by_branch[code]["off_day"] for code in ("99101-01", "99101-02", "99101-03")] == [1, 0, 0]
    assert [by_branch[code]["missed_day"] for code in ("99101-01", "99101-02", "99101-03")] == [1, 0, 0]
    assert report.total["notes_discussed"] == 1

    # A moves its day to the 16th: February's meeting stays off the day it had then.
    Branch.objects.filter(pk=day_world.branches["A"].pk).update(meeting_day=16)
    again = meetings_report(area=commune, start=D(2024, 2, 1), end=D(2024, 2, 29), today=D(2024, 6, 1))
    assert (again.total["off_day"], again.total["missed_day"]) == (1, 1)


def test_the_report_page_lists_the_branches_that_missed_their_day(as_district_a, day_world):
    url = reverse("reports:meetings", kwargs={"key": day_world.tree.district_a.key})
    response = as_district_a.get(url, {"period": "quarter", "year": 2024, "quarter": 1})
    section = text(response).split('data-testid="branches-missed-day"')[1]
    assert ">A<" in section and ">B<" not in section and ">D<" not in section
    assert "off_day" in [column.key for column in response.context["table"].columns]


def test_the_overview_shows_the_months_off_day_meetings_and_missed_days(client, day_world, district_a, district_b):
    client.force_login(district_a)
    response = client.get(reverse("meetings:overview"), {"month": "2024-02"})
    assert response.context["off_day"] == 1  # A on 16/02
    assert list(response.context["missed_day"]) == [day_world.branches["A"]]
    march = client.get(reverse("meetings:overview"), {"month": "2024-03"})
    assert march.context["off_day"] == 1  # A's regular meeting of 20/03 (its thematic one was on the 15th)
    assert list(march.context["missed_day"]) == []

    client.force_login(district_b)
    response = client.get(reverse("meetings:overview"), {"month": "2024-03"})
    assert response.context["off_day"] == 0
    assert list(response.context["missed_day"]) == [day_world.branches["D"]]
    assert day_world.branches["A"].name not in text(response)


# --- The meeting form and page ---------------------------------------------------------------


def test_the_meeting_form_shows_the_regular_day_of_the_month_typed(as_district_a, world):
    Branch.objects.filter(pk=world.a1.pk).update(**FIRST_SUNDAY)
    url = reverse("meetings:add", args=[world.a1.pk])
    response = as_district_a.post(url, {"held_on": "17/03/2024", "kind": "regular", "members_present": 99})
    assert response.status_code == 200  # more present than on the roll
    assert "03/03/2024" in text(response)
    response = as_district_a.post(url, {"held_on": "17/03/2024", "kind": "regular", "members_present": 1})
    meeting = Meeting.objects.get(branch=world.a1, held_on=D(2024, 3, 17))
    assert meeting.on_regular_day is False
    page = as_district_a.get(reverse("meetings:meeting", args=[meeting.pk]))
    assert says(page, _("Held off the regular day"))
