"""Ratings, meetings and officers reports against counts computed in Python from the raw rows."""

import datetime
from collections import Counter, defaultdict

import pytest
from django.db import transaction

from areas.models import Area
from branches.models import AllowanceRate, Officer
from meetings.models import CadreVisit, Meeting
from ratings.models import BranchRating
from reports.figures import percent
from reports.selectors import meetings_report, officers_report, period_bounds, ratings_report
from tests import factories
from tests.reports.scenario import build_world

D = datetime.date
AREAS = ["99", "991", "99101", "99101-01", "98"]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world(factories.area_tree())
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _db_access(db):
    """The module's tests read the shared world inside the test database."""


def active_during(branch, start, end):
    return (branch.founded_on is None or branch.founded_on <= end) and (
        branch.dissolved_on is None or branch.dissolved_on >= start
    )


def by_row(report):
    return {row["area_code"]: row for row in report.rows}


@pytest.mark.parametrize("area_code", AREAS)
@pytest.mark.parametrize("drafts", [False, True])
def test_ratings(world, area_code, drafts):
    area = Area.objects.get(code=area_code)
    report = ratings_report(area=area, year=2024, include_drafts=drafts)
    rows = world.row_of_branch[area_code]
    start, end = period_bounds(year=2024)
    expected = defaultdict(Counter)
    for code, branch in world.branches.items():
        if code in rows and active_during(branch, start, end):
            expected[rows[code].lstrip("#")]["branches"] += 1
    for rating in BranchRating.objects.filter(year=2024).select_related("branch", "grade"):
        code = rating.branch.code
        if code in rows and active_during(rating.branch, start, end) and (drafts or rating.state == "approved"):
            expected[rows[code].lstrip("#")][rating.grade.code] += 1
    got = by_row(report)
    for row_code, counts in expected.items():
        rated = sum(counts[g] for g in ("strong", "good", "average", "weak"))
        row = got[row_code]
        assert (row["branches"], row["rated"], row["not_rated"]) == (
            counts["branches"],
            rated,
            counts["branches"] - rated,
        )
        for grade in ("strong", "good", "average", "weak"):
            assert row["grades"][grade] == {"count": counts[grade], "percent": percent(counts[grade], rated)}
    assert report.total["rated"] == sum(row["rated"] for row in report.rows)


def test_grade_percentages_round_half_up_and_blank_when_nothing_is_rated(world):
    report = ratings_report(area=world.tree.province, year=2024, include_drafts=True)
    total = report.total
    shares = [total["grades"][g]["percent"] for g in ("strong", "good", "average", "weak")]
    assert all(share == share.quantize(share.__class__("0.01")) for share in shares)
    empty = ratings_report(area=world.tree.province, year=2019)
    assert empty.total["rated"] == 0
    assert all(grade["percent"] is None for grade in empty.total["grades"].values())


@pytest.mark.parametrize("area_code", AREAS)
@pytest.mark.parametrize(("month", "quarter"), [(None, None), (3, None), (None, 2)])
def test_meetings(world, area_code, month, quarter):
    area = Area.objects.get(code=area_code)
    start, end = period_bounds(year=2025, month=month, quarter=quarter)
    months = {(d.year, d.month) for d in (start + datetime.timedelta(days=n) for n in range((end - start).days + 1))}
    report = meetings_report(area=area, start=start, end=end)
    rows = world.row_of_branch[area_code]
    expected = defaultdict(Counter)
    met = defaultdict(set)
    for code, branch in world.branches.items():
        if code in rows and active_during(branch, start, end):
            expected[rows[code].lstrip("#")]["branches"] += 1
    for meeting in Meeting.objects.select_related("branch"):
        code = meeting.branch.code
        if code in rows and start <= meeting.held_on <= end:
            row = expected[rows[code].lstrip("#")]
            row["meetings"] += 1
            row["present"] += meeting.members_present
            row["roll"] += meeting.members_on_roll
            met[code].add((meeting.held_on.year, meeting.held_on.month))
    for visit in CadreVisit.objects.select_related("meeting__branch"):
        code = visit.meeting.branch.code
        if code in rows and start <= visit.meeting.held_on <= end:
            expected[rows[code].lstrip("#")]["visits"] += 1
            expected[rows[code].lstrip("#")]["reports"] += visit.reported_on is not None
    for code, branch in world.branches.items():
        if code in rows and active_during(branch, start, end):
            row = expected[rows[code].lstrip("#")]
            row["every_month"] += met[code] >= months
            row["without"] += not met[code]
    got = by_row(report)
    for row_code, counts in expected.items():
        assert got[row_code]["branches"] == counts["branches"]
        assert got[row_code]["meetings"] == counts["meetings"]
        assert got[row_code]["attendance_rate"] == percent(counts["present"], counts["roll"])
        assert got[row_code]["met_every_month"] == counts["every_month"]
        assert got[row_code]["without_meeting"] == counts["without"]
        assert (got[row_code]["visits"], got[row_code]["visit_reports"]) == (counts["visits"], counts["reports"])
    listed = {branch.code for branch in report.extra["branches_without_meeting"]}
    assert listed == {
        code
        for code, branch in world.branches.items()
        if code in rows and active_during(branch, start, end) and not met[code]
    }


@pytest.mark.parametrize("area_code", AREAS)
@pytest.mark.parametrize("month", [6, 7, 8])
def test_officers_and_allowances(world, area_code, month):
    area = Area.objects.get(code=area_code)
    start, end = period_bounds(year=2025, month=month)
    report = officers_report(area=area, year=2025, month=month)
    rows = world.row_of_branch[area_code]
    rates = {}
    for rate in AllowanceRate.objects.order_by("valid_from"):
        if rate.valid_from <= end and (rate.valid_to is None or rate.valid_to >= start):
            rates[rate.role] = rate.amount
    expected = defaultdict(Counter)
    headed = set()
    for code, branch in world.branches.items():
        if code in rows and active_during(branch, start, end):
            expected[rows[code].lstrip("#")]["branches"] += 1
    for officer in Officer.objects.select_related("branch"):
        code = officer.branch.code
        in_office = officer.start_on <= end and (officer.end_on is None or officer.end_on >= start)
        if code in rows and in_office and active_during(officer.branch, start, end):
            expected[rows[code].lstrip("#")][officer.role] += 1
            if officer.role == "head":
                headed.add(code)
    for code, branch in world.branches.items():
        if code in rows and active_during(branch, start, end) and code not in headed:
            expected[rows[code].lstrip("#")]["headless"] += 1
    got = by_row(report)
    for row_code, counts in expected.items():
        row = got[row_code]
        assert (row["heads"], row["deputies"], row["committee_members"]) == (
            counts["head"],
            counts["deputy"],
            counts["committee"],
        )
        assert row["branches_without_head"] == counts["headless"]
        assert row["allowance"] == sum(counts[role] * amount for role, amount in rates.items())
    assert report.total["allowance"] == sum(row["allowance"] for row in report.rows)


def test_a_head_replaced_mid_month_counts_both_and_the_newer_rate_applies(world):
    june = officers_report(area=world.tree.hamlet_a1, year=2025, month=6)
    july = officers_report(area=world.tree.hamlet_a1, year=2025, month=7)
    assert june.total["heads"] == 2 * july.total["heads"]
    assert july.extra["rates"]["head"] == 250_000
