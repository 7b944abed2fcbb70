"""The member search as users meet it (issue 14, point 4).

- Staff who may change the people find a person by CCCD or phone number; a provincial officer, who
  only reads and never sees those numbers, cannot search by them (no oracle: the same answer whoever
  holds the number).
- An age range whose start is after its end is refused next to the field and finds nobody.
- Communes of the same name in the user's area are told apart by their district (or province).
- On a phone, the birth stays visible beside the name.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role
from areas.models import AreaLevel, UnitType
from tests import factories
from tests.pages import text

D = datetime.date


def names(response) -> list[str]:
    return [membership.person.full_name for membership in response.context["page"]]


def search(client, **params):
    return client.get(reverse("members:search"), params)


# ---------------------------------------------------------------------------
# By CCCD or phone: for those who see the numbers only


@pytest.mark.parametrize(
    "typed",
    ["{cccd}", "{cccd_spaced}", "0912345678", "0912 345 678", "0912.345.678", "+84912345678", "84 912 345 678"],
)
def test_editor_finds_a_person_by_cccd_or_phone(as_district_a, world, typed):
    cccd = world.anh.cccd
    typed = typed.format(cccd=cccd, cccd_spaced=f"{cccd[:4]} {cccd[4:8]} {cccd[8:]}")
    assert names(search(as_district_a, q=typed)) == ["Nguyễn Văn Ánh"]


def test_editor_number_search_is_exact_and_stays_in_the_area(as_district_a, world):
    assert names(search(as_district_a, q=world.anh.cccd[:-1])) == []  # a part of a number finds nobody
    assert names(search(as_district_a, q="0912")) == []
    assert names(search(as_district_a, q=world.be.cccd)) == []  # the other district's person


def test_editor_is_offered_the_number_search(as_district_a, world):
    form = search(as_district_a).context["form"]
    assert str(form.fields["q"].label) == _("Name, CCCD or phone")


def test_reader_cannot_search_by_cccd_or_phone(as_province, world):
    """The provincial officer finds people by name, never by a personal number, and is told so."""
    assert names(search(as_province, q="nguyen van anh")) == ["Nguyễn Văn Ánh"]
    for typed in (world.anh.cccd, "0912345678", "0000 0000 0000"):
        response = search(as_province, q=typed)
        assert names(response) == []
        # The same words whether or not someone holds the number: nothing to learn from them.
        assert 'data-testid="number-not-searched"' in text(response)
    assert str(search(as_province).context["form"].fields["q"].label) == _("Name")
    assert 'data-testid="number-not-searched"' not in text(search(as_province, q="nguyen"))


def test_reader_gets_the_same_page_for_a_number_held_or_not(as_province, world):
    held = text(search(as_province, q=world.anh.cccd)).replace(world.anh.cccd, "N")
    free = text(search(as_province, q="870000000999")).replace("870000000999", "N")
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", held) == strip.sub("", free)


def test_reader_live_search_by_number_finds_nobody(as_province, world):
    response = as_province.get(reverse("members:search"), {"q": world.anh.cccd}, headers={"HX-Request": "true"})
    assert "Nguyễn Văn Ánh" not in text(response)
    assert 'id="number-note"' in text(response) and 'hx-swap-oob="true"' in text(response)


# ---------------------------------------------------------------------------
# An age range upside down


def test_age_range_upside_down_is_refused_next_to_the_field_and_finds_nobody(as_district_a, world):
    response = search(as_district_a, age_min=40, age_max=20)
    content = text(response)
    form = response.context["form"]
    assert "age_max" in form.errors
    assert response.context["page"].paginator.count == 0  # not everybody, as before
    assert "Nguyễn Văn Ánh" not in content and "Đặng Thị Dung" not in content
    message = _("The upper age cannot be below the lower one.")
    assert content.count(message) == 1
    # The message sits under the "age to" box, which is marked invalid and described by it.
    box = re.search(r'<input[^>]*name="age_max"[^>]*>', content).group(0)
    assert "is-invalid" in box and 'aria-invalid="true"' in box and 'aria-describedby="id_age_max_error"' in box
    column = content[content.index(box) :].split('<div class="col', 1)[0]
    assert 'id="id_age_max_error"' in column and message in column


def test_age_range_message_reaches_the_live_search(as_district_a, world):
    response = as_district_a.get(
        reverse("members:search"), {"age_min": 40, "age_max": 20}, headers={"HX-Request": "true"}
    )
    content = text(response)
    assert "<html" not in content
    error_box = re.search(r'<div id="id_age_max_error"[^>]*hx-swap-oob="true"[^>]*>(.*?)</div></div>', content, re.S)
    assert error_box and _("The upper age cannot be below the lower one.") in error_box.group(1)
    assert "Nguyễn Văn Ánh" not in content
    # Once corrected, the live search empties the message box again.
    content = text(
        as_district_a.get(reverse("members:search"), {"age_min": 20, "age_max": 40}, headers={"HX-Request": "true"})
    )
    assert '<div id="id_age_max_error" data-errors-for="id_age_max" hx-swap-oob="true"></div>' in content


def test_equal_ages_are_a_valid_range(as_district_a, world):
    age = datetime.date.today().year - 2000
    assert names(search(as_district_a, age_min=age, age_max=age)) == ["Nguyễn Văn Ánh"]


# ---------------------------------------------------------------------------
# Communes of the same name


@pytest.fixture
def namesakes(tree):
    """A Xã Tân Phú in each district, each with an Ấp 1 and its Chi đoàn Ấp 1, one member in each."""
    places = {}
    for district, code in ((tree.district_a, "99102"), (tree.district_b, "99202")):
        commune = factories.area(code, "Tân Phú", AreaLevel.COMMUNE, UnitType.XA, district)
        hamlet = factories.area(f"{code}-01", "1", AreaLevel.HAMLET, UnitType.AP, commune)
        branch = factories.branch(hamlet, code=f"{code}-01-DOAN", name="Chi đoàn Ấp 1")
        factories.membership(branch, person=factories.person(f"Võ Văn Tên{code}", residence=hamlet))
        places[district.code] = branch
    return places


def _places(response) -> dict[str, str]:
    """Each row's person and the place shown under the branch."""
    rows = re.findall(r"<tr>(.*?)</tr>", text(response), re.S)
    found = {}
    for row in rows:
        name = re.search(r'<a href="/members/people/\d+/">([^<]+)</a>', row)
        place = re.search(r'data-testid="place">([^<]*)<', row)
        if name and place:
            found[name.group(1)] = place.group(1)
    return found


