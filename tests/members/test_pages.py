"""Member pages: search, rolls, people, and the history that transfers, status changes and endings keep."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext as _

from branches.models import Branch
from core.concurrency import STALE_MESSAGE
from members.models import EndReason, Membership, MembershipPeriod, MembershipStatus, Person
from members.selectors import possible_duplicates
from tests import factories
from tests.pages import says, text

D = datetime.date


def names(response) -> list[str]:
    return [membership.person.full_name for membership in response.context["page"]]


# ---------------------------------------------------------------------------
# Search and lists


@pytest.mark.parametrize(
    "typed, found",
    [
        ("nguyen van anh", ["Nguyễn Văn Ánh"]),
        ("NGUYEN", ["Nguyễn Văn Ánh"]),
        ("dang", ["Đặng Thị Dung"]),
        ("Đặng dung", ["Đặng Thị Dung"]),
        ("anh", ["Nguyễn Văn Ánh"]),
        ("be", []),  # Lê Văn Bê lives in the other district
    ],
)
def test_search_ignores_diacritics_and_case_and_stays_in_the_area(as_district_a, world, typed, found):
    response = as_district_a.get(reverse("members:search"), {"q": typed})
    assert names(response) == found


def test_search_sorts_the_vietnamese_way(as_district_a, world):
    for full_name in ["Trần Thị Anh", "Lý An", "Võ Thị Ân", "Lê Văn Ăn", "Phạm Văn Đạt", "Hồ Văn Dũng"]:
        factories.membership(world.a2, person=factories.person(full_name))
    response = as_district_a.get(reverse("members:search"))
    assert names(response) == [
        "Lý An",
        "Trần Thị Anh",
        "Nguyễn Văn Ánh",
        "Lê Văn Ăn",
        "Võ Thị Ân",
        "Đặng Thị Dung",  # the tone breaks the tie: Dung before Dũng
        "Hồ Văn Dũng",
        "Phạm Văn Đạt",
    ]


def test_filters_by_organization_status_gender_and_age(as_district_a, world):
    hnd = Branch.objects.create(
        organization=factories.organization("HND"), area=world.tree.hamlet_a1, name="Chi hội ND", code="A1-HND"
    )
    older = factories.membership(hnd, person=factories.person("Trương Văn Lão", birth_year=1950))
    from members import services

    services.change_membership_status(membership=world.membership_dung, status=MembershipStatus.AWAY, on=D(2024, 1, 1))
    url = reverse("members:search")
    year = datetime.date.today().year
    assert names(as_district_a.get(url, {"organization": hnd.organization_id})) == ["Trương Văn Lão"]
    assert names(as_district_a.get(url, {"status": "away"})) == ["Đặng Thị Dung"]
    assert names(as_district_a.get(url, {"gender": "female"})) == ["Đặng Thị Dung"]
    assert names(as_district_a.get(url, {"age_min": year - 1960})) == ["Trương Văn Lão"]
    assert names(as_district_a.get(url, {"age_max": year - 1999})) == ["Nguyễn Văn Ánh"]
    services.end_membership(membership=older, on=D(2024, 5, 1), reason=EndReason.DECEASED)
    assert names(as_district_a.get(url, {"status": "ended"})) == ["Trương Văn Lão"]
    response = as_district_a.get(url, {"age_min": 40, "age_max": 20})
    assert "age_max" in response.context["form"].errors


def test_live_search_answers_only_the_results(as_district_a, world):
    response = as_district_a.get(reverse("members:search"), {"q": "dang"}, headers={"HX-Request": "true"})
    assert "<html" not in text(response)
    assert "Đặng Thị Dung" in text(response)


def test_member_list_is_paginated_with_a_fixed_number_of_queries(as_district_a, world, django_assert_num_queries):
    url = reverse("members:search")
    with CaptureQueriesContext(connection) as small:
        as_district_a.get(url)
    for i in range(60):
        factories.membership(world.a2, person=factories.person(f"Trần Văn Số{i}"))
    with django_assert_num_queries(len(small.captured_queries)):
        response = as_district_a.get(url, {"page": 2})
    assert response.context["page"].paginator.count == 62
    assert len(response.context["page"]) == 12


def test_branch_roll_lists_the_branch_only_with_a_fixed_number_of_queries(
    as_district_a, world, django_assert_num_queries
):
    url = reverse("members:branch_roll", args=[world.a1.pk])
    with CaptureQueriesContext(connection) as small:
        response = as_district_a.get(url)
    assert names(response) == ["Nguyễn Văn Ánh", "Đặng Thị Dung"]
    for i in range(5):
        factories.membership(world.a1, person=factories.person(f"Trần Văn Số{i}"))
    with django_assert_num_queries(len(small.captured_queries)):
        as_district_a.get(url)


# ---------------------------------------------------------------------------
# Scope and roles


def _urls(world) -> list[str]:
    membership = world.membership_be
    return [
        reverse("members:branch_roll", args=[world.b1.pk]),
        reverse("members:person", args=[world.be.pk]),
        reverse("members:person_edit", args=[world.be.pk]),
        reverse("members:membership_add", args=[world.be.pk]),
        reverse("members:membership_edit", args=[membership.pk]),
        reverse("members:transfer", args=[membership.pk]),
        reverse("members:status_change", args=[membership.pk]),
        reverse("members:end", args=[membership.pk]),
    ]


def test_another_districts_people_and_memberships_answer_404(as_district_a, world):
    for url in _urls(world):
        assert as_district_a.get(url).status_code == 404, url
        assert as_district_a.post(url, {}).status_code == 404, url


def test_another_districts_branch_cannot_be_chosen(as_district_a, world):
    response = as_district_a.post(
        reverse("members:person_add"),
        {
            "full_name": "Mai Văn Mới",
            "birth_year": 2001,
            "gender": "male",
            "ethnicity": "Kinh",
            "branch": world.b1.pk,
            "joined_on": "01/01/2024",
            "status": "present",
        },
    )
    assert "branch" in response.context["form"].errors
    assert not Person.objects.filter(full_name="Mai Văn Mới").exists()


def test_provincial_officer_reads_without_personal_numbers_and_changes_nothing(as_province, world):
    response = as_province.get(reverse("members:person", args=[world.anh.pk]))
    assert response.status_code == 200
    assert world.anh.cccd not in text(response)
    assert "0912345678" not in text(response)
    assert as_province.get(reverse("members:person_add")).status_code == 403
    assert as_province.post(reverse("members:transfer", args=[world.membership_anh.pk])).status_code == 403


def test_person_page_shows_memberships_and_their_history(as_district_a, world):
    from members import services

    services.change_membership_status(
        membership=world.membership_anh, status=MembershipStatus.AWAY, on=D(2023, 2, 1), reason="Đi làm ở Bình Dương"
    )
    response = as_district_a.get(reverse("members:person", args=[world.anh.pk]))
    content = text(response)
    assert world.anh.cccd in content  # staff who may change the person see it
    assert "Đi làm ở Bình Dương" in content
    assert "01/02/2023" in content
    [membership] = response.context["memberships"]
    assert [(p.status, p.valid_from) for p in membership.periods.all()] == [
        ("present", D(2020, 1, 1)),
        ("away", D(2023, 2, 1)),
    ]


# ---------------------------------------------------------------------------
# Adding a person


def _new_person(world, **overrides) -> dict:
    data = {
        "full_name": "Trần Thị Mới",
        "birth_date": "15/08/2002",
        "birth_year": "",
        "gender": "female",
        "ethnicity": "Kinh",
        "cccd": "",
        "residence": world.tree.hamlet_a1.pk,
        "branch": world.a1.pk,
        "joined_on": "26/03/2020",
        "status": "present",
    }
    return {**data, **overrides}


def test_add_person_with_a_first_membership(as_district_a, world):
    response = as_district_a.post(reverse("members:person_add"), _new_person(world), follow=True)
    person = Person.objects.get(full_name="Trần Thị Mới")
    assert (person.birth_date, person.birth_year) == (D(2002, 8, 15), 2002)
    membership = person.memberships.get()
    assert (membership.branch, membership.joined_on) == (world.a1, D(2020, 3, 26))
    assert MembershipPeriod.objects.filter(membership=membership, valid_to__isnull=True).count() == 1
    assert says(response, _("%(person)s was added to %(branch)s.") % {"person": person, "branch": world.a1})


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"full_name": ""}, "full_name"),
        ({"birth_date": "", "birth_year": ""}, "birth_date"),
        ({"birth_date": "2002-31-12"}, "birth_date"),
        ({"cccd": "12345"}, "cccd"),
        ({"joined_on": ""}, "joined_on"),
        ({"joined_on": "01/01/1990"}, "joined_on"),  # before the branch was founded (2000)
        ({"gender": "x"}, "gender"),
    ],
)
def test_add_person_validation_is_shown_next_to_the_field(as_district_a, world, overrides, field):
    response = as_district_a.post(reverse("members:person_add"), _new_person(world, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert f'data-field-error="{field}"' in text(response)
    assert not Person.objects.filter(full_name="Trần Thị Mới").exists()


def test_add_person_warns_of_a_duplicate_by_name_and_birth_then_saves_when_confirmed(as_district_a, world):
    world.dung.birth_date = D(1998, 4, 2)
    world.dung.save()
    data = _new_person(world, full_name="Đặng thị  dung", birth_date="02/04/1998")
    response = as_district_a.post(reverse("members:person_add"), data)
    assert response.context["form"].duplicates == [world.dung]
    assert 'data-testid="duplicates"' in text(response)
    assert Person.objects.filter(name_key="dang thi dung").count() == 1

    response = as_district_a.post(reverse("members:person_add"), {**data, "confirm_new_person": "on"})
    assert response.status_code == 302
    assert Person.objects.filter(name_key="dang thi dung").count() == 2


def test_add_person_refuses_a_cccd_already_recorded(as_district_a, world):
    response = as_district_a.post(reverse("members:person_add"), _new_person(world, cccd=world.anh.cccd))
    assert "cccd" in response.context["form"].errors


def test_duplicate_warning_while_typing(as_district_a, world):
    url = reverse("members:duplicates")
    response = as_district_a.post(url, {"full_name": "nguyen van anh", "birth_year": "2000"})
    assert "Nguyễn Văn Ánh" in text(response)
    response = as_district_a.post(url, {"full_name": "Trần Văn Khác", "birth_year": "1990", "cccd": world.anh.cccd})
    assert "Nguyễn Văn Ánh" in text(response)  # the same CCCD, whatever the name


def test_duplicate_check_keeps_the_cccd_out_of_the_url(as_district_a, world):
    url = reverse("members:duplicates")
    # Asked in a query string (proxy logs, browser history), it does not answer.
    response = as_district_a.get(url, {"cccd": world.anh.cccd, "full_name": "nguyen van anh", "birth_year": "2000"})
    assert response.status_code == 405
    assert "Nguyễn Văn Ánh" not in text(response)
    # The add-member form sends what it checks in the body of a POST, with the CSRF token.
    page = text(as_district_a.get(reverse("members:person_add")))
    [check] = re.findall(r"<fieldset[^>]*hx-(?:get|post)=[^>]*>", page)
    assert f'hx-post="{url}"' in check
    params = re.search(r'hx-params="([^"]*)"', check).group(1).replace(" ", "").split(",")
    assert set(params) == {"csrfmiddlewaretoken", "full_name", "birth_date", "birth_year", "cccd"}


def test_duplicate_check_needs_the_csrf_token(world, district_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(district_a)
    page = client.get(reverse("members:person_add"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text(page)).group(1)
    data = {"full_name": "nguyen van anh", "birth_year": "2000"}
    url = reverse("members:duplicates")
    assert client.post(url, data).status_code == 403
    response = client.post(url, {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert "Nguyễn Văn Ánh" in text(response)


def test_duplicate_lookup_stays_in_the_users_area(world, district_a, district_b):
    """The lookup itself: another district's person is not found, by CCCD nor by name and birth."""
    be = world.be
    by_cccd = {"cccd": be.cccd}
    by_name_and_birth = {"full_name": "le van be", "birth_year": be.birth_year}
    for query in (by_cccd, by_name_and_birth):
        assert list(possible_duplicates(user=district_b, **query)) == [be]  # the query does find them...
        assert list(possible_duplicates(user=district_a, **query)) == []  # ...but only in their own district


