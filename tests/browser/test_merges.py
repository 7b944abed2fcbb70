"""Commune staff merge two hamlets into a third, then the branches of one organization, in a real browser."""

import pytest
from django.urls import reverse

from branches.models import Branch
from members.merge import MERGE_REASON
from members.models import MembershipPeriod
from tests.areas import merge_world
from tests.browser.test_flows import _expect, log_in, snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(reference_data):
    return merge_world.build()


def test_commune_staff_merge_two_hamlets_and_then_their_branches(page, world):
    expect = _expect()
    survivor = world.hamlets["99101-01"]
    log_in(page, "xa99101")
    page.goto(reverse("branches:area", args=[world.tree.commune_a.key]))
    page.click("[data-testid=merge-hamlets]")
    page.select_option("#id_into", str(survivor.pk))
    for code in ("99101-02", "99101-03"):
        page.check(f"input[name=hamlets][value='{world.hamlets[code].pk}']")
    page.fill("#id_effective_on", "01/07/2026")
    page.click("[data-testid=preview]")
    preview = page.locator("[data-testid=merge-preview]")
    expect(preview).to_contain_text("Ấp Tân Thạnh")
    moving = sum(1 for s in world.stories if s.ended_on is None and not s.changes[-1][1].startswith("99101-01"))
    expect(preview.locator("tfoot td").last).to_have_text(str(moving))
    snap(page, "hamlet_merge_preview")
    page.click("[data-testid=confirm]")
    expect(page.locator(".alert-success")).to_contain_text("Đã sáp nhập các ấp vào Ấp Tân Phú")

    into = world.branches["99101-01-DOAN"]
    page.goto(reverse("branches:branch", args=[into.pk]))
    page.click("[data-testid=merge-branches]")
    for code in ("99101-02-DOAN", "99101-03-DOAN"):
        page.check(f"input[name=branches][value='{world.branches[code].pk}']")
    page.fill("#id_effective_on", "01/07/2026")
    page.click("[data-testid=preview]")
    members = [
        s for s in world.stories if s.org == "DOAN" and s.ended_on is None and s.changes[-1][1] != "99101-01-DOAN"
    ]
    expect(page.locator("[data-testid=members-moving] tbody tr")).to_have_count(len(members))
    expect(page.locator("[data-testid=terms-ending]")).to_contain_text("vẫn giữ nhiệm vụ ở chi này")
    snap(page, "branch_merge_preview")
    page.click("[data-testid=confirm]")
    expect(page.locator(".alert-success")).to_contain_text(f"{len(members)} người được chuyển sang ngày 01/07/2026")
    assert MembershipPeriod.objects.filter(change_reason=MERGE_REASON, branch=into).count() == len(members)
    assert set(Branch.objects.filter(merged_into=into).values_list("code", flat=True)) == {
        "99101-02-DOAN",
        "99101-03-DOAN",
    }
