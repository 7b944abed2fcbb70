"""Personal data in the member pages and the admin (SPEC sections 4 and 10).

- A CCCD number held by a person outside the user's area is refused without saying who holds
  it (as the import does), and the attempt is logged without the number.
- The Party dates (joining the Party, introduced to the Party) are shown, like the CCCD and the
  phone, only to users who may change the person.
"""

import datetime
import logging

import pytest
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from members import services
from members.models import Person
from tests.pages import says, text

D = datetime.date

OUTSIDE_AREA = (
    "This CCCD number belongs to a person outside your area. Ask the province's staff to transfer the person."
)


def _admin_url(obj_or_model, view="changelist", *args):
    opts = obj_or_model._meta
    if view in ("change", "history", "simple_history"):
        args = (obj_or_model.pk, *args)
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


# ---------------------------------------------------------------------------
# A CCCD number outside the area: no existence oracle


def _new_member(world, **overrides) -> tuple[str, dict]:
    data = {
        "full_name": "Trần Thị Mới",
        "birth_date": "15/08/2002",
        "gender": "female",
        "ethnicity": "Kinh",
        "residence": world.tree.hamlet_a1.pk,
        "branch": world.a1.pk,
        "joined_on": "26/03/2020",
        "status": "present",
    }
    return reverse("members:person_add"), {**data, **overrides}


def _changed_details(world, **overrides) -> tuple[str, dict]:
    dung = world.dung
    data = {
        "full_name": dung.full_name,
        "birth_year": dung.birth_year,
        "gender": dung.gender,
        "ethnicity": dung.ethnicity,
        "residence": dung.residence_id,
        "version": dung.version,
    }
    return reverse("members:person_edit", args=[dung.pk]), {**data, **overrides}


def _admin_change(world, **overrides) -> tuple[str, dict]:
    dung = world.dung
    data = {
        "full_name": dung.full_name,
        "birth_year": dung.birth_year,
        "gender": dung.gender,
        "ethnicity": dung.ethnicity,
        "residence": dung.residence_id,
        # The memberships inline is read-only: none of its rows is sent.
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "0",
    }
    return _admin_url(dung, "change"), {**data, **overrides}


FORMS = {"add a member": _new_member, "change the details": _changed_details, "admin": _admin_change}


def _form(response):
    context = response.context
    return context["adminform"].form if "adminform" in context else context["form"]


@pytest.mark.parametrize("form", FORMS)
def test_a_cccd_held_outside_the_area_is_refused_without_saying_who_holds_it(
    as_district_a, world, district_a, caplog, form
):
    be = world.be
    url, data = FORMS[form](world, cccd=be.cccd)
    caplog.set_level(logging.INFO, logger="members.privacy")

    response = as_district_a.post(url, data)

    assert response.status_code == 200
    assert _form(response).errors["cccd"] == [_(OUTSIDE_AREA)]  # nothing else, such as "… already exists"
    assert says(response, _(OUTSIDE_AREA))
    assert be.full_name not in text(response)
    assert 'data-testid="duplicates"' not in text(response)
    assert Person.objects.filter(cccd=be.cccd).get() == be
    # The attempt is logged: who, from which area, and a fingerprint of the number, never the number.
    from members.privacy import cccd_fingerprint

    [record] = [record for record in caplog.records if record.name == "members.privacy"]
    assert record.levelno == logging.WARNING
    message = record.getMessage()
    assert district_a.username in message
    assert district_a.area.code in message
    assert cccd_fingerprint(be.cccd) in message
    assert be.cccd not in message
    assert be.cccd not in repr(record.__dict__)


def test_the_cccd_fingerprint_is_keyed_and_short():
    import hashlib

    from members.privacy import cccd_fingerprint

    fingerprint = cccd_fingerprint("087000000001")
    assert fingerprint == cccd_fingerprint("087000000001") != cccd_fingerprint("087000000002")
    # Not a plain hash, which anyone could reverse by trying the numbers.
    assert fingerprint not in hashlib.sha256(b"087000000001").hexdigest()
    assert "087000000001" not in fingerprint


@pytest.mark.parametrize("form", FORMS)
def test_a_cccd_held_inside_the_area_is_refused_as_before(as_district_a, world, caplog, form):
    anh = world.anh
    url, data = FORMS[form](world, cccd=anh.cccd)
    caplog.set_level(logging.INFO, logger="members.privacy")

    response = as_district_a.post(url, data)

    errors = _form(response).errors["cccd"]
    assert _(OUTSIDE_AREA) not in errors
    if form == "add a member":  # named, and linked in the list of possible duplicates
        assert errors == [_("This CCCD number is already recorded for %(name)s.") % {"name": anh}]
        assert reverse("members:person", args=[anh.pk]) in text(response)
    else:
        assert len(errors) == 1
    assert not [record for record in caplog.records if record.name == "members.privacy"]


