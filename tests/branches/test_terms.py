"""Terms (nhiệm kỳ) and congresses (QĐ 784, point 5): the term pages, the officers elected for
a term, the list of congresses due with its vacancies and its download, and who may see them.

Dates are counted from today (the page lists what is due from today); the expected lists
and vacancies are worked out by hand from the story of each test.
"""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from areas.models import Area
from branches import services, terms
from branches.models import AllowanceRate, BranchTerm, FundingSource, Officer, OfficerRole, SourceLevel
from demo import duty_allowances
from tests import factories
from tests.pages import says, text

D = datetime.date
DAY = datetime.timedelta(days=1)
HEAD, DEPUTY, COMMITTEE = OfficerRole.HEAD, OfficerRole.DEPUTY, OfficerRole.COMMITTEE


@pytest.fixture
def today():
    return timezone.localdate()


def officer(branch, role, start, end=None, **fields):
    person = factories.person(f"Cán Bộ {Officer.objects.count() + 1}")
    return services.create_officer(branch=branch, person=person, role=role, start_on=start, end_on=end, **fields)


def term(branch, start, end, seats=5, congress=None):
    return terms.add_term(branch=branch, start_on=start, end_on=end, committee_size=seats, congress_on=congress)


# --- Terms and the officers elected for them ----------------------------------------------


def test_an_overlapping_term_is_refused_with_a_message(world):
    term(world.a1, D(2022, 4, 15), D(2027, 4, 14))
    with pytest.raises(ValidationError) as refused:
        term(world.a1, D(2027, 1, 1), D(2032, 1, 1))
    with translation.override("vi"):
        assert str(_("The branch already has a term during part of that period.")) in str(refused.value)
    term(world.a1, D(2027, 4, 15), D(2032, 4, 14))  # the next one, from the day after
    term(world.a2, D(2025, 1, 1), D(2030, 1, 1))  # another branch's terms are its own
    assert BranchTerm.objects.filter(branch=world.a1).count() == 2


def test_a_congress_after_the_end_of_its_term_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        term(world.a1, D(2022, 4, 15), D(2027, 4, 14), congress=D(2027, 5, 1))
    assert "congress_on" in refused.value.message_dict
    assert not BranchTerm.objects.exists()


def test_an_officer_taking_office_during_a_term_is_elected_for_it(world):
    first = term(world.a1, D(2017, 4, 15), D(2022, 4, 14))
    current = term(world.a1, D(2022, 4, 15), D(2027, 4, 14))
    before = officer(world.a1, HEAD, D(2015, 1, 1), D(2017, 4, 14))  # before any term recorded
    head = officer(world.a1, HEAD, D(2022, 4, 15))
    deputy = officer(world.a1, DEPUTY, D(2019, 5, 1), D(2022, 4, 14))
    # A term given that the officer did not take office in gives way to the right one.
    committee = officer(world.a1, COMMITTEE, D(2023, 1, 1), term=first)
    assert [o.term for o in (before, head, deputy, committee)] == [None, current, first, current]

    # A new start date in the earlier term moves the officer there.
    services.update_officer(
        officer=committee, expected_version=committee.version, role=COMMITTEE, start_on=D(2021, 1, 1), end_on=None
    )
    committee.refresh_from_db()
    assert committee.term == first


def test_a_term_added_later_takes_the_officers_who_took_office_during_it(world):
    inside = officer(world.a1, HEAD, D(2022, 5, 1))
    outside = officer(world.a1, DEPUTY, D(2021, 1, 1), D(2022, 3, 31))
    other_branch = officer(world.a2, HEAD, D(2022, 5, 1))
    added = term(world.a1, D(2022, 4, 15), D(2027, 4, 14))
    assert set(added.officers.all()) == {inside}

    # Its start moved earlier: the deputy took office during it now.
    terms.update_term(
        term=added,
        expected_version=added.version,
        start_on=D(2020, 4, 15),
        end_on=D(2025, 4, 14),
        committee_size=5,
        congress_on=D(2020, 4, 15),
    )
    assert set(added.officers.all()) == {inside, outside}
    # Its end moved before the head's start: the head belongs to no term any more.
    terms.update_term(
        term=added,
        expected_version=added.version,
        start_on=D(2020, 4, 15),
        end_on=D(2022, 4, 30),
        committee_size=5,
        congress_on=None,
    )
    inside.refresh_from_db()
    other_branch.refresh_from_db()
    assert (inside.term, other_branch.term) == (None, None)


