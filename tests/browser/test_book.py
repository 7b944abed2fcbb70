"""The member book in a real browser: a district officer ends the aged-out members of a branch (chooses
the whole branch, confirms, sees them ended with the associations that would take them), then issues a
letter of introduction and opens its page to print (the official header on paper only)."""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from book.models import TransferLetter
from members.models import EndReason, Gender, Membership
from tests import factories
from tests.browser.test_flows import _expect, log_in, snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = datetime.date


@pytest.fixture
def scene(reference_data):
    year = timezone.localdate().year
    tree = factories.area_tree()
    a1 = factories.branch(tree.hamlet_a1, code="A1-DOAN", name="Chi đoàn Tân Phú")
    b1 = factories.branch(tree.hamlet_b1, code="B1-DOAN", name="Chi đoàn Bình Hòa")
    lhpn = factories.branch(tree.hamlet_a1, "LHPN", code="A1-LHPN", name="Chi hội Phụ nữ Tân Phú")

    def member(name, gender=Gender.MALE, **birth):
        who = factories.person(name, gender=gender, residence=tree.hamlet_a1, **birth)
        return factories.membership(a1, person=who, joined_on=D(2012, 3, 26))

    return SimpleNamespace(
        tree=tree,
        a1=a1,
        b1=b1,
        lhpn=lhpn,
        over=member("Trần Thị Mai", Gender.FEMALE, birth_year=year - 36, birth_date=D(year - 36, 5, 19)),
        turning=member("Lê Văn Tài", birth_year=year - 31),  # the birth year alone: over the limit this year
        young=member("Phạm Văn Trẻ", birth_year=year - 25),
        staff=factories.user(Role.DISTRICT, tree.district_a, username="huyen-a"),
    )


def test_an_officer_ends_the_aged_out_members_of_a_branch_and_sees_the_suggestions(page, scene):
    expect = _expect()
    log_in(page, "huyen-a")
    page.goto(reverse("branches:branch", args=[scene.a1.pk]))
    page.click("[data-testid=member-book] [data-testid=ageing]")
    rows = page.locator("[data-testid=ageing-branch] tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("[data-testid=ageing-branch]")).not_to_contain_text("Phạm Văn Trẻ")
    page.check("[data-testid=whole-branch]")
    page.click("[data-testid=preview]")
    expect(page.locator("[data-testid=ageing-preview]")).to_contain_text("Trần Thị Mai")
    expect(page.locator("[data-testid=ageing-preview]")).to_contain_text("Lê Văn Tài")
    snap(page, "ageing_preview")
    page.click("[data-testid=confirm]")

    expect(page.locator(".alert-success")).to_be_visible()
    ended = page.locator("[data-testid=aged-out] tbody tr")
    expect(ended).to_have_count(2)
    woman = page.locator(f"[data-testid=aged-out] tr[data-membership='{scene.over.pk}']")
    expect(woman.locator("[data-testid=suggestion][data-organization=LHPN]")).to_contain_text(scene.lhpn.name)
    man = page.locator(f"[data-testid=aged-out] tr[data-membership='{scene.turning.pk}']")
    expect(man.locator("[data-testid=suggestion][data-organization=LHPN]")).to_have_count(0)
    snap(page, "ageing_ended")
    assert set(Membership.objects.filter(end_reason=EndReason.AGED_OUT).values_list("pk", flat=True)) == {
        scene.over.pk,
        scene.turning.pk,
    }
    # The link opens the membership form filled in with the association's branch and the date.
    woman.locator("[data-testid=suggestion][data-organization=LHPN]").click()
    expect(page.locator("#id_branch")).to_have_value(str(scene.lhpn.pk))
    expect(page.locator("#id_joined_on")).to_have_value(timezone.localdate().strftime("%d/%m/%Y"))


def test_an_officer_issues_a_letter_and_prints_it(page, scene):
    expect = _expect()
    log_in(page, "huyen-a")
    page.goto(reverse("members:person", args=[scene.young.person_id]))
    page.click(f"[data-testid=membership-{scene.young.pk}] [data-testid=issue-letter]")
    page.fill("#id_to_branch_code", "B1-DOAN")
    page.fill("#id_reason", "Chuyển nơi cư trú")
    page.click("[data-testid=save]")

    letter = TransferLetter.objects.get()
    expect(page.locator(".alert-success")).to_contain_text(letter.number)
    expect(page.locator("[data-testid=letter-number]")).to_contain_text(letter.number)
    expect(page.locator("[data-testid=document-header]")).to_be_hidden()  # on paper only
    page.emulate_media(media="print")
    header = page.locator("[data-testid=document-header]")
    expect(header).to_be_visible()
    expect(header).to_contain_text("ĐOÀN THANH NIÊN XÃ TÂN MỸ")
    expect(header).to_contain_text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    expect(page.locator("[data-testid=letter-title]")).to_have_text("GIẤY GIỚI THIỆU SINH HOẠT")
    expect(page.locator("[data-testid=letter]")).to_contain_text("Phạm Văn Trẻ")
    expect(page.locator("[data-testid=print]")).to_be_hidden()
    snap(page, "letter_print")
    assert letter.to_branch == scene.b1 and letter.number.endswith("/GGT-ĐTN-99101")
