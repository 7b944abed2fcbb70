"""Each report runs the same number of queries whatever the amount of data."""

import datetime

import pytest

from reports import selectors
from reports.fees import fees_report
from tests.reports.scenario import build_world

D = datetime.date

REPORTS = {
    "membership": lambda area: selectors.membership_report(area=area, on=D(2025, 12, 31)),
    "ratings": lambda area: selectors.ratings_report(area=area, year=2025, include_drafts=True),
    "meetings": lambda area: selectors.meetings_report(area=area, start=D(2025, 1, 1), end=D(2025, 12, 31)),
    "officers": lambda area: selectors.officers_report(area=area, year=2025, month=7),
    "fees": lambda area: fees_report(area=area, start=D(2025, 1, 1), end=D(2025, 12, 31)),
}


@pytest.mark.parametrize("kind", REPORTS)
def test_the_query_count_does_not_grow_with_the_data(tree, kind):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(area):
        with CaptureQueriesContext(connection) as queries:
            REPORTS[kind](area)
        return len(queries)

    empty = {area.code: count(area) for area in (tree.province, tree.district_a, tree.hamlet_a1)}
    build_world(tree)
    full = {area.code: count(area) for area in (tree.province, tree.district_a, tree.hamlet_a1)}
    assert full == empty