# --- The term pages -----------------------------------------------------------------------


def test_the_branch_page_shows_its_terms_and_the_officers_elected(as_district_a, world):
    term(world.a1, D(2022, 4, 15), D(2027, 4, 14), seats=7, congress=D(2022, 4, 15))
    officer(world.a1, HEAD, D(2022, 4, 20))
    officer(world.a1, DEPUTY, D(2022, 4, 20), D(2023, 12, 31))
    officer(world.a1, COMMITTEE, D(2019, 1, 1), D(2020, 12, 31))  # before the term: not elected for it
    page = text(as_district_a.get(reverse("branches:branch", args=[world.a1.pk])))
    section = page.split('data-testid="terms"', 1)[1].split("</table>", 1)[0]
    assert "15/04/2022 – 14/04/2027" in section
    assert ">7<" in section
    assert section.count("<li") == 2  # the head and the deputy who left in 2023
    assert reverse("branches:term_add", args=[world.a1.pk]) in page


def test_an_editor_adds_and_changes_a_term(as_district_a, world):
    url = reverse("branches:term_add", args=[world.a1.pk])
    assert as_district_a.get(url).status_code == 200
    fields = {"congress_on": "10/04/2022", "start_on": "15/04/2022", "end_on": "14/04/2027", "committee_size": "5"}
    response = as_district_a.post(url, fields)
    assert response.status_code == 302
    added = BranchTerm.objects.get(branch=world.a1)
    assert (added.start_on, added.end_on, added.congress_on, added.committee_size) == (
        D(2022, 4, 15),
        D(2027, 4, 14),
        D(2022, 4, 10),
        5,
    )

    edit = reverse("branches:term_edit", args=[added.pk])
    response = as_district_a.post(edit, {**fields, "committee_size": "7", "version": added.version})
    assert response.status_code == 302
    added.refresh_from_db()
    assert added.committee_size == 7


def test_bad_terms_are_refused_with_a_message_and_change_nothing(as_district_a, world):
    term(world.a1, D(2022, 4, 15), D(2027, 4, 14))
    url = reverse("branches:term_add", args=[world.a1.pk])
    overlapping = {"start_on": "01/01/2026", "end_on": "31/12/2030", "committee_size": "5"}
    response = as_district_a.post(url, overlapping)
    assert response.status_code == 200
    assert says(response, _("The branch already has a term during part of that period."))
    backwards = {"start_on": "01/01/2030", "end_on": "31/12/2028", "committee_size": "5"}
    assert says(as_district_a.post(url, backwards), _("A term ends after it begins."))
    no_seats = {"start_on": "15/04/2027", "end_on": "14/04/2032", "committee_size": "0"}
    assert as_district_a.post(url, no_seats).context["form"].errors["committee_size"]
    assert BranchTerm.objects.count() == 1


def test_a_provincial_officer_reads_terms_but_does_not_change_them(as_province, world):
    added = term(world.a1, D(2022, 4, 15), D(2027, 4, 14))
    assert as_province.get(reverse("branches:term_add", args=[world.a1.pk])).status_code == 403
    assert as_province.get(reverse("branches:term_edit", args=[added.pk])).status_code == 403
    page = text(as_province.get(reverse("branches:branch", args=[world.a1.pk])))
    assert "15/04/2022 – 14/04/2027" in page
    assert reverse("branches:term_add", args=[world.a1.pk]) not in page


def test_another_districts_and_communes_users_get_404_on_the_term_pages(client, world):
    added = term(world.b1, D(2022, 4, 15), D(2027, 4, 14))
    fields = {"start_on": "15/04/2027", "end_on": "14/04/2032", "committee_size": "5"}
    for user in (
        factories.user(Role.DISTRICT, world.tree.district_a),
        factories.user(Role.COMMUNE, world.tree.commune_a),
    ):
        client.force_login(user)
        for url in (reverse("branches:term_add", args=[world.b1.pk]), reverse("branches:term_edit", args=[added.pk])):
            assert client.get(url).status_code == 404
            assert client.post(url, fields).status_code == 404
    assert BranchTerm.objects.count() == 1


# --- Congresses due -----------------------------------------------------------------------


