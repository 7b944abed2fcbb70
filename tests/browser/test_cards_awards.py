"""The member book's cards and awards in a real browser: district staff issue a card and reissue
it after a loss, record a giấy khen, find who still has no card, and read the year's awards report."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from book.models import Award, MemberCard
from tests import factories
from tests.browser.test_flows import _expect, log_in, snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scene(reference_data):
    tree = factories.area_tree()
    factories.user(Role.DISTRICT, tree.district_a, username="huyen-a")
    branch = factories.branch(tree.hamlet_a1, code="A1-DOAN", name="Chi đoàn Tân Phú")
    anh = factories.person("Nguyễn Văn Ánh", residence=tree.hamlet_a1)
    membership = factories.membership(branch, person=anh, joined_on=datetime.date(2020, 1, 1))
    factories.membership(branch, person=factories.person("Đặng Thị Dung", gender="female"))
    return {"tree": tree, "anh": anh, "membership": membership}


def test_staff_issue_and_reissue_a_card_record_an_award_and_read_the_report(page, scene):
    expect = _expect()
    today = timezone.localdate()
    membership = scene["membership"]
    log_in(page, "huyen-a")

    page.goto(reverse("members:person", args=[scene["anh"].pk]))
    page.click("[data-testid=card-issue]")
    page.fill("#id_number", "DV2020-0001")
    page.fill("#id_issued_on", "15/02/2020")
    page.click("[data-testid=save]")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("[data-testid=card-in-use]")).to_contain_text("DV2020-0001")

    page.click("[data-testid=card-reissue]")
    page.fill("#id_number", "DV2024-0777")
    page.fill("#id_issued_on", today.strftime("%d/%m/%Y"))
    page.select_option("#id_reason", "lost")
    page.click("[data-testid=save]")
    expect(page.locator("[data-testid=card-in-use]")).to_contain_text("DV2024-0777")
    expect(page.locator("[data-testid=card-earlier]")).to_contain_text("DV2020-0001")
    assert list(MemberCard.objects.filter(membership=membership).values_list("number", flat=True).order_by("pk")) == [
        "DV2020-0001",
        "DV2024-0777",
    ]

    page.click("[data-testid=award-add]")
    page.select_option("#id_form", "certificate")
    page.fill("#id_decided_on", today.strftime("%d/%m/%Y"))
    page.fill("#id_decision_number", "25-QĐ/ĐTN")
    page.click("[data-testid=save]")
    expect(page.locator("[data-testid=awards]")).to_contain_text("25-QĐ/ĐTN")
    snap(page, "person_cards_awards")
    assert Award.objects.get(person=scene["anh"]).branch_id == membership.branch_id

    page.goto(reverse("branches:area", args=[scene["tree"].commune_a.key]))
    page.click("[data-testid=cards-missing]")
    listed = page.locator("[data-testid=missing-members]")
    expect(listed).to_contain_text("Đặng Thị Dung")
    expect(listed).not_to_contain_text("Nguyễn Văn Ánh")
    snap(page, "cards_missing")

    page.goto(f"{reverse('reports:awards')}?year={today.year}")
    expect(page.locator("[data-testid=report-table] tfoot")).to_contain_text("1")
    snap(page, "awards_report")