@pytest.mark.parametrize("query", ["cccd", "name and birth"])
def test_duplicates_view_does_not_reveal_another_districts_people(client, world, district_a, district_b, query):
    be = world.be
    data = {"cccd": be.cccd} if query == "cccd" else {"full_name": "Lê Văn Bê", "birth_year": str(be.birth_year)}
    url = reverse("members:duplicates")
    client.force_login(district_b)
    assert "Lê Văn Bê" in text(client.post(url, data))  # the district that holds them is warned...
    client.force_login(district_a)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Lê Văn Bê" not in text(response)  # ...the other one learns nothing
    assert 'data-testid="duplicates"' not in text(response)


def test_add_membership_of_another_organization_and_refuse_a_second_open_one(as_district_a, world):
    url = reverse("members:membership_add", args=[world.anh.pk])
    hnd = factories.branch(world.tree.hamlet_a1, "HND", code="A1-HND")
    response = as_district_a.post(url, {"branch": hnd.pk, "joined_on": "01/01/2022", "status": "present"})
    assert response.status_code == 302
    response = as_district_a.post(url, {"branch": world.a2.pk, "joined_on": "01/01/2022", "status": "present"})
    assert response.context["form"].non_field_errors()
    assert world.anh.memberships.count() == 2


# ---------------------------------------------------------------------------
# Changing details: the concurrent-edit rule