@pytest.fixture
def due(world, today):
    """a1: its term ends in 2 months (head, deputy, 1 committee member of 5 seats);
    a2: its term ended 20 days ago, no newer one (a head alone, 3 seats);
    b1 (district B): its term ends in 4 months, no officer (4 seats);
    a1 HND: its term ends in 8 months (a committee member of 2 seats);
    a2 HND: its term ends next month but the next term is recorded: its congress was held."""
    a1_hnd = factories.branch(world.tree.hamlet_a1, "HND")
    a2_hnd = factories.branch(world.tree.hamlet_a2, "HND")
    ends = {"a1": today + 60 * DAY, "a2": today - 20 * DAY, "b1": today + 120 * DAY, "a1_hnd": today + 240 * DAY}
    for key, branch, seats in (("a1", world.a1, 5), ("a2", world.a2, 3), ("b1", world.b1, 4), ("a1_hnd", a1_hnd, 2)):
        start = ends[key] - 5 * 365 * DAY
        term(branch, start, ends[key], seats=seats, congress=start)
    term(a2_hnd, today - 1000 * DAY, today + 30 * DAY)
    term(a2_hnd, today + 31 * DAY, today + 2000 * DAY)
    officer(world.a1, HEAD, today - 400 * DAY)
    officer(world.a1, DEPUTY, today - 400 * DAY)
    officer(world.a1, COMMITTEE, today - 400 * DAY)
    officer(world.a1, COMMITTEE, today - 800 * DAY, today - 1 * DAY)  # left yesterday: not in office
    officer(world.a2, HEAD, today - 900 * DAY)
    officer(a1_hnd, COMMITTEE, today - 100 * DAY)
    world.a1_hnd, world.a2_hnd, world.ends = a1_hnd, a2_hnd, ends
    return world


def listed(response) -> list[tuple]:
    return [
        (r.branch.code, r.has_head, r.has_deputy, r.officers, r.vacancies, r.overdue) for r in response.context["rows"]
    ]


def test_the_congresses_due_within_six_months_and_the_overdue_ones(as_district_a, due):
    response = as_district_a.get(reverse("branches:congresses"))
    assert response.status_code == 200
    # By the end of their term: a2 (ended: overdue), then a1; not a1 HND (8 months), nor a2 HND
    # (its next term is recorded), nor b1 (district B). Vacancies by hand:
    # a2: 3 seats − 1 officer = 2, and it has no deputy (1): 2. a1: 5 − 3 = 2.
    assert listed(response) == [
        (due.a2.code, True, False, 1, 2, True),
        (due.a1.code, True, True, 3, 2, False),
    ]
    assert 'data-testid="overdue"' in text(response)


def test_the_months_ahead_are_chosen(as_district_a, due):
    response = as_district_a.get(reverse("branches:congresses"), {"months": "9"})
    # a1 HND: 2 seats − 1 committee member = 1, but no head and no deputy: 2.
    assert [row[0] for row in listed(response)] == [due.a2.code, due.a1.code, due.a1_hnd.code]
    assert listed(response)[-1] == (due.a1_hnd.code, False, False, 1, 2, False)
    one = as_district_a.get(reverse("branches:congresses"), {"months": "1"})
    assert [row[0] for row in listed(one)] == [due.a2.code]  # overdue, whatever the months


@pytest.mark.parametrize("months", ["0", "37", "abc", "-3"])
def test_bad_months_give_a_message_and_no_list(as_district_a, due, months):
    response = as_district_a.get(reverse("branches:congresses"), {"months": months})
    assert response.status_code == 200
    assert response.context["rows"] is None
    assert 'data-testid="months-error"' in text(response)
    download = as_district_a.get(reverse("branches:congresses"), {"months": months, "format": "xlsx"})
    assert download["Content-Type"].startswith("text/html")


def test_a_province_user_sees_every_district_and_chooses_an_area(as_province, due, today):
    response = as_province.get(reverse("branches:congresses"), {"months": "6"})
    assert [row[0] for row in listed(response)] == [due.a2.code, due.a1.code, due.b1.code]
    # b1 has 4 seats and no officer: 4 vacancies.
    assert listed(response)[-1] == (due.b1.code, False, False, 0, 4, False)
    narrowed = as_province.get(reverse("branches:congresses", kwargs={"key": due.tree.district_b.key}))
    assert [row[0] for row in listed(narrowed)] == [due.b1.code]
    by_query = as_province.get(reverse("branches:congresses"), {"area": due.tree.district_b.key})
    assert [row[0] for row in listed(by_query)] == [due.b1.code]


