"""The branch page's recent meetings with the clock set: the current month and the eleven before it.

2 January and 29 February of coming years, whatever year the suite runs in
(``django.utils.timezone.localdate`` patched, as the page reads it).
"""

import calendar
import datetime
import itertools
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories

D = datetime.date
THIS_YEAR = timezone.localdate().year
NEW_YEAR = D(THIS_YEAR + 1, 1, 2)
LEAP_DAY = D(next(year for year in itertools.count(THIS_YEAR + 1) if calendar.isleap(year)), 2, 29)


def months_back(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` before ``day``'s (never after ``day``)."""
    index = day.year * 12 + day.month - 1 - months
    return D(index // 12, index % 12 + 1, 1)


@pytest.mark.parametrize(
    "today",
    [
        pytest.param(NEW_YEAR, id="2-january"),
        pytest.param(LEAP_DAY, id="29-february"),
    ],
)
def test_recent_meetings_are_those_of_the_last_twelve_months(as_district_a, world, today):
    held = {months: factories.meeting(world.a1, held_on=months_back(today, months)) for months in (0, 11, 12)}

    with mock.patch("django.utils.timezone.localdate", return_value=today):
        response = as_district_a.get(reverse("branches:branch", args=[world.a1.pk]))

    assert [meeting.pk for meeting in response.context["meetings"]] == [held[0].pk, held[11].pk]
