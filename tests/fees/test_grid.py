"""The collection grid of a branch: ticks and amounts saved, emptied cells removed, refusals that
leave everything as it was, who may see and change it, and a fixed number of queries."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext

from core.concurrency import STALE_MESSAGE
from fees import selectors, services
from fees.models import FeePayment
from tests import factories
from tests.fees.pages_world import *  # noqa: F403 - the fixtures
from tests.fees.pages_world import CHUNG, CN, YEAR, D, cell, expected_due, grid_post, grid_url, pay, payments
from tests.pages import says

pytestmark = pytest.mark.django_db


def test_the_grid_lists_who_owed_each_month_with_the_due_and_the_totals(as_district_a, fees):
    pay(fees.anh, 1, CHUNG)
    pay(fees.dung, 2, 1_000)
    response = as_district_a.get(grid_url(fees.a1))
    assert response.status_code == 200
    rows = {row.membership_id: row for row in response.context["grid"].rows}
    # The roll's order: given names Ánh, Cường, Dung.
    assert list(rows) == [fees.anh.pk, fees.cuong.pk, fees.dung.pk]
    for name in ("anh", "dung", "cuong"):
        membership = getattr(fees, name)
        for month, entry in zip((1, 2, 3), rows[membership.pk].cells, strict=True):
            assert (entry.due if entry else None) == expected_due(name, month), (name, month)
    assert rows[fees.cuong.pk].cells[0] is None  # joined in February
    grid = response.context["grid"]
    due = sum(expected_due(name, month) or 0 for name in ("anh", "dung", "cuong") for month in (1, 2, 3))
    assert (grid.total_due, grid.total_paid) == (due, CHUNG + 1_000)
    assert [(t["due"], t["paid"]) for t in grid.month_totals] == [
        (2 * CHUNG, CHUNG),
        (3 * CHUNG, 1_000),
        (CN + 2 * CHUNG, 0),
    ]
    html = response.content.decode()
    assert 'data-testid="total-due">' + f"{due:,}".replace(",", ".") in html
    assert fees.be.person.full_name not in html  # district B's member


def test_ticks_and_amounts_are_saved_with_the_date_and_collector(as_district_a, fees, district_a):
    url = grid_url(fees.a1)
    drawn = as_district_a.get(url)
    data = grid_post(
        drawn.context,
        {
            f"{cell(fees.anh, 1)}_full": "on",
            f"{cell(fees.anh, 3)}_amount": "2.500",  # typed with the thousands separator
            f"{cell(fees.dung, 2)}_amount": "1000",
            f"{cell(fees.cuong, 3)}_full": "on",
        },
        paid_on="05/04/2024",
        collected_by="Phạm Thu",
    )
    response = as_district_a.post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    on = D(2024, 4, 5)
    assert payments() == {
        (fees.anh.pk, 1, CHUNG, on, "Phạm Thu"),
        (fees.anh.pk, 3, 2_500, on, "Phạm Thu"),
        (fees.dung.pk, 2, 1_000, on, "Phạm Thu"),
        (fees.cuong.pk, 3, CHUNG, on, "Phạm Thu"),
    }
    assert set(FeePayment.objects.values_list("recorded_by", flat=True)) == {district_a.pk}
    shown = as_district_a.get(url)
    assert says(
        shown,
        gettext("Fees saved: %(created)s recorded, %(updated)s changed, %(removed)s removed.")
        % {"created": 4, "updated": 0, "removed": 0},
    )
    rows = {row.membership_id: row for row in shown.context["grid"].rows}
    assert rows[fees.anh.pk].cells[0].full and rows[fees.anh.pk].cells[2].part
    assert (rows[fees.anh.pk].due, rows[fees.anh.pk].paid) == (CHUNG * 2 + CN, CHUNG + 2_500)
    form = shown.context["form"]
    # Drawn back: a full month ticked, a part payment with its amount.
    assert form[f"{cell(fees.anh, 1)}_full"].value() is True
    assert form[f"{cell(fees.anh, 3)}_amount"].value() == 2_500


def test_an_emptied_cell_removes_the_payment_and_a_changed_amount_updates_it(as_district_a, fees):
    full = pay(fees.anh, 1, CHUNG)
    part = pay(fees.dung, 2, 1_000, by="Cũ")
    kept = pay(fees.dung, 1, CHUNG, by="Cũ")
    url = grid_url(fees.a1)
    data = grid_post(
        as_district_a.get(url).context,
        {f"{cell(fees.anh, 1)}_full": None, f"{cell(fees.dung, 2)}_amount": "1500"},
        paid_on="06/04/2024",
        collected_by="Mới",
    )
    assert as_district_a.post(url, data).status_code == 302
    assert payments() == {
        (fees.dung.pk, 2, 1_500, D(2024, 4, 6), "Mới"),
        (fees.dung.pk, 1, CHUNG, kept.paid_on, "Cũ"),  # unchanged cells keep their date and collector
    }
    # The history keeps what was there: the removal and the change.
    assert full.history.filter(history_type="-").count() == 1
    history = [(h.history_type, h.amount) for h in part.history.order_by("history_date")]
    assert history == [("+", 1_000), ("~", 1_500)]


BAD_CELLS = [
    ("negative", lambda f: {f"{cell(f.anh, 2)}_amount": "-500"}, "the amount cannot be negative.", "anh", 2),
    (
        "zero",
        lambda f: {f"{cell(f.dung, 1)}_amount": "0"},
        "type an amount above 0, or empty the cell to remove the payment.",
        "dung",
        1,
    ),
    (
        "above the due",
        lambda f: {f"{cell(f.dung, 3)}_amount": "9000"},
        "%(amount)s đ is more than the month's due (%(due)s đ).",
        "dung",
        3,
    ),
]


@pytest.mark.parametrize(("case", "changes", "problem", "who", "month"), BAD_CELLS, ids=[c[0] for c in BAD_CELLS])
def test_a_refused_cell_leaves_every_payment_as_it_was(as_district_a, fees, case, changes, problem, who, month):
    pay(fees.anh, 1, CHUNG)
    pay(fees.dung, 2, 1_000)
    before = payments()
    url = grid_url(fees.a1)
    # A good change beside the bad one: neither is saved.
    data = grid_post(as_district_a.get(url).context, {f"{cell(fees.cuong, 2)}_full": "on", **changes(fees)})
    response = as_district_a.post(url, data)
    assert response.status_code == 400
    assert payments() == before
    member = getattr(fees, who)
    detail = gettext(problem) % {"amount": "9.000", "due": "2.000"} if "%(" in problem else gettext(problem)
    message = gettext("%(member)s, month %(month)s/%(year)s: %(problem)s") % {
        "member": member.person.full_name,
        "month": month,
        "year": YEAR,
        "problem": detail,
    }
    assert says(response, message)


def test_a_payment_date_in_the_future_is_refused_on_its_field(as_district_a, fees):
    url = grid_url(fees.a1)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = grid_post(
        as_district_a.get(url).context, {f"{cell(fees.anh, 1)}_full": "on"}, paid_on=tomorrow.strftime("%d/%m/%Y")
    )
    response = as_district_a.post(url, data)
    assert response.status_code == 400 and not FeePayment.objects.exists()
    assert response.context["form"].errors["paid_on"] == [gettext("The payment date cannot be later than today.")]


def test_a_page_changed_by_someone_else_meanwhile_is_not_saved(as_district_a, fees):
    theirs = pay(fees.dung, 2, 1_000, by="Người khác")
    url = grid_url(fees.a1)
    drawn = as_district_a.get(url).context
    services.save_fee_grid(  # someone else tops it up after the page was drawn
        user=factories.user("district", fees.tree.district_a),
        branch=fees.a1,
        year=YEAR,
        cells=[services.FeeCell(fees.dung.pk, 2, full=True)],
        paid_on=D(2024, 4, 1),
        collected_by="Người khác",
    )
    data = grid_post(drawn, {f"{cell(fees.anh, 1)}_full": "on"})
    response = as_district_a.post(url, data)
    assert response.status_code == 400 and says(response, STALE_MESSAGE)
    theirs.refresh_from_db()
    assert theirs.amount == CHUNG and not FeePayment.objects.filter(membership=fees.anh).exists()


def test_the_service_refuses_a_month_not_owed_a_branch_outside_the_area_and_readers(fees, district_a, province_user):
    january = [services.FeeCell(fees.cuong.pk, 1, full=True)]  # Cường joined in February
    with pytest.raises(ValidationError) as refused:
        services.save_fee_grid(
            user=district_a, branch=fees.a1, year=YEAR, cells=january, paid_on=D(2024, 4, 1), collected_by=""
        )
    assert refused.value.messages == [
        gettext("Month %(month)s/%(year)s was not owed in %(branch)s by the member of this cell.")
        % {"month": 1, "year": YEAR, "branch": fees.a1.name}
    ]
    with pytest.raises(ValidationError) as refused:
        services.save_fee_grid(
            user=district_a,
            branch=fees.b1,
            year=YEAR,
            cells=[services.FeeCell(fees.be.pk, 1, full=True)],
            paid_on=D(2024, 4, 1),
            collected_by="",
        )
    assert refused.value.messages == [gettext("%(branch)s lies outside your area.") % {"branch": fees.b1.name}]
    with pytest.raises(PermissionDenied):
        services.save_fee_grid(
            user=province_user, branch=fees.a1, year=YEAR, cells=january, paid_on=D(2024, 4, 1), collected_by=""
        )
    assert not FeePayment.objects.exists()


def test_readers_see_the_grid_without_inputs_and_may_not_post(as_province, fees):
    pay(fees.anh, 1, CHUNG)
    url = grid_url(fees.a1)
    response = as_province.get(url)
    html = response.content.decode()
    assert response.status_code == 200 and response.context["editable"] is False
    assert f'name="{cell(fees.anh, 2)}_amount"' not in html and 'data-testid="save"' not in html
    assert 'data-action="print"' in html and 'data-testid="document-header"' in html
    assert as_province.post(url, {"paid_on": "01/04/2024", f"{cell(fees.anh, 2)}_full": "on"}).status_code == 403
    assert FeePayment.objects.count() == 1


def test_another_districts_user_gets_404(as_district_b, fees):
    url = grid_url(fees.a1)
    assert as_district_b.get(url).status_code == 404
    assert as_district_b.post(url, {"paid_on": "01/04/2024"}).status_code == 404
    assert not FeePayment.objects.exists()


def test_another_communes_user_gets_404(client, fees):
    commune_b = factories.user("commune", fees.tree.commune_b)
    client.force_login(commune_b)
    assert client.get(grid_url(fees.a1)).status_code == 404
    assert client.get(grid_url(fees.b1)).status_code == 200


def test_the_print_version_lists_everyone_read_only(as_district_a, fees, monkeypatch):
    monkeypatch.setattr(selectors, "CELLS_PER_PAGE", 3)  # one member per page of a quarter
    pay(fees.anh, 1, CHUNG)
    paged = as_district_a.get(grid_url(fees.a1))
    assert len(paged.context["grid"].rows) == 1 and paged.context["grid"].page.paginator.num_pages == 3
    printed = as_district_a.get(grid_url(fees.a1, print="1"))
    assert len(printed.context["grid"].rows) == 3 and printed.context["editable"] is False
    # The totals are the branch's, whatever the page.
    assert paged.context["grid"].total_due == printed.context["grid"].total_due


def test_a_page_of_the_grid_saves_only_its_own_members(as_district_a, fees, monkeypatch):
    monkeypatch.setattr(selectors, "CELLS_PER_PAGE", 3)
    pay(fees.anh, 1, CHUNG)
    url = grid_url(fees.a1, page=2)  # Cường
    data = grid_post(as_district_a.get(url).context, {f"{cell(fees.cuong, 2)}_full": "on"})
    assert f"{cell(fees.anh, 1)}_full" not in data
    assert as_district_a.post(url, data).status_code == 302
    assert {(m, month) for m, month, *_rest in payments()} == {(fees.anh.pk, 1), (fees.cuong.pk, 2)}


@pytest.mark.parametrize("who", ["district", "province"])
def test_the_grid_runs_a_fixed_number_of_queries(client, fees, who, django_assert_num_queries):
    user = factories.user(who, fees.tree.district_a if who == "district" else fees.tree.province)
    client.force_login(user)
    url = grid_url(fees.a1, period="year")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(6):
        member = factories.membership(fees.a1, person=factories.person(f"Hội Viên {i}"), joined_on=D(2023, 1, 1))
        pay(member, 1 + i, CHUNG)
        pay(member, 12, 1_000)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["grid"].rows) == 9
