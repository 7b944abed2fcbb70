"""The defaults that depend on today, with the clock set to days that catch date arithmetic out.

2 January: last month is December of the year before, and a year has just begun (nothing of it
is over). 29 February: a year earlier has no such day, and February ends on the 29th. Both are
taken in coming years, whatever year the suite runs in; the clock is set by patching
``django.utils.timezone.localdate`` (what the pages and forms read), or passed as ``today=``.
"""

import calendar
import contextlib
import datetime
import itertools
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from members import services as member_services
from members.models import EndReason
from reports import selectors
from reports.forms import MeetingsReportForm, MembershipReportForm, OfficersReportForm, last_month
from tests import factories

D = datetime.date
THIS_YEAR = timezone.localdate().year
NEW_YEAR = D(THIS_YEAR + 1, 1, 2)
LEAP_DAY = D(next(year for year in itertools.count(THIS_YEAR + 1) if calendar.isleap(year)), 2, 29)


@contextlib.contextmanager
def clock(day: datetime.date):
    """Today is ``day`` for everything that asks ``timezone.localdate()``."""
    real = timezone.localdate

    def localdate(value=None, tz=None):
        return day if value is None else real(value, tz)

    with mock.patch("django.utils.timezone.localdate", localdate):
        yield


def test_the_days_are_what_they_claim():
    assert NEW_YEAR.year > THIS_YEAR and (NEW_YEAR.month, NEW_YEAR.day) == (1, 2)
    assert LEAP_DAY.year > THIS_YEAR and (LEAP_DAY.month, LEAP_DAY.day) == (2, 29)


# --- The arithmetic ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (NEW_YEAR, (NEW_YEAR.year - 1, 12)),
        (LEAP_DAY, (LEAP_DAY.year, 1)),
        (D(LEAP_DAY.year, 3, 1), (LEAP_DAY.year, 2)),
    ],
)
def test_last_complete_month(today, expected):
    assert last_month(today) == expected


def test_a_year_before_the_29th_of_february_is_the_28th():
    assert selectors._year_before(LEAP_DAY) == D(LEAP_DAY.year - 1, 2, 28)
    assert selectors._year_before(D(LEAP_DAY.year, 3, 1)) == D(LEAP_DAY.year - 1, 3, 1)


def test_february_of_a_leap_year_ends_on_the_29th():
    assert selectors.period_bounds(year=LEAP_DAY.year, month=2) == (D(LEAP_DAY.year, 2, 1), LEAP_DAY)
    assert selectors.period_bounds(year=LEAP_DAY.year, quarter=1) == (D(LEAP_DAY.year, 1, 1), D(LEAP_DAY.year, 3, 31))
    assert selectors.period_bounds(year=NEW_YEAR.year - 1, month=12) == (
        D(NEW_YEAR.year - 1, 12, 1),
        D(NEW_YEAR.year - 1, 12, 31),
    )


# --- The report forms' defaults (``today=``) ----------------------------------------------------


@pytest.mark.parametrize(
    ("today", "year", "month", "quarter"),
    [(NEW_YEAR, NEW_YEAR.year - 1, 12, 4), (LEAP_DAY, LEAP_DAY.year, 1, 1)],
    ids=["2-january", "29-february"],
)
def test_meetings_default_to_the_last_complete_month(data, today, year, month, quarter):
    form = MeetingsReportForm({}, user=data.district_user, today=today)
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["period"], form.cleaned_data["year"], form.cleaned_data["month"]) == (
        "month",
        year,
        month,
    )
    assert form.data["quarter"] == quarter
    assert (form.cleaned_data["start"], form.cleaned_data["end"]) == (
        D(year, month, 1),
        D(year, month, calendar.monthrange(year, month)[1]),
    )


@pytest.mark.parametrize(
    ("today", "asked_year", "expected"),
    [
        (NEW_YEAR, None, NEW_YEAR),  # the year has begun: today, not its 31/12
        (NEW_YEAR, NEW_YEAR.year - 1, D(NEW_YEAR.year - 1, 12, 31)),  # last year: its end
        (NEW_YEAR, NEW_YEAR.year, NEW_YEAR),  # this year: today, before its 31/12
        (LEAP_DAY, LEAP_DAY.year, LEAP_DAY),
        (LEAP_DAY, LEAP_DAY.year - 1, D(LEAP_DAY.year - 1, 12, 31)),
    ],
)
def test_membership_defaults_to_the_end_of_the_year_or_today(data, today, asked_year, expected):
    form = MembershipReportForm({"year": asked_year} if asked_year else {}, user=data.district_user, today=today)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["on"] == expected