def _person_data(person, **overrides) -> dict:
    return {
        "full_name": person.full_name,
        "birth_date": "",
        "birth_year": person.birth_year,
        "gender": person.gender,
        "ethnicity": person.ethnicity,
        "cccd": person.cccd or "",
        "phone": person.phone,
        "residence": person.residence_id,
        "version": person.version,
        **overrides,
    }


def test_change_person_and_refuse_a_stale_save(as_district_a, world):
    url = reverse("members:person_edit", args=[world.anh.pk])
    first = as_district_a.post(url, _person_data(world.anh, occupation="Thợ hồ"))
    assert first.status_code == 302
    second = as_district_a.post(url, _person_data(world.anh, occupation="Nông dân"))  # drawn from the old version
    assert second.status_code == 200
    assert says(second, STALE_MESSAGE)
    world.anh.refresh_from_db()
    assert world.anh.occupation == "Thợ hồ"


def test_change_membership_details(as_district_a, world):
    membership = world.membership_anh
    url = reverse("members:membership_edit", args=[membership.pk])
    data = {"card_number": "DV-001", "introduced_to_party_on": "02/09/2024", "note": "", "version": membership.version}
    assert as_district_a.post(url, data).status_code == 302
    membership.refresh_from_db()
    assert (membership.card_number, membership.introduced_to_party_on) == ("DV-001", D(2024, 9, 2))
    assert says(as_district_a.post(url, data), STALE_MESSAGE)