def test_a_dissolved_branch_holds_no_congress(as_district_a, due, today):
    due.a2.dissolved_on = today - 5 * DAY
    due.a2.save()
    assert [row[0] for row in listed(as_district_a.get(reverse("branches:congresses")))] == [due.a1.code]


def test_the_download_has_the_columns_of_the_list(as_district_a, due, settings):
    as_district_a.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = as_district_a.get(reverse("branches:congresses"), {"months": "9", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="congresses-991-')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(rows) if row[0] == "No.")
    lines = rows[header + 1 : header + 4]
    assert [line[1] for line in lines] == [due.a2.name, due.a1.name, due.a1_hnd.name]
    # Term ends, head, deputy, officers, seats, vacancies, overdue.
    assert [(line[4].date(), line[6], line[7], line[8], line[9], line[10], line[11]) for line in lines] == [
        (due.ends["a2"], "yes", "no", 1, 3, 2, "yes"),
        (due.ends["a1"], "yes", "yes", 3, 5, 2, None),
        (due.ends["a1_hnd"], "no", "no", 1, 2, 2, None),
    ]


def test_another_districts_user_gets_404_on_the_list_and_its_download(client, due):
    for user, other in (
        (factories.user(Role.DISTRICT, due.tree.district_b), due.tree.district_a),
        (factories.user(Role.COMMUNE, due.tree.commune_b), due.tree.commune_a),
    ):
        client.force_login(user)
        for query in ({}, {"format": "xlsx"}):
            assert client.get(reverse("branches:congresses", kwargs={"key": other.key}), query).status_code == 404
            assert client.get(reverse("branches:congresses"), {"area": other.key, **query}).status_code == 404
        own = client.get(reverse("branches:congresses"))
        assert due.a1.code not in [row[0] for row in listed(own)]


def test_the_list_runs_a_fixed_number_of_queries(as_district_a, due, today):
    url = reverse("branches:congresses")

    def count(**params) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = as_district_a.get(url, params)
        assert response.status_code == 200
        return len(queries)

    as_district_a.get(url)  # warm the caches
    few = (count(), count(format="xlsx"))
    for number in range(6):
        branch = factories.branch(due.tree.hamlet_a2, "LHPN", code=f"A2-LHPN-{number}")
        term(branch, today - 1000 * DAY, today + (number + 1) * 10 * DAY, seats=3)
        officer(branch, HEAD, today - 900 * DAY)
    many = (count(), count(format="xlsx"))
    assert many == few
    assert len(as_district_a.get(url).context["rows"]) == 2 + 6


# --- The demo -----------------------------------------------------------------------------


def test_the_demo_adds_the_province_resolution_a_top_up_and_terms(world, today):
    common = FundingSource.objects.create(name="Mức phụ cấp chung của tỉnh", level=SourceLevel.PROVINCE)
    AllowanceRate.objects.create(source=common, role=HEAD, amount=200_000, valid_from=D(2020, 1, 1))
    officer(world.a1, HEAD, today - 100 * DAY)
    duty_allowances.fill(user=factories.admin_user(), today=today)

    resolution = FundingSource.objects.get(name=duty_allowances.PROVINCE_SOURCE)
    assert resolution.area == world.tree.province
    # The common head rate goes on under the resolution from 1 January: the amount never changes.
    carried = AllowanceRate.objects.get(source=resolution, role=HEAD)
    ended = AllowanceRate.objects.get(source=common, role=HEAD)
    assert (carried.amount, carried.valid_from, ended.valid_to) == (
        200_000,
        D(today.year, 1, 1),
        D(today.year - 1, 12, 31),
    )
    top_up = FundingSource.objects.get(level=SourceLevel.COMMUNE)
    assert isinstance(top_up.area, Area)
    assert dict(top_up.rates.values_list("role", "amount")) == {HEAD: 200_000, DEPUTY: 150_000}
    # A term for each branch, through today, of 3 to 7 seats; the head serving is elected for it.
    demo_terms = list(BranchTerm.objects.all())
    assert len(demo_terms) == 3
    assert all(3 <= t.committee_size <= 7 and t.end_on - t.start_on > 4 * 365 * DAY for t in demo_terms)
    assert Officer.objects.get(branch=world.a1).term.branch == world.a1
