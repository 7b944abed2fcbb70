"""Ratings, meetings and officers reports against the scenario's own log (``tests.reports.scenario``).

The expected figures come from what the scenario recorded as it rated, met and appointed
(``expected_ratings``, ``expected_meetings``, ``expected_officers``), with the periods
written out here as dates and percentages rounded half-up in the oracle: nothing is read
back from the tables the reports read, and nothing of ``reports`` is used to compute them.
"""

import dataclasses
import datetime

import pytest
from django.db import transaction

from areas.models import Area
from branches.models import AllowanceRate, Officer, OfficerRole
from reports.selectors import meetings_report, officers_report, ratings_report
from tests import factories
from tests.reports.scenario import (
    RateRecord,
    build_world,
    expected_meetings,
    expected_officers,
    expected_ratings,
    half_up,
    total,
)

D = datetime.date
AREAS = ["99", "991", "99101", "99101-01", "98"]
GRADES = ("strong", "good", "average", "weak")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world(factories.area_tree())
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _db_access(db):
    """The module's tests read the shared world inside the test database."""


def rows_and_total(report, expected: dict):
    """(figures the report shows, figures expected) for every expected row, then for the total."""
    got = {row["area_code"]: row for row in report.rows}
    assert set(got) >= set(expected)
    return [*((got[code], counts) for code, counts in expected.items()), (report.total, total(expected))]


# --- 7.2 Ratings ----------------------------------------------------------------------


@pytest.mark.parametrize("area_code", AREAS)
@pytest.mark.parametrize("drafts", [False, True])
def test_ratings(world, area_code, drafts):
    report = ratings_report(area=Area.objects.get(code=area_code), year=2024, include_drafts=drafts)
    for row, counts in rows_and_total(report, expected_ratings(world, area_code, 2024, drafts=drafts)):
        rated = sum(counts[g] for g in GRADES)
        assert (row["branches"], row["rated"], row["not_rated"]) == (
            counts["branches"],
            rated,
            counts["branches"] - rated,
        )
        for grade in GRADES:
            assert row["grades"][grade] == {"count": counts[grade], "percent": half_up(counts[grade], rated)}


def test_the_log_rates_in_every_state_and_leaves_branches_unrated(world):
    """What the test above must exercise is in the log."""
    assert {r.state for r in world.ratings} == {"draft", "submitted", "approved"}
    assert {r.grade for r in world.ratings} == set(GRADES)
    assert len(world.ratings) < len(world.branches)
    assert "gone-DOAN" in {r.branch for r in world.ratings}  # dissolved on 31/03/2024, rated for 2024


def test_grade_percentages_are_blank_when_nothing_is_rated(world):
    empty = ratings_report(area=world.tree.province, year=2019)
    assert empty.total["rated"] == 0
    assert all(grade["percent"] is None for grade in empty.total["grades"].values())


# --- 7.3 Meetings ---------------------------------------------------------------------

PERIODS_2025 = {
    "year": (D(2025, 1, 1), D(2025, 12, 31)),
    "march": (D(2025, 3, 1), D(2025, 3, 31)),
    "quarter-2": (D(2025, 4, 1), D(2025, 6, 30)),
}


@pytest.mark.parametrize("area_code", AREAS)
@pytest.mark.parametrize("period", PERIODS_2025)
def test_meetings(world, area_code, period):
    start, end = PERIODS_2025[period]
    report = meetings_report(area=Area.objects.get(code=area_code), start=start, end=end)
    expected, without = expected_meetings(world, area_code, start, end)
    for row, counts in rows_and_total(report, expected):
        assert row["branches"] == counts["branches"]
        assert row["meetings"] == counts["meetings"]
        assert row["attendance_rate"] == half_up(counts["present"], counts["roll"])
        assert row["met_every_month"] == counts["met_every_month"]
        assert row["without_meeting"] == counts["without_meeting"]
        assert (row["visits"], row["visit_reports"]) == (counts["visits"], counts["visit_reports"])
    assert {branch.code for branch in report.extra["branches_without_meeting"]} == without


def test_the_log_meets_with_gaps_and_visits(world):
    """What the test above must exercise is in the log."""
    march = {m.branch for m in world.meetings if m.held_on.month == 3}
    assert march and len(march) < len(world.branches)  # some branches do not meet
    assert {(m.visits, m.visit_reports) for m in world.meetings} >= {(0, 0), (1, 0), (1, 1)}