# ---------------------------------------------------------------------------
# Transfers, status changes and endings keep the history


def test_transfer_inside_the_area_keeps_the_earlier_branch_in_the_history(as_district_a, world):
    membership = world.membership_anh
    url = reverse("members:transfer", args=[membership.pk])
    data = {"to_branch": world.a2.pk, "on": "01/06/2024", "reason": "Chuyển nhà", "version": membership.version}
    response = as_district_a.post(url, data, follow=True)
    assert response.request["PATH_INFO"] == reverse("members:person", args=[world.anh.pk])
    periods = list(
        membership.periods.order_by("valid_from").values_list(
            "branch__code", "valid_from", "valid_to", "change_reason"
        )
    )
    assert periods == [
        ("A1-DOAN", D(2020, 1, 1), D(2024, 6, 1), ""),
        ("A2-DOAN", D(2024, 6, 1), None, "Chuyển nhà"),
    ]
    membership.refresh_from_db()
    assert membership.branch == world.a2
    assert "01/06/2024" in text(response)


def test_transfer_outside_the_area_by_the_branch_code(as_district_a, world):
    membership = world.membership_dung
    url = reverse("members:transfer", args=[membership.pk])
    # The other district's branches are not offered in the list...
    assert world.b1 not in as_district_a.get(url).context["form"].fields["to_branch"].queryset
    response = as_district_a.post(url, {"to_branch_code": "NOPE", "on": "01/06/2024", "version": membership.version})
    assert "to_branch_code" in response.context["form"].errors
    # ...but the code on the transfer letter reaches them.
    response = as_district_a.post(
        url, {"to_branch_code": "B1-DOAN", "on": "01/06/2024", "version": membership.version}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.branch == world.b1
    assert membership.periods.count() == 2
    # The member now belongs to the other district.
    assert as_district_a.get(reverse("members:transfer", args=[membership.pk])).status_code == 404


def test_transfer_refuses_a_date_before_the_last_change_and_a_stale_version(as_district_a, world):
    membership = world.membership_anh
    url = reverse("members:transfer", args=[membership.pk])
    response = as_district_a.post(url, {"to_branch": world.a2.pk, "on": "01/06/2019", "version": membership.version})
    assert "on" in response.context["form"].errors
    response = as_district_a.post(
        url, {"to_branch": world.a2.pk, "on": "01/06/2024", "version": membership.version - 1}
    )
    assert says(response, STALE_MESSAGE)
    assert membership.periods.count() == 1


def test_status_change_is_kept_with_its_date_and_reason(as_district_a, world):
    membership = world.membership_anh
    url = reverse("members:status_change", args=[membership.pk])
    form = as_district_a.get(url).context["form"]
    assert MembershipStatus.PRESENT not in dict(form.fields["status"].choices)
    data = {
        "status": "stopped",
        "on": "01/03/2024",
        "reason": "Không dự sinh hoạt 3 tháng",
        "version": membership.version,
    }
    assert as_district_a.post(url, data).status_code == 302
    membership.refresh_from_db()
    data = {"status": "present", "on": "01/09/2024", "reason": "Trở lại", "version": membership.version}
    assert as_district_a.post(url, data).status_code == 302
    assert list(membership.periods.order_by("valid_from").values_list("status", "valid_from", "change_reason")) == [
        ("present", D(2020, 1, 1), ""),
        ("stopped", D(2024, 3, 1), "Không dự sinh hoạt 3 tháng"),
        ("present", D(2024, 9, 1), "Trở lại"),
    ]


def test_status_change_validation(as_district_a, world):
    membership = world.membership_anh
    url = reverse("members:status_change", args=[membership.pk])
    response = as_district_a.post(url, {"status": "present", "on": "01/03/2024", "version": membership.version})
    assert "status" in response.context["form"].errors  # already present
    response = as_district_a.post(url, {"status": "away", "on": "31/02/2024", "version": membership.version})
    assert "on" in response.context["form"].errors


def test_ending_closes_the_history_and_nothing_can_follow(as_district_a, world):
    membership = world.membership_anh
    url = reverse("members:end", args=[membership.pk])
    data = {"reason": EndReason.AGED_OUT, "on": "01/01/2025", "note": "Quá 30 tuổi", "version": membership.version}
    response = as_district_a.post(url, data, follow=True)
    membership.refresh_from_db()
    assert (membership.ended_on, membership.end_reason, membership.end_note) == (
        D(2025, 1, 1),
        "aged_out",
        "Quá 30 tuổi",
    )
    assert list(membership.periods.values_list("valid_from", "valid_to")) == [(D(2020, 1, 1), D(2025, 1, 1))]
    assert "01/01/2025" in text(response)
    again = as_district_a.post(
        reverse("members:transfer", args=[membership.pk]), {"to_branch": world.a2.pk, "on": "01/02/2025"}
    )
    assert again.status_code == 302
    assert membership.periods.count() == 1


def test_ending_validation(as_district_a, world):
    membership = world.membership_anh
    url = reverse("members:end", args=[membership.pk])
    response = as_district_a.post(url, {"reason": "lost", "on": "01/01/2019", "version": membership.version})
    assert {"reason", "on"} <= set(response.context["form"].errors)
    assert Membership.objects.get(pk=membership.pk).ended_on is None


def test_change_person_validation_is_shown_next_to_the_field(as_district_a, world):
    url = reverse("members:person_edit", args=[world.anh.pk])
    response = as_district_a.post(url, _person_data(world.anh, cccd="1234", birth_date="30/02/2000"))
    assert {"cccd", "birth_date"} <= set(response.context["form"].errors)
    response = as_district_a.post(url, _person_data(world.anh, cccd=world.be.cccd))
    assert "cccd" in response.context["form"].errors  # taken, even by someone outside the area
    world.anh.refresh_from_db()
    assert world.anh.cccd != world.be.cccd


def test_change_membership_validation(as_district_a, world):
    membership = world.membership_anh
    url = reverse("members:membership_edit", args=[membership.pk])
    data = {"card_number": "x" * 31, "introduced_to_party_on": "2024-02-30", "note": "", "version": membership.version}
    response = as_district_a.post(url, data)
    assert {"card_number", "introduced_to_party_on"} <= set(response.context["form"].errors)


def test_person_page_runs_a_fixed_number_of_queries(as_district_a, world, django_assert_num_queries):
    from members import services

    url = reverse("members:person", args=[world.anh.pk])
    with CaptureQueriesContext(connection) as small:
        as_district_a.get(url)
    for i, org in enumerate(["HND", "LHPN", "CCB"]):
        membership = factories.membership(factories.branch(world.tree.hamlet_a1, org), person=world.anh)
        services.change_membership_status(membership=membership, status="away", on=D(2021 + i, 1, 1))
    world.anh.occupation = "Thợ hồ"
    world.anh.save()
    with django_assert_num_queries(len(small.captured_queries)):
        as_district_a.get(url)
