"""Fees in a real browser: a district officer opens a branch's collection grid for the quarter from
the branch page, ticks a month paid in full and types a part payment, saves and sees them, then
reads what was collected in the fees report (report 7.5)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from fees.models import FeeCategory, FeePayment, FeeRate, FeeShare
from tests import factories
from tests.browser.test_flows import _expect, log_in, snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = datetime.date
DUE = 2_000


@pytest.fixture
def scene(reference_data):
    tree = factories.area_tree()
    doan = factories.organization("DOAN")
    # A transactional test flushed the data migration's default category: put it back.
    default, _created = FeeCategory.objects.get_or_create(
        organization=doan, code="chung", defaults={"name": "Không có thu nhập", "is_default": True}
    )
    FeeRate.objects.create(category=default, amount=DUE, valid_from=D(2020, 1, 1))
    FeeShare.objects.create(organization=doan, percent=40, valid_from=D(2020, 1, 1))
    a1 = factories.branch(tree.hamlet_a1, code="A1-DOAN", name="Chi đoàn Tân Phú")
    anh = factories.membership(a1, person=factories.person("Nguyễn Văn Ánh"), joined_on=D(2020, 1, 1))
    dung = factories.membership(
        a1, person=factories.person("Đặng Thị Dung", gender="female", birth_year=1998), joined_on=D(2021, 5, 1)
    )
    factories.user(Role.DISTRICT, tree.district_a, username="huyen-a")
    return {"a1": a1, "anh": anh, "dung": dung}


def test_a_district_officer_records_the_quarters_fees_and_reads_the_report(page, scene):
    expect = _expect()
    today = timezone.localdate()
    first = (today.month - 1) // 3 * 3 + 1  # the quarter's first month
    anh, dung = scene["anh"], scene["dung"]
    log_in(page, "huyen-a")
    page.goto(reverse("branches:branch", args=[scene["a1"].pk]))
    page.click("[data-testid=fee-grid-link]")
    grid = page.locator("[data-testid=fee-grid]")
    expect(grid.locator(f"tr[data-membership='{anh.pk}']")).to_contain_text("Nguyễn Văn Ánh")
    page.check(f"#id_c{anh.pk}_{first}_full")
    page.fill(f"#id_c{dung.pk}_{first}_amount", "1.000")
    page.fill("#id_collected_by", "Phạm Thu")
    snap(page, "fee_grid_entry")
    page.click("[data-testid=save]")
    expect(page.locator(".alert-success")).to_be_visible()
    cell = grid.locator(f"tr[data-membership='{anh.pk}'] td[data-month='{first}']")
    expect(cell).to_have_attribute("data-paid", str(DUE))
    expect(cell.locator("[data-testid=paid-on]")).to_contain_text("Phạm Thu")
    expect(page.locator(f"#id_c{anh.pk}_{first}_full")).to_be_checked()
    expect(page.locator(f"#id_c{dung.pk}_{first}_amount")).to_have_value("1.000")
    expect(page.locator("[data-testid=total-paid]")).to_have_text("3.000")
    snap(page, "fee_grid_saved")
    assert set(FeePayment.objects.values_list("membership_id", "month", "amount", "paid_on", "collected_by")) == {
        (anh.pk, first, DUE, today, "Phạm Thu"),
        (dung.pk, first, 1_000, today, "Phạm Thu"),
    }

    page.goto(reverse("reports:fees"))  # the quarter under way, the user's district
    total = page.locator("[data-testid=report-table] tfoot tr[data-row=total]").first  # then one per organization
    expect(total.locator("td[data-column=collected]")).to_have_text("3.000")
    snap(page, "fees_report")
