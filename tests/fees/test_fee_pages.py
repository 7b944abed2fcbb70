"""A member's fees on the person's page, the fee category page, the grid's button on the branch
page, and the fees' admin, each within the user's area."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from fees import services
from fees.models import CategoryAssignment, FeeCategory, FeePayment, FeeRate
from tests import factories
from tests.fees.pages_world import *  # noqa: F403 - the fixtures
from tests.fees.pages_world import CHUNG, CN, D, grid_url, pay
from tests.pages import says
from tests.workbooks.helpers import read

pytestmark = pytest.mark.django_db


def person_url(membership) -> str:
    return reverse("members:person", args=[membership.person_id])


def category_url(membership) -> str:
    return reverse("fees:category", args=[membership.pk])


def test_the_person_page_shows_the_payments_and_the_months_left_unpaid(as_district_a, fees):
    today = timezone.localdate()
    pay(fees.dung, 1, CHUNG, year=today.year, on=D(today.year, 1, 5), by="Phạm Thu")
    if today.month >= 2:
        pay(fees.dung, 2, 500, year=today.year, on=D(today.year, 2, 5))
    pay(fees.dung, 12, CHUNG, year=today.year - 1)
    pay(fees.dung, 5, CHUNG, year=today.year - 2)  # older than last year: not listed
    response = as_district_a.get(person_url(fees.dung))
    html = response.content.decode()
    section = html[html.index(f'data-testid="fees-{fees.dung.pk}"') :]
    section = section[: section.index("</section>")]
    assert f"05/01/{today.year}" in section and "Phạm Thu" in section
    assert f"12/{today.year - 1}" in section and f"5/{today.year - 2}" not in section
    # Owed and not paid in full: every month of last year but December, this year's up to this month but January.
    unpaid = section[section.index('data-testid="fees-unpaid"') : section.index("</details>")]
    expected = [(today.year - 1, m) for m in range(1, 12)] + [(today.year, m) for m in range(2, today.month + 1)]
    for year, month in expected:
        assert f'data-year="{year}" data-month="{month}"' in unpaid, (year, month)
    assert f'data-year="{today.year}" data-month="1"' not in unpaid
    remaining = len(expected) * CHUNG - (500 if today.month >= 2 else 0)
    assert f"{remaining:,}".replace(",", ".") + " đ" in unpaid
    assert 'data-testid="change-fee-category"' in section


def test_readers_see_the_payments_but_no_category_link(as_province, fees):
    pay(fees.anh, 1, CHUNG, year=timezone.localdate().year)
    html = as_province.get(person_url(fees.anh)).content.decode()
    assert f'data-testid="fees-{fees.anh.pk}"' in html and 'data-testid="fee-payments"' in html
    assert 'data-testid="change-fee-category"' not in html
    assert as_province.get(category_url(fees.anh)).status_code == 403


def test_the_person_page_runs_a_fixed_number_of_queries(as_district_a, fees, django_assert_num_queries):
    with CaptureQueriesContext(connection) as few:
        as_district_a.get(person_url(fees.anh))
    year = timezone.localdate().year
    for month in range(1, 8):
        pay(fees.anh, month, CHUNG, year=year - 1)
    hnd = factories.branch(fees.tree.hamlet_a1, "HND", code="A1-HND")
    factories.membership(hnd, person=fees.anh.person, joined_on=D(2022, 1, 1))
    with django_assert_num_queries(len(few.captured_queries)):
        response = as_district_a.get(person_url(fees.anh))
    assert response.content.decode().count('data-testid="fees-') >= 2


def test_a_member_is_placed_in_a_category_from_a_date(as_district_a, fees):
    response = as_district_a.get(category_url(fees.dung))
    assert response.status_code == 200
    assert list(response.context["form"].fields["category"].queryset) == [fees.chung, fees.cn]
    response = as_district_a.post(category_url(fees.dung), {"category": fees.cn.pk, "valid_from": "01/07/2024"})
    assert response.status_code == 302 and response["Location"] == person_url(fees.dung)
    assignment = CategoryAssignment.objects.get(membership=fees.dung)
    assert (assignment.category, assignment.valid_from) == (fees.cn, D(2024, 7, 1))
    shown = as_district_a.get(person_url(fees.dung))
    message = gettext("From %(date)s, %(member)s pays in the category “%(category)s”.") % {
        "date": "01/07/2024",
        "member": fees.dung.person.full_name,
        "category": fees.cn.name,
    }
    assert says(shown, message)
    # The months from July are priced in the new category, the months before as they were.
    grid = as_district_a.get(grid_url(fees.a1, period="year")).context["grid"]
    row = next(row for row in grid.rows if row.membership_id == fees.dung.pk)
    assert [cell.due for cell in row.cells] == [CHUNG] * 6 + [CN] * 6


def test_a_second_change_on_the_same_date_is_refused(as_district_a, fees):
    response = as_district_a.post(category_url(fees.anh), {"category": fees.chung.pk, "valid_from": "01/03/2024"})
    assert response.status_code == 400
    assert response.context["form"].errors["valid_from"] == [
        gettext("The member's category already changes on %(date)s.") % {"date": "01/03/2024"}
    ]
    assert CategoryAssignment.objects.filter(membership=fees.anh).count() == 1


def test_a_category_of_another_organization_is_refused(fees):
    hnd_default = FeeCategory.objects.get(organization__code="HND", is_default=True)
    with pytest.raises(ValidationError) as refused:
        services.assign_category(membership=fees.dung, category=hnd_default, valid_from=D(2024, 1, 1))
    assert refused.value.message_dict == {"category": [gettext("This category belongs to another organization.")]}
    assert not CategoryAssignment.objects.filter(membership=fees.dung).exists()


def test_another_districts_and_communes_users_get_404_on_the_category_page(client, as_district_b, fees):
    assert as_district_b.get(category_url(fees.anh)).status_code == 404
    assert (
        as_district_b.post(category_url(fees.anh), {"category": fees.chung.pk, "valid_from": "01/01/2025"}).status_code
        == 404
    )
    commune_b = factories.user("commune", fees.tree.commune_b)
    client.force_login(commune_b)
    assert client.get(category_url(fees.anh)).status_code == 404
    assert client.get(category_url(fees.be)).status_code == 200
    assert CategoryAssignment.objects.count() == 1


def test_the_branch_page_links_to_the_grid(as_district_a, fees):
    today = timezone.localdate()
    html = as_district_a.get(reverse("branches:branch", args=[fees.a1.pk])).content.decode()
    expected = reverse("fees:grid", args=[fees.a1.pk, today.year]) + f"?period=q{(today.month + 2) // 3}"
    assert f'href="{expected}" data-testid="fee-grid-link"' in html


# --- the admin -------------------------------------------------------------------------------


def test_the_admin_lists_payments_of_the_users_area_read_only(client, district_a, fees):
    mine, theirs = pay(fees.anh, 1, CHUNG), pay(fees.be, 1, CHUNG)
    client.force_login(district_a)
    listing = client.get(reverse("admin:fees_feepayment_changelist"))
    assert listing.status_code == 200
    assert list(listing.context["cl"].queryset) == [mine]
    assert client.get(reverse("admin:fees_feepayment_change", args=[mine.pk])).status_code == 200
    assert client.get(reverse("admin:fees_feepayment_change", args=[theirs.pk])).status_code == 404
    page = client.post(reverse("admin:fees_feepayment_change", args=[mine.pk]), {"amount": 1})
    assert page.status_code == 403
    assert client.get(reverse("admin:fees_feepayment_add")).status_code == 403
    mine.refresh_from_db()
    assert mine.amount == CHUNG
    # Its Export button writes the listed payments in the fees template's layout.
    exported = client.get(reverse("admin:fees_feepayment_export"))
    lines = list(read(exported.content).worksheets[0].iter_rows(min_row=2, values_only=True))
    assert [(line[0], line[2], line[5], line[6]) for line in lines] == [("A1-DOAN", "Nguyễn Văn Ánh", 1, CHUNG)]


def test_the_admin_of_categories_rates_and_members_categories(client, district_a, admin_user, fees):
    client.force_login(admin_user)
    page = client.get(reverse("admin:fees_feecategory_change", args=[fees.cn.pk]))
    assert page.status_code == 200 and "rates-TOTAL_FORMS" in page.content.decode()
    assert client.get(reverse("admin:fees_feeshare_changelist")).status_code == 200
    client.force_login(district_a)
    # District staff read the reference data, but do not change it.
    assert client.get(reverse("admin:fees_feecategory_changelist")).status_code == 200
    assert client.post(reverse("admin:fees_feecategory_change", args=[fees.cn.pk]), {}).status_code == 403
    listing = client.get(reverse("admin:fees_categoryassignment_changelist"))
    assert [a.membership_id for a in listing.context["cl"].queryset] == [fees.anh.pk]
    hnd_default = FeeCategory.objects.get(organization__code="HND", is_default=True)
    refused = client.post(
        reverse("admin:fees_categoryassignment_add"),
        {"membership": fees.dung.pk, "category": hnd_default.pk, "valid_from": "01/01/2024"},
    )
    assert refused.status_code == 200 and refused.context["adminform"].form.errors["category"]
    outside = CategoryAssignment.objects.create(membership=fees.be, category=fees.chung, valid_from=D(2024, 1, 1))
    assert client.get(reverse("admin:fees_categoryassignment_change", args=[outside.pk])).status_code == 404
    assert FeeRate.objects.filter(category=fees.cn).count() == 1 and not FeePayment.objects.exists()
