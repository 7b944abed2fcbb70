"""Ageing out: who passes the Youth Union's age limit in a year (by birth date and by birth year alone,
around the limit), the ending as a normal end of the membership, nothing ended on a refusal, and the
associations suggested afterwards with their prefilled link. The expected lists are worked out here
from the people's births, not through ``book.ageing``."""

import datetime
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from book import ageing
from members import services as member_services
from members.models import EndReason, Gender, Membership, MembershipPeriod
from tests import factories
from tests.pages import *  # noqa: F403 - the page fixtures
from tests.pages import says

D = datetime.date
YEAR = 2025
LIMIT = 30  # the Youth Union's max_age (data migration 0003)


@pytest.fixture
def cohort(world):
    """Youth Union members of district A born around the limit of 2025 (born in 1994 or earlier)."""
    tree = world.tree

    def member(name, branch=world.a1, gender=Gender.MALE, **birth):
        who = factories.person(name, gender=gender, residence=branch.area, **birth)
        return factories.membership(branch, person=who, joined_on=D(2012, 3, 26))

    people = {
        "last_day": member("Trần Văn Cuối", birth_year=1994, birth_date=D(1994, 12, 31)),
        "first_day": member("Lê Văn Đầu", birth_year=1995, birth_date=D(1995, 1, 1)),
        "already": member("Phạm Thị Quá", world.a2, Gender.FEMALE, birth_year=1990, birth_date=D(1990, 6, 15)),
        "year_only": member("Võ Văn Năm", world.a2, birth_year=1994),
        "year_only_young": member("Huỳnh Văn Trẻ", birth_year=1995),
        "woman": member("Ngô Thị Hoa", gender=Gender.FEMALE, birth_year=1994, birth_date=D(1994, 3, 8)),
    }
    # Not candidates: another district, an ended membership, an organization without an age limit.
    people["other_district"] = member("Đỗ Văn Xa", world.b1, birth_year=1980)
    ended = member("Bùi Văn Thôi", birth_year=1985)
    member_services.end_membership(membership=ended, on=D(2024, 5, 1), reason=EndReason.RESIGNED)
    hnd = factories.branch(tree.hamlet_a1, "HND", name="Chi hội Nông dân Tân Phú")
    factories.membership(hnd, person=factories.person("Lý Văn Nông", birth_year=1950))
    people["hnd_branch"] = hnd
    people["lhpn_branch"] = factories.branch(tree.hamlet_a1, "LHPN", name="Chi hội Phụ nữ Tân Phú")
    return people


def expected_candidates(area, year: int) -> list[int]:
    """Open memberships of an organization with an age limit, in the area, over it at some time in ``year``."""
    found = []
    for membership in Membership.objects.select_related("person", "organization", "branch__area"):
        limit = membership.organization.max_age
        if membership.ended_on or limit is None or not membership.branch.area.path.startswith(area.path):
            continue
        if membership.person.birth_year + limit + 1 <= year:  # the (limit + 1)th birthday falls in the year or before
            found.append(membership.pk)
    return sorted(found)


def listed(response) -> list[int]:
    return sorted(m.pk for group in response.context["groups"] for m, _passing in group.rows)


def ageing_url(area, year=YEAR) -> str:
    return reverse("book:ageing", args=[area.key, year])


def test_the_list_holds_those_over_the_limit_in_the_year_by_birth_date_and_by_birth_year(as_district_a, world, cohort):
    district = world.tree.district_a
    response = as_district_a.get(ageing_url(district))

    assert response.status_code == 200
    assert listed(response) == expected_candidates(district, YEAR)
    ids = set(listed(response))
    assert {cohort[name].pk for name in ("last_day", "already", "year_only", "woman")} <= ids
    assert not {cohort[name].pk for name in ("first_day", "year_only_young", "other_district")} & ids
    # Born on 01/01/1995: over the limit on 01/01/2026, in next year's list.
    assert cohort["first_day"].pk in listed(as_district_a.get(ageing_url(district, YEAR + 1)))


def test_each_row_says_when_the_member_passes_the_limit(as_district_a, world, cohort):
    response = as_district_a.get(ageing_url(world.tree.district_a))
    passing = {m.pk: p for group in response.context["groups"] for m, p in group.rows}

    assert passing[cohort["last_day"].pk] == ageing.Passing(year=2025, on=D(2025, 12, 31), already=False)
    assert passing[cohort["already"].pk] == ageing.Passing(year=2021, on=D(2021, 6, 15), already=True)
    assert passing[cohort["year_only"].pk] == ageing.Passing(year=2025, on=None, already=False)
    html = response.content.decode()
    row = html.split(f'data-membership="{cohort["last_day"].pk}"')[1].split("</tr>")[0]
    assert "31/12/2025" in row
    row = html.split(f'data-membership="{cohort["already"].pk}"')[1].split("</tr>")[0]
    assert gettext("Already over the age limit") in row
    row = html.split(f'data-membership="{cohort["year_only"].pk}"')[1].split("</tr>")[0]
    assert (gettext("in %(year)s") % {"year": 2025}) in row


