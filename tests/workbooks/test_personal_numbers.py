"""Personal numbers (CCCD, phone) and Party dates in import outcomes and exports: only for those who may change people.

SPEC section 10: provincial officers read everything in the province but change nothing, so the
batch page, its outcome workbook and the members export show them ``0870•••••234`` (the first 4 and
the last 3 digits) and no Party date; whoever may change the person sees the values.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import Person
from tests import factories
from workbooks.models import ImportBatch

from .helpers import member, roster, rows_of, run_import, snapshot

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

CCCD, OLD_PHONE, NEW_PHONE, BAD_PHONE = "087090001234", "0900000001", "0912345678", "0987 654 321 000 999"
SECRETS = (CCCD, OLD_PHONE, NEW_PHONE, "0987 654 321", "03/02/2015")
MASKED = ("0870•••••234", "0900•••001", "0912•••678", "0987•••••••••••••999")


def test_mask_keeps_the_first_four_and_the_last_three_digits():
    from workbooks.personal import mask_number

    assert mask_number("087090001234") == "0870•••••234"
    assert mask_number("0912345678") == "0912•••678"
    assert mask_number("1234567") == "•••••••"  # too short to show any part
    assert mask_number("") == ""


@pytest.fixture
def updated_batch(world, client):
    """staff_a's import that gives a person a CCCD, a new phone and a Party date, beside a refused phone."""
    binh = factories.person("Trần Văn Bình", 1990, phone=OLD_PHONE, residence=world.hamlet_a1)
    factories.membership(world.doan_a1, person=binh, joined_on=datetime.date(2020, 1, 1))
    data = roster(
        [
            member(
                "Trần Văn Bình",
                1990,
                world.doan_a1.code,
                cccd=CCCD,
                **{"Số điện thoại": NEW_PHONE, "Ngày vào Đảng": "03/02/2015"},
            ),
            member("Lê Văn Sai", 1991, world.doan_a1.code, **{"Số điện thoại": BAD_PHONE}),
        ]
    )
    client.force_login(world.staff_a)
    file = SimpleUploadedFile("danh-sach.xlsx", data, content_type=XLSX)
    client.post(reverse("workbooks:import"), {"kind": "members", "file": file})
    batch = ImportBatch.objects.get()
    assert (batch.updated_count, batch.refused_count) == (1, 1)
    return batch


def outcome_texts(client, batch) -> tuple[str, str]:
    page = client.get(reverse("workbooks:batch", args=[batch.pk]))
    assert page.status_code == 200
    workbook = client.get(reverse("workbooks:outcome", args=[batch.pk]))
    cells = " | ".join(str(value) for row in rows_of(workbook.content) for value in row if value is not None)
    return page.content.decode(), cells


def test_readers_see_personal_numbers_masked_and_no_party_date_in_the_outcome(world, client, updated_batch):
    client.force_login(world.province)
    for text in outcome_texts(client, updated_batch):
        for secret in SECRETS:
            assert secret not in text
        for masked in MASKED:
            assert masked in text
        assert "Trần Văn Bình" in text and "Số CCCD" in text and "Ngày vào Đảng" in text


@pytest.mark.parametrize("who", ["staff_a", "admin", "colleague"])
def test_those_who_may_change_the_person_see_the_numbers(world, client, updated_batch, who):
    from accounts.models import Role

    user = factories.user(Role.DISTRICT, world.district_a) if who == "colleague" else getattr(world, who)
    client.force_login(user)
    for text in outcome_texts(client, updated_batch):
        for secret in SECRETS:
            assert secret in text


def test_the_stored_outcome_keeps_the_values_for_those_who_may_see_them(world, updated_batch):
    from workbooks import selectors

    changes = {
        column: (before, after)
        for row in selectors.outcome_rows(updated_batch, personal=True)
        for column, before, after in row.changes
    }
    assert changes["Số CCCD"] == ("", CCCD) and changes["Số điện thoại"] == (OLD_PHONE, NEW_PHONE)
    masked = {
        column: (before, after)
        for row in selectors.outcome_rows(updated_batch, personal=False)
        for column, before, after in row.changes
    }
    assert masked["Số CCCD"] == ("", "0870•••••234") and masked["Ngày vào Đảng"] == ("", "••/••/••••")


# --- exports ------------------------------------------------------------------------------------


@pytest.fixture
def party_member(world):
    person = factories.person(
        "Võ Văn Đảng",
        1985,
        cccd="087085000123",
        phone="0912000111",
        party_joined_on=datetime.date(2010, 5, 19),
        residence=world.hamlet_a1,
    )
    return factories.membership(world.doan_a1, person=person, joined_on=datetime.date(2003, 3, 26))


def exports(client):
    """The members export of the page and of the admin's Export button, as rows below the header."""
    page = rows_of(client.get(reverse("workbooks:export", args=["members"])).content)
    admin = rows_of(client.get(reverse("admin:members_membership_export")).content)
    return {"page": page[1:], "admin": admin[1:]}


def test_exports_give_readers_the_numbers_masked_and_no_party_date(world, client, party_member):
    client.force_login(world.province)
    for route, rows in exports(client).items():
        assert [row[1] for row in rows] == ["Võ Văn Đảng"], route
        cccd, phone, party = rows[0][6], rows[0][7], rows[0][11]
        assert (cccd, phone, party) == ("0870•••••123", "0912•••111", "••/••/••••"), route


def test_exports_give_editors_every_value(world, client, party_member):
    client.force_login(world.staff_a)
    for route, rows in exports(client).items():
        cccd, phone, party = rows[0][6], rows[0][7], rows[0][11]
        assert (cccd, phone, party.date()) == ("087085000123", "0912000111", datetime.date(2010, 5, 19)), route


@pytest.mark.parametrize("exported_by", ["province", "staff_a"])
def test_an_editor_re_importing_an_export_changes_nothing(world, client, tmp_path, party_member, exported_by):
    client.force_login(getattr(world, exported_by))
    exported = client.get(reverse("workbooks:export", args=["members"])).content
    before = snapshot(), list(Person.objects.values_list("party_joined_on", flat=True))
    code, output = run_import(tmp_path, "members", exported, user=world.staff_a)
    assert (code, output["unchanged"], output["created"], output["updated"]) == (0, 1, 0, 0), output
    assert (snapshot(), list(Person.objects.values_list("party_joined_on", flat=True))) == before
