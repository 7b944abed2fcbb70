"""The landing page: headline figures of the user's area with links into the reports.

The expected figures are worked out by hand from the story of ``page_data`` (see its
docstring), as of today: the story ends in 2025, so whatever today is, every membership
still open is counted, no target population is entered for today's year, and no branch met
last month.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.headlines import headline_figures
from tests import factories
from tests.reports.page_data import vietnamese_number


def shown(response, figure: str) -> str:
    """The value a headline card shows (``data-figure`` … ``data-value``)."""
    match = re.search(rf'data-figure="{figure}".*?data-value>([^<]*)<', response.content.decode(), re.DOTALL)
    assert match, figure
    return match.group(1).strip()


# Per area, by hand from the story:
# - memberships open today: 99101 has p1 (DOAN and HND), p2, p3, p4 (moved to a2), p7, p9 and p11
#   (the professional branch) = 8; 99102 adds p5 = 9 for district 991; p8 in 992 makes 10.
# - present among them: all but p2 (away) and p3 (stopped).
# - ratings of 2024, the last year with approved ones: strong only a1 DOAN; to rate, the branches
#   active in 2024 (not c2 HND, dissolved in 2023): 4 in 99101, 5 in 991, 6 in the province;
#   approved: a1 DOAN, a1 HND (99101), c2 DOAN (99102), b1 DOAN (992).
# - last month nobody met: every active branch (as above) missed it.
EXPECTED = {
    "99": {"members": 10, "present": 8, "to_rate": 6, "rated": 4, "strong": 1, "share": "16.67"},
    "991": {"members": 9, "present": 7, "to_rate": 5, "rated": 3, "strong": 1, "share": "20.00"},
    "99101": {"members": 8, "present": 6, "to_rate": 4, "rated": 2, "strong": 1, "share": "25.00"},
}


@pytest.mark.parametrize(
    ("user_attr", "area_code"),
    [("admin", "99"), ("province_user", "99"), ("district_user", "991"), ("commune_user", "99101")],
)
def test_dashboard_shows_the_figures_of_the_users_area(client, data, user_attr, area_code):
    client.force_login(getattr(data, user_attr))
    expected = EXPECTED[area_code]

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert response.context["area"].code == area_code
    figures = response.context["figures"]
    assert (figures.members, figures.membership.total["present"]) == (expected["members"], expected["present"])
    assert (figures.rated_year, figures.strong, figures.rated, figures.to_rate) == (
        2024,
        expected["strong"],
        expected["rated"],
        expected["to_rate"],
    )
    assert figures.strong_share == Decimal(expected["share"])
    assert figures.not_rated == expected["to_rate"] - expected["rated"]
    assert figures.missed_meeting == figures.meeting_branches == expected["to_rate"]
    assert figures.gathering_rate is None
    # The cards show the same figures, in Vietnamese formats.
    assert vietnamese_number(shown(response, "members")) == expected["members"]
    assert vietnamese_number(shown(response, "strong_share")) == Decimal(expected["share"])
    assert vietnamese_number(shown(response, "missed_meeting")) == expected["to_rate"]
    assert shown(response, "gathering_rate") == ""  # no target for this year: blank, not 0
    for kind in ("membership", "ratings", "meetings", "officers"):
        assert reverse(f"reports:{kind}", kwargs={"key": area_code}) in response.content.decode()


def test_dashboard_figures_of_the_district(data):
    today = timezone.localdate()
    figures = headline_figures(data.tree.district_a, today=today)

    assert figures.members == 9
    assert (figures.rated_year, figures.strong, figures.rated, figures.to_rate) == (2024, 1, 3, 5)
    assert figures.strong_share == Decimal("20.00")  # 1 strong of the 5 branches to rate
    assert figures.rated_share == Decimal("60.00")  # 3 of 5 rated
    assert figures.gathering_rate is None
    assert figures.missed_meeting == figures.meeting_branches == 5
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    assert figures.month == (last_month.year, last_month.month)


def test_dashboard_counts_a_meeting_last_month(client, data):
    today = timezone.localdate()
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    factories.meeting(data.branches.a1_doan, last_month, present=5, on_roll=6)
    factories.target_population(data.tree.hamlet_a1, "DOAN", today.year, 10)
    client.force_login(data.district_user)

    response = client.get(reverse("home"))

    figures = response.context["figures"]
    assert figures.missed_meeting == 4  # a1 DOAN met; a1 HND, a2 DOAN, the professional branch and c2 DOAN did not
    # Present today, every organization (7), over the only target entered for this year (10).
    assert figures.gathering_rate == Decimal("70.00")
    assert shown(response, "gathering_rate") == "70,00%"
    assert shown(response, "strong_share") == "20,00%"
    assert f"period=month&amp;year={last_month.year}&amp;month={last_month.month}" in response.content.decode()


def test_landing_after_login_is_the_dashboard(client, data):
    response = client.post(reverse("login"), {"username": "huyen991", "password": "mat-khau-thu-nghiem"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.context["area"].code == "991"


@pytest.mark.parametrize("area_attr", ["province", "district_a", "commune_a", "hamlet_a1"])
def test_the_dashboards_lighter_reports_total_as_the_full_ones(data, area_attr):
    """The headlines ask for less (no rows, or no breakdown by organization): the figures stay the reports'."""
    from reports import selectors

    area = getattr(data.tree, area_attr)
    on, start, end = datetime.date(2025, 12, 31), datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
    full = selectors.membership_report(area=area, on=on)
    light = selectors.membership_report(area=area, on=on, by_organization=False)
    without_split = {key: value for key, value in full.total.items() if key != "organizations"}
    assert light.total == without_split
    assert light.rows == [{k: v for k, v in row.items() if k != "organizations"} for row in full.rows]
    for report in (
        lambda **kw: selectors.ratings_report(area=area, year=2024, **kw),
        lambda **kw: selectors.meetings_report(area=area, start=start, end=end, **kw),
    ):
        assert report(totals_only=True).total == report().total
        assert report(totals_only=True).rows == []
