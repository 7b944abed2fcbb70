"""Members' ratings in a real browser: district staff open a branch's grid from the branch page, grade
its members and submit; the provincial officer approves them; the person page shows the rating."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from ratings.models import MemberRating, RatingState
from tests import factories
from tests.browser.test_flows import _expect, log_in, snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scene(reference_data):
    tree = factories.area_tree()
    branch = factories.branch(tree.hamlet_a1, "DOAN", code="A1-DOAN", name="Chi đoàn Tân Phú")
    an = factories.membership(
        branch, person=factories.person("Nguyễn Văn An", 1996), joined_on=datetime.date(2020, 1, 1)
    )
    binh = factories.membership(
        branch, person=factories.person("Trần Thị Bình", 1999, gender="female"), joined_on=datetime.date(2021, 3, 26)
    )
    factories.user(Role.DISTRICT, tree.district_a, username="huyen-a")
    factories.user(Role.PROVINCE, tree.province, username="tinh99")
    return {"branch": branch, "an": an, "binh": binh, "year": timezone.localdate().year}


def test_staff_grade_and_submit_the_province_approves(page, scene):
    expect = _expect()
    an, binh, year = scene["an"], scene["binh"], scene["year"]
    log_in(page, "huyen-a")
    page.goto(reverse("branches:branch", args=[scene["branch"].pk]))
    page.click("[data-testid=member-ratings]")
    expect(page.locator("h1")).to_contain_text(str(year))
    page.select_option(f"#id_m{an.pk}-grade", label="Hoàn thành xuất sắc nhiệm vụ")
    page.fill(f"#id_m{an.pk}-note", "Tiêu biểu trong phong trào tình nguyện")
    page.select_option(f"#id_m{binh.pk}-grade", label="Hoàn thành tốt nhiệm vụ")
    page.click("[data-testid=submit]")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator(f"[data-testid=member-{an.pk}]")).to_have_attribute("data-state", "submitted")
    snap(page, "member_ratings_submitted")

    page.context.clear_cookies()
    log_in(page, "tinh99")
    page.goto(reverse("ratings:member_grid", args=[scene["branch"].pk, year]))
    for membership in (an, binh):
        page.check(f"[data-testid=member-{membership.pk}] input[name=selected]")
    page.click("[data-testid=approve]")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator(f"[data-testid=member-{binh.pk}]")).to_have_attribute("data-state", "approved")
    snap(page, "member_ratings_approved")
    assert set(MemberRating.objects.values_list("state", flat=True)) == {RatingState.APPROVED}

    page.goto(reverse("members:person", args=[an.person_id]))
    expect(page.locator("[data-testid=member-ratings]")).to_contain_text("Hoàn thành xuất sắc nhiệm vụ")
