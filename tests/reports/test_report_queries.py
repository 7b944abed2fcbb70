"""Every report page, download and the dashboard run a fixed number of queries, whatever the data size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.reports.page_data import build_dataset, grow

PAGES = [
    ("membership", "?on=31/12/2024"),
    ("membership", "?on=31/12/2024&organization=DOAN"),
    ("ratings", "?year=2024"),
    ("ratings", ""),
    ("meetings", "?period=month&year=2024&month=10"),
    ("meetings", "?period=year&year=2024"),
    ("officers", "?year=2024&month=10"),
    ("membership", "?on=31/12/2024&format=xlsx"),
    ("meetings", "?period=month&year=2024&month=10&format=csv"),
]


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(("kind", "query"), PAGES)
def test_report_page_query_count_does_not_grow_with_the_data(client, db, kind, query):
    data = build_dataset()
    client.force_login(data.district_user)
    url = reverse(f"reports:{kind}") + query
    client.get(url)  # warm the caches of content types and the like

    small = _count(client, url)
    grow(data, size=4)
    large = _count(client, url)

    assert small == large, f"{kind}{query}: {small} queries on the small data, {large} on the larger"


@pytest.mark.parametrize("user_attr", ["district_user", "admin"])
def test_dashboard_query_count_does_not_grow_with_the_data(client, db, user_attr):
    data = build_dataset()
    client.force_login(getattr(data, user_attr))
    client.get(reverse("home"))

    small = _count(client, reverse("home"))
    grow(data, size=4)
    large = _count(client, reverse("home"))

    assert small == large