def test_the_list_is_per_branch_and_a_branch_page_narrows_it(as_district_a, world, cohort):
    response = as_district_a.get(ageing_url(world.tree.district_a))
    branches = [group.branch.pk for group in response.context["groups"]]
    assert branches == [world.a1.pk, world.a2.pk]

    response = as_district_a.get(ageing_url(world.tree.district_a), {"branch": world.a2.pk})
    assert listed(response) == sorted([cohort["already"].pk, cohort["year_only"].pk])


def test_a_birthday_on_29_february_falls_on_1_march_in_other_years():
    assert ageing.birthday_in(D(1996, 2, 29), 2027) == D(2027, 3, 1)
    assert ageing.birthday_in(D(1996, 2, 29), 2028) == D(2028, 2, 29)


@pytest.mark.parametrize(
    "year, today, expected",
    [
        (2025, D(2026, 5, 4), D(2025, 12, 31)),
        (2026, D(2026, 5, 4), D(2026, 5, 4)),
        (2027, D(2026, 5, 4), D(2027, 1, 1)),
    ],
)
def test_the_default_date_is_today_kept_within_the_year(year, today, expected):
    assert ageing.default_end_date(year, today=today) == expected


# --- Ending ------------------------------------------------------------------------------


def end(client, area, *, memberships=(), branches=(), on="31/12/2025", confirm=True):
    data = {"memberships": [m.pk for m in memberships], "branches": [b.pk for b in branches], "on": on, "preview": "1"}
    response = client.post(ageing_url(area), data)
    if not confirm or response.status_code != 200 or response.context["preview"] is None:
        return response
    data.pop("preview")
    return client.post(ageing_url(area), {**data, "confirm": "1", "previewed": response.context["fingerprint"]})


def test_an_officer_ends_the_chosen_and_a_whole_branch_as_a_normal_ending(as_district_a, world, cohort):
    district = world.tree.district_a
    preview = end(as_district_a, district, memberships=[cohort["last_day"]], branches=[world.a2], confirm=False)
    assert preview.status_code == 200 and Membership.objects.filter(end_reason=EndReason.AGED_OUT).count() == 0
    chosen = sorted([cohort["last_day"].pk, cohort["already"].pk, cohort["year_only"].pk])
    assert sorted(m.pk for m in preview.context["preview"]) == chosen

    response = end(as_district_a, district, memberships=[cohort["last_day"]], branches=[world.a2])

    assert response.status_code == 302
    assert urlparse(response.url).path == reverse("book:ageing_ended", args=[district.key, YEAR])
    assert sorted(int(pk) for pk in parse_qs(urlparse(response.url).query)["m"]) == chosen
    for membership in Membership.objects.filter(pk__in=chosen):
        assert (membership.ended_on, membership.end_reason) == (D(2025, 12, 31), EndReason.AGED_OUT)
        last = MembershipPeriod.objects.filter(membership=membership).order_by("valid_from").last()
        assert last.valid_to == D(2025, 12, 31)  # on the roll up to 30/12, off it from the date
        assert membership.history.latest().end_reason == EndReason.AGED_OUT
    assert Membership.objects.filter(end_reason=EndReason.AGED_OUT).count() == 3
    page = as_district_a.get(reverse("members:person", args=[cohort["last_day"].person_id]))
    assert says(page, EndReason.AGED_OUT.label) and "31/12/2025" in page.content.decode()


def test_a_refusal_ends_nobody(as_district_a, world, cohort):
    young, over = cohort["year_only_young"], cohort["last_day"]
    with pytest.raises(ValidationError):
        ageing.end_aged_out(memberships=[over, young], on=D(2025, 12, 31))
    assert Membership.objects.filter(pk__in=[over.pk, young.pk], ended_on__isnull=False).count() == 0

    # Through the page: a member outside the list is not a choice, and a date before the joining is refused.
    response = end(as_district_a, world.tree.district_a, memberships=[over, young])
    assert response.status_code == 200 and response.context["form"].errors
    member_services.transfer_membership(membership=cohort["already"], to_branch=world.a1, on=D(2025, 11, 1))
    cohort["already"].refresh_from_db()
    response = end(as_district_a, world.tree.district_a, memberships=[over, cohort["already"]], on="01/06/2025")
    assert response.status_code == 200
    assert Membership.objects.filter(ended_on__isnull=False, end_reason=EndReason.AGED_OUT).count() == 0


