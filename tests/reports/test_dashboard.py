"""The landing page: headline figures of the user's area with links into the reports."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.headlines import headline_figures
from tests import factories
from tests.reports.page_data import build_dataset


@pytest.fixture
def data(db):
    return build_dataset()


@pytest.mark.parametrize(
    ("user_attr", "area_code"),
    [("admin", "99"), ("province_user", "99"), ("district_user", "991"), ("commune_user", "99101")],
)
def test_dashboard_renders_for_every_role(client, data, user_attr, area_code):
    client.force_login(getattr(data, user_attr))

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert response.context["area"].code == area_code
    content = response.content.decode()
    for figure in ("members", "gathering_rate", "strong_share", "missed_meeting"):
        assert f'data-figure="{figure}"' in content
    for kind in ("membership", "ratings", "meetings", "officers"):
        assert reverse(f"reports:{kind}", kwargs={"key": area_code}) in content


def test_dashboard_figures_of_the_district(data):
    today = timezone.localdate()
    figures = headline_figures(data.tree.district_a, today=today)

    # Memberships today: those of 31/12/2024 plus p9, who joined in 2025.
    assert figures.members == 9
    # 2024 is the last year with approved ratings: 1 strong of 3 approved.
    assert figures.rated_year == 2024
    assert (figures.strong, figures.rated) == (1, 3)
    assert str(figures.strong_share) == "33.33"
    # No target population for this year: the rate is blank.
    assert figures.gathering_rate is None
    # Nobody met last month: every active branch missed it.
    assert figures.missed_meeting == figures.meeting_branches == 5


def test_dashboard_counts_a_meeting_last_month(client, data):
    today = timezone.localdate()
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    factories.meeting(data.branches.a1_doan, last_month, present=5, on_roll=6)
    factories.target_population(data.tree.hamlet_a1, "DOAN", today.year, 10)
    client.force_login(data.district_user)

    response = client.get(reverse("home"))

    figures = response.context["figures"]
    assert figures.missed_meeting == 4
    assert figures.gathering_rate is not None
    content = response.content.decode()
    assert "33,33%" in content  # strong share, Vietnamese format
    assert f"period=month&amp;year={last_month.year}&amp;month={last_month.month}" in content


def test_landing_after_login_is_the_dashboard(client, data):
    response = client.post(reverse("login"), {"username": "huyen991", "password": "mat-khau-thu-nghiem"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.context["area"].code == "991"