@pytest.mark.parametrize("today", [NEW_YEAR, LEAP_DAY], ids=["2-january", "29-february"])
def test_officers_default_to_this_month(data, today):
    form = OfficersReportForm({}, user=data.district_user, today=today)
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["year"], form.cleaned_data["month"]) == (today.year, today.month)
    report = form.report()
    assert (report.period["start"], report.period["end"]) == (
        today.replace(day=1),
        D(today.year, today.month, calendar.monthrange(today.year, today.month)[1]),
    )


@pytest.mark.parametrize(
    ("today", "start", "end", "elapsed"),
    [
        (NEW_YEAR, D(NEW_YEAR.year, 1, 1), D(NEW_YEAR.year, 12, 31), 1),  # no month over yet: at least one
        (NEW_YEAR, D(NEW_YEAR.year - 1, 1, 1), D(NEW_YEAR.year - 1, 12, 31), 12),  # last year: all of it
        (LEAP_DAY, D(LEAP_DAY.year, 1, 1), D(LEAP_DAY.year, 3, 31), 1),  # January is over, February not
        (LEAP_DAY, D(LEAP_DAY.year, 1, 1), D(LEAP_DAY.year, 12, 31), 1),
    ],
)
def test_meetings_ask_only_for_the_months_already_over(data, today, start, end, elapsed):
    report = selectors.meetings_report(area=data.tree.district_a, start=start, end=end, today=today)
    assert report.period["months_elapsed"] == elapsed
    with clock(today):
        assert selectors.meetings_report(area=data.tree.district_a, start=start, end=end).period["months_elapsed"] == (
            elapsed
        )


# --- The pages, with the clock set --------------------------------------------------------------


def test_report_pages_on_the_2nd_of_january(district_client):
    year = NEW_YEAR.year
    with clock(NEW_YEAR):
        membership = district_client.get(reverse("reports:membership")).context["report"]
        meetings = district_client.get(reverse("reports:meetings")).context["report"]
        officers = district_client.get(reverse("reports:officers")).context["report"]

    assert (membership.period["date"], membership.period["compared_with"]) == (NEW_YEAR, D(year - 1, 1, 2))
    assert (meetings.period["start"], meetings.period["end"]) == (D(year - 1, 12, 1), D(year - 1, 12, 31))
    assert (officers.period["start"], officers.period["end"]) == (D(year, 1, 1), D(year, 1, 31))


def test_report_pages_on_the_29th_of_february(district_client, data):
    year = LEAP_DAY.year
    with clock(LEAP_DAY):
        # Memberships that end either side of 28/02 a year earlier: only the later one was there then.
        for name, ended in (("Người Hết 28", D(year - 1, 2, 28)), ("Người Hết 1-3", D(year - 1, 3, 1))):
            joined = factories.membership(data.branches.a1_doan, person=factories.person(name))
            member_services.end_membership(membership=joined, on=ended, reason=EndReason.RESIGNED)
        membership = district_client.get(reverse("reports:membership")).context["report"]
        meetings = district_client.get(reverse("reports:meetings")).context["report"]
        officers = district_client.get(reverse("reports:officers")).context["report"]

    assert (membership.period["date"], membership.period["compared_with"]) == (LEAP_DAY, D(year - 1, 2, 28))
    # The nine memberships open since 2025 (page_data), and a year earlier also the one ended on 1 March.
    assert (membership.total["members"], membership.total["members_year_before"]) == (9, 10)
    assert (meetings.period["start"], meetings.period["end"]) == (D(year, 1, 1), D(year, 1, 31))
    assert (officers.period["start"], officers.period["end"]) == (D(year, 2, 1), LEAP_DAY)


@pytest.mark.parametrize("today", [NEW_YEAR, LEAP_DAY], ids=["2-january", "29-february"])
def test_dashboard_with_the_clock_set(district_client, data, today):
    last = today.replace(day=1) - datetime.timedelta(days=1)
    factories.meeting(data.branches.a1_doan, D(last.year, last.month, 10), present=5, on_roll=6)
    factories.target_population(data.tree.hamlet_a1, "DOAN", today.year, 10)
    factories.target_population(data.tree.hamlet_a1, "DOAN", today.year - 1, 1000)  # last year's: not used

    with clock(today):
        response = district_client.get(reverse("home"))

    figures, links = response.context["figures"], response.context["links"]
    assert figures.today == today
    assert figures.month == (last.year, last.month)
    assert figures.missed_meeting == 4  # a1 DOAN met last month; the other four active branches did not
    assert figures.gathering_rate == Decimal("70.00")  # 7 present today over this year's 10
    assert f"on={today:%d}%2F{today:%m}%2F{today.year}" in links["membership"]
    assert f"period=month&year={last.year}&month={last.month}" in links["meetings"]
    assert f"year={today.year}&month={today.month}" in links["officers"]