def test_a_date_outside_the_year_is_refused(as_district_a, world, cohort):
    response = end(as_district_a, world.tree.district_a, memberships=[cohort["last_day"]], on="01/01/2026")
    assert response.status_code == 200
    assert says(response, gettext("Choose a date in %(year)s.") % {"year": YEAR})
    assert not Membership.objects.filter(end_reason=EndReason.AGED_OUT).exists()


def test_only_editors_end_and_only_in_their_area(client, world, cohort, province_user, district_b):
    client.force_login(province_user)
    assert client.get(ageing_url(world.tree.district_a)).status_code == 200  # reads
    assert end(client, world.tree.district_a, memberships=[cohort["last_day"]]).status_code == 403
    client.force_login(district_b)
    assert client.get(ageing_url(world.tree.district_a)).status_code == 404
    assert end(client, world.tree.district_a, memberships=[cohort["last_day"]]).status_code == 404
    assert client.get(reverse("book:ageing_ended", args=[world.tree.district_a.key, YEAR])).status_code == 404
    # District B's own list does not take district A's members either.
    response = end(client, world.tree.district_b, memberships=[cohort["last_day"]])
    assert response.status_code == 200 and response.context["form"].errors
    assert not Membership.objects.filter(end_reason=EndReason.AGED_OUT).exists()


def test_the_list_runs_a_fixed_number_of_queries(as_district_a, world, cohort, django_assert_num_queries):
    url = ageing_url(world.tree.district_a)
    with CaptureQueriesContext(connection) as small:
        as_district_a.get(url)
    more = factories.branch(world.tree.hamlet_a2, "DOAN", code="A2-DOAN-2", name="Chi đoàn Tân Thạnh 2")
    for i in range(6):
        factories.membership(more, person=factories.person(f"Nguyễn Văn Lớn {i}", birth_year=1980 + i))
    with django_assert_num_queries(len(small.captured_queries)):
        as_district_a.get(url)


# --- After the ending: the associations that take them -----------------------------------


def suggested(response, membership) -> dict[str, str]:
    """Organization code -> the link of each association offered to the member."""
    for ended, found in response.context["rows"]:
        if ended.pk == membership.pk:
            return {suggestion.organization.code: suggestion.url for suggestion in found}
    raise AssertionError(f"{membership} is not on the page")


def test_the_associations_that_take_each_one_are_suggested_with_a_prefilled_link(as_district_a, world, cohort):
    woman, man = cohort["woman"], cohort["last_day"]
    # Already a member of the farmers' association: not offered it again.
    factories.membership(cohort["hnd_branch"], person=woman.person, joined_on=D(2020, 1, 1))
    response = end(as_district_a, world.tree.district_a, memberships=[woman, man])
    page = as_district_a.get(response.url)

    woman_offers, man_offers = suggested(page, woman), suggested(page, man)
    assert "LHPN" in woman_offers and "LHPN" not in man_offers  # women only
    assert "HND" in man_offers and "HND" not in woman_offers  # she is a member already
    assert "DOAN" not in woman_offers | man_offers  # the organization left
    link = urlparse(woman_offers["LHPN"])
    assert link.path == reverse("members:membership_add", args=[woman.person_id])
    assert parse_qs(link.query) == {
        "organization": [str(factories.organization("LHPN").pk)],
        "branch": [str(cohort["lhpn_branch"].pk)],
        "joined_on": ["31/12/2025"],
    }
    form = as_district_a.get(woman_offers["LHPN"]).context["form"]
    assert form["branch"].value() == str(cohort["lhpn_branch"].pk) and form["joined_on"].value() == "31/12/2025"
    assert list(form.fields["branch"].queryset) == [cohort["lhpn_branch"]]
    assert says(page, gettext("Admit to %(organization)s") % {"organization": "Hội Phụ nữ"})


def test_an_association_out_of_the_age_range_is_not_offered(as_district_a, world, cohort):
    hnd = factories.organization("HND")
    hnd.min_age = 32  # the man is 31 on 31/12/2025
    hnd.save()
    man = cohort["last_day"]
    response = end(as_district_a, world.tree.district_a, memberships=[man])
    offers = suggested(as_district_a.get(response.url), man)
    assert "HND" not in offers
    assert ageing.age_on(man.person, D(2025, 12, 31)) == 31 and ageing.age_on(man.person, D(2025, 12, 30)) == 30