# --- 7.4 Officers and allowances ------------------------------------------------------

MONTHS_2025 = {
    5: (D(2025, 5, 1), D(2025, 5, 31)),
    6: (D(2025, 6, 1), D(2025, 6, 30)),
    7: (D(2025, 7, 1), D(2025, 7, 31)),
    8: (D(2025, 8, 1), D(2025, 8, 31)),
}


def assert_officer_figures(row, counts):
    assert (row["heads"], row["deputies"], row["committee_members"]) == (
        counts[OfficerRole.HEAD],
        counts[OfficerRole.DEPUTY],
        counts[OfficerRole.COMMITTEE],
    )
    assert (row["branches"], row["branches_without_head"]) == (counts["branches"], counts["headless"])
    assert row["allowance"] == counts["allowance"]


@pytest.mark.parametrize("area_code", AREAS)
@pytest.mark.parametrize("month", [6, 7, 8])
def test_officers_and_allowances(world, area_code, month):
    start, end = MONTHS_2025[month]
    report = officers_report(area=Area.objects.get(code=area_code), year=2025, month=month)
    for row, counts in rows_and_total(report, expected_officers(world, area_code, start, end)):
        assert_officer_figures(row, counts)


def test_a_head_replaced_mid_month_counts_both_and_the_newer_rate_applies(world):
    """Two head rates valid in one month (the change on 15 June): the one that began last applies.

    In the scenario the head rate changes on 1 July, between two months. Here it changes on
    the day the new heads take office, so that June has both rates, May the old one only and
    July the new one only.
    """
    heads = AllowanceRate.objects.filter(role=OfficerRole.HEAD)
    heads.filter(valid_from=D(2020, 1, 1)).update(valid_to=D(2025, 6, 14))
    heads.filter(valid_from=D(2025, 7, 1)).update(valid_from=D(2025, 6, 15))
    for rate in AllowanceRate.objects.all():
        rate.full_clean()  # valid data: the periods follow one another, no day has two rates
    rates = [rate for rate in world.rates if rate.role != OfficerRole.HEAD] + [
        RateRecord(OfficerRole.HEAD, 200_000, D(2020, 1, 1), D(2025, 6, 14)),
        RateRecord(OfficerRole.HEAD, 250_000, D(2025, 6, 15)),
    ]
    hamlet = world.tree.hamlet_a1
    reports = {month: officers_report(area=hamlet, year=2025, month=month) for month in (5, 6, 7)}

    source = str(AllowanceRate.objects.get(valid_from=D(2020, 1, 1), role=OfficerRole.HEAD).source_id)
    assert {month: report.extra["rates"]["head"] for month, report in reports.items()} == {
        5: {source: 200_000},
        6: {source: 250_000},
        7: {source: 250_000},
    }
    assert reports[6].total["heads"] == 2 * reports[5].total["heads"] == 2 * reports[7].total["heads"]
    for month, report in reports.items():
        expected = total(expected_officers(world, hamlet.code, *MONTHS_2025[month], rates))
        assert_officer_figures(report.total, expected)
    june = total(expected_officers(world, hamlet.code, *MONTHS_2025[6], rates))
    assert june["allowance"] == june[OfficerRole.HEAD] * 250_000 + june[OfficerRole.DEPUTY] * 150_000


def test_a_head_who_leaves_mid_month_heads_the_branch_that_month(world):
    """A head who leaves on 10 July with no successor counts in July, where the branch is not
    without a head; in August it is."""
    left = next(o for o in world.officers if o.role == OfficerRole.HEAD and o.start_on == D(2025, 6, 15))
    Officer.objects.filter(branch__code=left.branch, role=OfficerRole.HEAD, start_on=left.start_on).update(
        end_on=D(2025, 7, 10)
    )
    officers = [dataclasses.replace(o, end_on=D(2025, 7, 10)) if o == left else o for o in world.officers]
    changed = dataclasses.replace(world, officers=officers)
    expected = {month: total(expected_officers(changed, "99", *MONTHS_2025[month])) for month in (7, 8)}
    assert expected[8]["headless"] == expected[7]["headless"] + 1
    for month in (7, 8):
        report = officers_report(area=Area.objects.get(code="99"), year=2025, month=month)
        assert_officer_figures(report.total, expected[month])