def test_an_administrator_is_told_as_before(client, world, admin_user, caplog):
    client.force_login(admin_user)
    url, data = _changed_details(world, cccd=world.be.cccd)
    caplog.set_level(logging.INFO, logger="members.privacy")

    errors = client.post(url, data).context["form"].errors["cccd"]

    assert _(OUTSIDE_AREA) not in errors
    assert not [record for record in caplog.records if record.name == "members.privacy"]


def test_a_persons_own_cccd_is_not_taken(as_district_a, world, caplog):
    anh = world.anh
    url = reverse("members:person_edit", args=[anh.pk])
    data = {
        "full_name": anh.full_name,
        "birth_year": anh.birth_year,
        "gender": anh.gender,
        "ethnicity": anh.ethnicity,
        "cccd": anh.cccd,
        "residence": anh.residence_id,
        "occupation": "Thợ hồ",
        "version": anh.version,
    }
    assert as_district_a.post(url, data).status_code == 302


# ---------------------------------------------------------------------------
# The Party dates: only for those who may change the person


JOINED_PARTY = D(2019, 2, 3)
INTRODUCED = D(2018, 5, 19)


def _renderings(day: datetime.date) -> set[str]:
    """The ways a page may write the date, in either language."""
    shown = {day.strftime("%d/%m/%Y"), day.isoformat(), f"{day.day}/{day.month}/{day.year}"}
    for language in ("vi", "en"):
        with translation.override(language):
            shown |= {formats.date_format(day), formats.date_format(day, "SHORT_DATE_FORMAT")}
    return shown


def _shows(response, day: datetime.date) -> bool:
    content = text(response)
    return any(shown in content for shown in _renderings(day))


@pytest.fixture
def party_dates(world):
    anh = world.anh
    services.update_person(person=anh, expected_version=anh.version, party_joined_on=JOINED_PARTY)
    membership = world.membership_anh
    services.update_membership(
        membership=membership,
        expected_version=membership.version,
        card_number=membership.card_number,
        introduced_to_party_on=INTRODUCED,
        note=membership.note,
    )
    return world


def test_person_page_shows_the_party_dates_only_to_those_who_may_change_the_person(
    client, party_dates, district_a, province_user
):
    url = reverse("members:person", args=[party_dates.anh.pk])
    client.force_login(district_a)
    response = client.get(url)
    assert _shows(response, JOINED_PARTY) and _shows(response, INTRODUCED)
    assert says(response, _("Party joining date"))
    assert [change["fields"] for change in response.context["changes"]] == [[_("Party joining date")], []]

    client.force_login(province_user)
    response = client.get(url)
    assert response.status_code == 200
    assert "Nguyễn Văn Ánh" in text(response)
    assert not _shows(response, JOINED_PARTY)
    assert not _shows(response, INTRODUCED)
    assert not says(response, _("Party joining date"))  # nor in the list of changes
    assert not says(response, _("introduced to the Party on"))
    assert [change["fields"] for change in response.context["changes"]] == [[]]  # only the creation


def _admin_pages(world) -> list[tuple[str, datetime.date]]:
    anh, membership = world.anh, world.membership_anh
    return [
        (_admin_url(Person), JOINED_PARTY),
        (_admin_url(anh, "change"), JOINED_PARTY),
        (_admin_url(anh, "history"), JOINED_PARTY),
        (_admin_url(anh, "simple_history", anh.history.latest("history_date").history_id), JOINED_PARTY),
        (_admin_url(membership, "change"), INTRODUCED),
        (_admin_url(membership, "history"), INTRODUCED),
        (
            _admin_url(membership, "simple_history", membership.history.latest("history_date").history_id),
            INTRODUCED,
        ),
    ]


def test_admin_shows_the_party_dates_only_to_those_who_may_change_the_person(
    client, party_dates, district_a, province_user
):
    pages = _admin_pages(party_dates)
    client.force_login(district_a)
    for url, day in pages:
        if url != _admin_url(Person):  # the list has no column for it
            assert _shows(client.get(url), day), url

    client.force_login(province_user)
    for url, day in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not _shows(response, day), url
        assert "field-party_joined_on" not in text(response), url
        assert "field-introduced_to_party_on" not in text(response), url


def test_admin_filters_cannot_probe_the_party_dates(client, party_dates, district_a, province_user):
    from members.models import Membership

    probes = [
        (_admin_url(Person), {"party_joined_on__gte": "2019-01-01"}),
        (_admin_url(Membership), {"introduced_to_party_on__isnull": "False"}),
    ]
    client.force_login(province_user)
    for url, query in probes:
        assert client.get(url, query).status_code == 400, query
    client.force_login(district_a)
    for url, query in probes:
        assert client.get(url, query).context["cl"].result_count == 1, query