def test_provincial_officer_tells_same_name_communes_apart(as_province, namesakes):
    places = _places(search(as_province, q="vo van"))
    assert places == {
        "Võ Văn Tên99102": "Ấp 1, Xã Tân Phú, Huyện Thanh Bình",
        "Võ Văn Tên99202": "Ấp 1, Xã Tân Phú, Huyện Lấp Vò",
    }


def test_a_commune_without_namesake_in_the_area_is_not_followed_by_its_district(as_district_a, namesakes, world):
    places = _places(search(as_district_a))
    assert places["Võ Văn Tên99102"] == "Ấp 1, Xã Tân Phú"  # district A holds one Tân Phú only
    assert places["Nguyễn Văn Ánh"] == "Ấp Tân Phú, Xã Tân Mỹ"
    assert "Võ Văn Tên99202" not in places


def test_in_the_2025_units_the_province_tells_same_name_communes_apart(client, db):
    """No districts: two provinces of 2025 each with a Xã Tân Phú, seen by an administrator."""
    for code, province_name in (("91", "Một"), ("92", "Hai")):
        province = factories.area(code, province_name, AreaLevel.PROVINCE, UnitType.TINH)
        commune = factories.area(f"{code}001", "Tân Phú", AreaLevel.COMMUNE, UnitType.XA, province)
        hamlet = factories.area(f"{code}001-01", "1", AreaLevel.HAMLET, UnitType.AP, commune)
        branch = factories.branch(hamlet, code=f"{code}-DOAN", name="Chi đoàn Ấp 1")
        factories.membership(branch, person=factories.person(f"Lê Thị Tỉnh{code}", gender="female"))
    client.force_login(factories.admin_user())
    assert _places(search(client)) == {
        "Lê Thị Tỉnh91": "Ấp 1, Xã Tân Phú, Tỉnh Một",
        "Lê Thị Tỉnh92": "Ấp 1, Xã Tân Phú, Tỉnh Hai",
    }


def test_places_take_a_fixed_number_of_queries(as_province, namesakes, world, django_assert_num_queries):
    with CaptureQueriesContext(connection) as small:
        search(as_province)
    tree = world.tree
    for i in range(4):
        district = factories.area(f"99{3 + i}", f"Số {i}", AreaLevel.DISTRICT, UnitType.HUYEN, tree.province)
        commune = factories.area(f"99{3 + i}01", "Tân Phú", AreaLevel.COMMUNE, UnitType.XA, district)
        hamlet = factories.area(f"99{3 + i}01-01", "1", AreaLevel.HAMLET, UnitType.AP, commune)
        branch = factories.branch(hamlet, code=f"X{i}-DOAN", name="Chi đoàn Ấp 1")
        factories.membership(branch, person=factories.person(f"Võ Văn Thêm{i}"))
    with django_assert_num_queries(len(small.captured_queries)):
        response = search(as_province)
    assert sum("Xã Tân Phú, Huyện Số" in place for place in _places(response).values()) == 4


# ---------------------------------------------------------------------------
# On a phone


def test_birth_stays_visible_on_a_narrow_screen(as_district_a, world):
    world.dung.birth_date = D(1998, 4, 2)
    world.dung.save()
    content = text(search(as_district_a))
    rows = [row for row in re.findall(r"<tr>(.*?)</tr>", content, re.S) if "/members/people/" in row]
    assert len(rows) == 2
    for row, born in zip(rows, ["2000", "02/04/1998"], strict=True):
        # Beside the name, an element shown below the "sm" width (d-sm-none, not d-none) holds the birth.
        narrow = re.search(r'<small class="([^"]*)" data-testid="born-narrow">([^<]*)<', row)
        assert narrow and narrow.group(2) == born
        classes = narrow.group(1).split()
        assert "d-none" not in classes and "d-sm-none" in classes


def test_reader_and_editor_in_another_district_see_nobody_of_district_a(client, world, namesakes):
    reader = factories.user(Role.COMMUNE, world.tree.commune_b, username="xa-b")
    client.force_login(reader)
    assert "Nguyễn Văn Ánh" not in names(search(client))
    assert names(search(client, q=world.anh.cccd)) == []
