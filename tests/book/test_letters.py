"""Letters of introduction: numbers per commune, organization and year; a letter to a branch of another
district received there (the member moves on the day of arrival, the rolls of both branches before and
after counted here from the periods); a letter to outside ends the membership; a letter is received
once; the print page, the .docx and the book of letters; 404 for everyone else's letters."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from accounts.models import Role
from areas.models import Area, AreaLevel, UnitType
from book import letters
from book.models import TransferLetter
from core.models import DownloadLog
from members.models import EndReason, MembershipPeriod
from tests import factories
from tests.pages import *  # noqa: F403 - the page fixtures
from tests.pages import says, text

D = datetime.date


def issue(membership, *, on: datetime.date | None = None, **destination) -> TransferLetter:
    membership.refresh_from_db()
    return letters.issue_letter(membership=membership, issued_on=on or D(2025, 3, 10), **destination)


def post_issue(client, membership, **values):
    data = {
        "to_branch": "",
        "to_branch_code": "",
        "to_description": "",
        "issued_on": "10/03/2025",
        "valid_until": "09/04/2025",
        "reason": "Đi làm ăn xa",
        "version": membership.version,
    }
    return client.post(reverse("book:letter_issue", args=[membership.pk]), {**data, **values})


def on_roll(branch, day: datetime.date) -> set[int]:
    """The people on a branch's roll on a day, read from the periods here."""
    return {
        period.person_id
        for period in MembershipPeriod.objects.filter(branch=branch)
        if period.valid_from <= day and (period.valid_to is None or day < period.valid_to)
    }


# --- Numbers -----------------------------------------------------------------------------


def test_numbers_follow_each_commune_organization_and_year(world):
    tree = world.tree
    commune_a2 = factories.area("99102", "Tân Hòa", AreaLevel.COMMUNE, UnitType.XA, tree.district_a)
    hamlet = factories.area("99102-01", "Hòa Một", AreaLevel.HAMLET, UnitType.AP, commune_a2)
    other_commune = factories.branch(hamlet, "DOAN")
    hnd = factories.branch(tree.hamlet_a1, "HND")
    people = [factories.membership(world.a2, person=factories.person(f"Đoàn Viên {i}")) for i in range(3)]
    made = [
        issue(world.membership_anh, to_description="Đoàn phường 1, TP. Cao Lãnh"),
        issue(people[0], to_branch=world.b1),
        issue(factories.membership(other_commune), to_description="Đoàn xã Mỹ Hội"),
        issue(factories.membership(hnd), to_description="Hội Nông dân xã Mỹ Hội"),
        issue(people[1], on=D(2026, 1, 5), to_branch=world.b1),
        issue(people[2], to_branch=world.b1),
    ]
    assert [letter.number for letter in made] == [
        "1/2025/GGT-ĐTN-99101",
        "2/2025/GGT-ĐTN-99101",
        "1/2025/GGT-ĐTN-99102",
        "1/2025/GGT-HND-99101",
        "1/2026/GGT-ĐTN-99101",
        "3/2025/GGT-ĐTN-99101",
    ]
    assert {letter.issuing_area_id for letter in made} == {tree.commune_a.pk, commune_a2.pk}


def test_a_commune_that_took_over_a_code_the_same_year_goes_on_from_its_numbers(world):
    issue(world.membership_anh, to_description="Đoàn phường 1")
    # The 2025 structure reuses the code 99101 for another commune (as 30154 was reused).
    province = Area.objects.create(
        code="99", structure="2025", name="Thử Nghiệm Mới", level=AreaLevel.PROVINCE, unit_type=UnitType.TINH
    )
    commune = Area.objects.create(
        code="99101",
        structure="2025",
        name="Tân Mỹ Mới",
        level=AreaLevel.COMMUNE,
        unit_type=UnitType.XA,
        parent=province,
    )
    branch = factories.branch(factories.area("99101-09", "Mới", AreaLevel.HAMLET, UnitType.AP, commune), "DOAN")
    letter = issue(factories.membership(branch), on=D(2025, 8, 1), to_description="Đoàn phường 2")
    assert (letter.number, letter.issuing_area_id) == ("2/2025/GGT-ĐTN-99101", commune.pk)


# --- Issuing -----------------------------------------------------------------------------


def test_a_letter_to_a_branch_of_another_district_is_received_there_and_moves_the_member_on_that_day(
    client, world, district_a, district_b
):
    anh = world.membership_anh
    client.force_login(district_a)
    response = post_issue(client, anh, to_branch_code="B1-DOAN")
    letter = TransferLetter.objects.get()
    assert response.status_code == 302 and response.url == reverse("book:letter", args=[letter.pk])
    assert (letter.number, letter.to_branch, letter.issued_by) == ("1/2025/GGT-ĐTN-99101", world.b1, district_a)
    anh.refresh_from_db()
    assert anh.ended_on is None and anh.branch == world.a1  # on the old roll until the arrival

    client.force_login(district_b)
    found = client.get(reverse("book:letter_receive"), {"number": " 1/2025/ggt-dtn-99101 "})
    assert found.context["letter"] == letter
    assert says(found, "Nguyễn Văn Ánh") and says(found, "Chi đoàn Tân Phú")
    assert found.context["receive"]["branch"].value() == world.b1.pk  # the branch named, in their area
    response = client.post(
        reverse("book:letter_receive"), {"number": letter.number, "branch": world.b1.pk, "on": "20/03/2025"}
    )
    assert response.status_code == 302 and response.url == reverse("members:person", args=[world.anh.pk])

    letter.refresh_from_db()
    assert (letter.received_on, letter.received_branch, letter.received_membership) == (D(2025, 3, 20), world.b1, anh)
    for day, in_a1, in_b1 in (
        (D(2025, 3, 15), True, False),
        (D(2025, 3, 19), True, False),
        (D(2025, 3, 20), False, True),
    ):
        assert (world.anh.pk in on_roll(world.a1, day), world.anh.pk in on_roll(world.b1, day)) == (in_a1, in_b1), day
    assert on_roll(world.b1, D(2025, 3, 20)) == {world.be.pk, world.anh.pk}
    # Both districts see the letter now: the one that sent it, the one that received it.
    assert client.get(reverse("book:letter", args=[letter.pk])).status_code == 200
    client.force_login(district_a)
    assert client.get(reverse("book:letter", args=[letter.pk])).status_code == 200


def test_a_letter_received_once_is_not_found_again(as_district_b, world):
    letter = issue(world.membership_anh, to_branch=world.b1)
    letters.receive_letter(letter=letter, branch=world.b1, on=D(2025, 3, 20))

    response = as_district_b.get(reverse("book:letter_receive"), {"number": letter.number})
    assert response.context["letter"] is None
    assert response.context["lookup"].errors["number"]
    response = as_district_b.post(
        reverse("book:letter_receive"), {"number": letter.number, "branch": world.b1.pk, "on": "21/03/2025"}
    )
    assert response.status_code == 200 and TransferLetter.objects.get().received_on == D(2025, 3, 20)
    with pytest.raises(ValidationError):
        letters.receive_letter(letter=letter, branch=world.b1, on=D(2025, 3, 25))


def test_a_wrong_number_says_so_and_offers_a_letter_from_outside(as_district_b, world):
    issue(world.membership_anh, to_branch=world.b1)
    response = as_district_b.get(reverse("book:letter_receive"), {"number": "2/2025/GGT-ĐTN-99101"})
    message = gettext(
        "No letter waiting to be received has the number “%(number)s”. Check it against the paper: "
        "a letter is found by its exact number, and once received it is not found again."
    ) % {"number": "2/2025/GGT-ĐTN-99101"}
    assert says(response, message)
    assert 'data-testid="from-outside"' in text(response) and "Nguyễn Văn Ánh" not in text(response)


def test_a_letter_to_outside_ends_the_membership_and_may_be_received_later(as_district_a, world):
    anh = world.membership_anh
    response = post_issue(as_district_a, anh, to_description="Đoàn phường Tân Định, Quận 1, TP. Hồ Chí Minh")
    assert response.status_code == 302
    anh.refresh_from_db()
    assert (anh.ended_on, anh.end_reason, anh.end_note) == (
        D(2025, 3, 10),
        EndReason.TRANSFERRED,
        "Đoàn phường Tân Định, Quận 1, TP. Hồ Chí Minh",
    )
    assert world.anh.pk not in on_roll(world.a1, D(2025, 3, 10)) and world.anh.pk in on_roll(world.a1, D(2025, 3, 9))

    # The member came back to the province after all: district B receives the same letter.
    letter = TransferLetter.objects.get()
    received = letters.receive_letter(letter=letter, branch=world.b1, on=D(2025, 6, 1))
    new = received.received_membership
    assert new.pk != anh.pk and (new.branch, new.joined_on, new.ended_on) == (world.b1, D(2025, 6, 1), None)


def test_a_second_letter_waits_for_the_first(world):
    issue(world.membership_anh, to_branch=world.b1)
    with pytest.raises(ValidationError):
        issue(world.membership_anh, to_description="Đoàn phường 1")
    assert TransferLetter.objects.count() == 1


def test_the_form_needs_one_destination(as_district_a, world):
    anh = world.membership_anh
    assert post_issue(as_district_a, anh).context["form"].errors["to_branch"]
    response = post_issue(as_district_a, anh, to_branch=world.a2.pk, to_description="Đoàn phường 1")
    assert response.context["form"].errors["to_description"]
    assert post_issue(as_district_a, anh, to_branch_code="KHONG-CO").context["form"].errors["to_branch_code"]
    assert not TransferLetter.objects.exists()


def test_the_person_page_offers_the_letter_and_lists_the_letters(as_district_a, world):
    page = as_district_a.get(reverse("members:person", args=[world.anh.pk]))
    assert reverse("book:letter_issue", args=[world.membership_anh.pk]) in text(page)
    letter = issue(world.membership_anh, to_branch=world.b1)
    page = as_district_a.get(reverse("members:person", args=[world.anh.pk]))
    assert 'data-testid="person-letters"' in text(page) and letter.number in text(page)


# --- Recorded from outside ---------------------------------------------------------------


def test_a_member_arriving_with_a_letter_from_outside_is_added_with_it(as_district_a, world):
    data = {
        "full_name": "Trương Thị Mới",
        "birth_date": "02/09/2001",
        "gender": "female",
        "ethnicity": "Kinh",
        "residence": world.tree.hamlet_a2.pk,
        "branch": world.a2.pk,
        "joined_on": "15/04/2025",
        "status": "present",
        "card_number": "DV0099",
        "letter_number": "25/GGT-ĐTN",
        "letter_from": "Đoàn xã Mỹ An, tỉnh Vĩnh Long",
        "letter_issued_on": "01/04/2025",
    }
    response = as_district_a.post(reverse("book:letter_from_outside"), data)
    assert response.status_code == 302
    letter = TransferLetter.objects.get()
    assert (letter.from_branch, letter.from_description, letter.number) == (
        None,
        "Đoàn xã Mỹ An, tỉnh Vĩnh Long",
        "25/GGT-ĐTN",
    )
    assert (letter.received_on, letter.received_branch) == (D(2025, 4, 15), world.a2)
    assert letter.received_membership.joined_on == D(2025, 4, 15) and letter.person.full_name == "Trương Thị Mới"
    book = as_district_a.get(reverse("book:letter_book", args=[world.tree.district_a.key, 2025]))
    assert [row[0] for row in book.context["received"]] == [letter] and book.context["sent"] == []
    # Not found at the arrival: a letter from outside is recorded, not received.
    found = as_district_a.get(reverse("book:letter_receive"), {"number": "25/GGT-ĐTN"})
    assert found.context["letter"] is None


# --- The letter's page, its .docx, the book ----------------------------------------------


def test_the_print_page_has_the_letterhead_and_the_docx_the_number_and_name(as_district_a, world, district_a):
    from docx import Document

    district_a.full_name, district_a.position = "Lê Hoàng Phúc", "Bí thư Đoàn xã Tân Mỹ"
    district_a.save()
    letter = letters.issue_letter(
        membership=world.membership_anh,
        issued_on=D(2025, 3, 10),
        to_branch=world.b1,
        valid_until=D(2025, 4, 9),
        user=district_a,
    )
    page = as_district_a.get(reverse("book:letter", args=[letter.pk]))
    html = text(page)
    header = html.split('data-testid="document-header"')[1].split("</header>")[0]
    assert "ĐOÀN TNCS HỒ CHÍ MINH" in header and "ĐOÀN THANH NIÊN XÃ TÂN MỸ" in header
    assert "Tân Mỹ, ngày 10 tháng 03 năm 2025" in header
    assert "GIẤY GIỚI THIỆU SINH HOẠT" in html and "Số: 1/2025/GGT-ĐTN-99101" in html
    assert "Lê Hoàng Phúc" in html and "09/04/2025" in html

    response = as_district_a.get(reverse("book:letter_docx", args=[letter.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="giay-gioi-thieu-2025-1-99101.docx"'
    document = Document(io.BytesIO(response.content))
    words = "\n".join(
        [p.text for p in document.paragraphs]
        + [p.text for table in document.tables for cell in table._cells for p in cell.paragraphs]
    )
    assert "Số: 1/2025/GGT-ĐTN-99101" in words and "Nguyễn Văn Ánh" in words and "GIẤY GIỚI THIỆU SINH HOẠT" in words
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert DownloadLog.objects.filter(file_name="giay-gioi-thieu-2025-1-99101.docx").exists()


def test_the_book_lists_the_letters_sent_and_received_in_the_year(as_district_a, world, district_b):
    people = [factories.membership(world.a2, person=factories.person(f"Đoàn Viên {i}")) for i in range(3)]
    sent = [
        issue(people[0], to_branch=world.b1),
        issue(people[1], on=D(2025, 5, 2), to_description="Đoàn phường 1"),
        issue(people[2], on=D(2024, 12, 30), to_branch=world.b1),  # another year
    ]
    back = issue(world.membership_be, on=D(2025, 2, 1), to_branch=world.a1)
    letters.receive_letter(letter=back, branch=world.a1, on=D(2025, 2, 10))
    response = as_district_a.get(reverse("book:letter_book", args=[world.tree.district_a.key, 2025]))

    district = world.tree.district_a.path
    expected_sent = [
        letter.pk
        for letter in TransferLetter.objects.select_related("from_branch__area")
        if letter.from_branch.area.path.startswith(district) and letter.issued_on.year == 2025
    ]
    assert sorted(row[0].pk for row in response.context["sent"]) == sorted(expected_sent)
    assert sorted(expected_sent) == sorted([sent[0].pk, sent[1].pk])
    assert [row[0].pk for row in response.context["received"]] == [back.pk]
    assert says(response, gettext("Outside the application")) and says(response, gettext("Waiting for arrival"))

    download = as_district_a.get(
        reverse("book:letter_book", args=[world.tree.district_a.key, 2025]), {"format": "xlsx"}
    )
    workbook = openpyxl.load_workbook(io.BytesIO(download.content))
    sheet_sent, sheet_received = workbook.worksheets
    cells = [str(cell.value) for row in sheet_sent.iter_rows() for cell in row if cell.value is not None]
    assert sent[0].number in cells and sent[1].number in cells and sent[2].number not in cells
    assert back.number in [str(c.value) for row in sheet_received.iter_rows() for c in row]
    assert (sheet_sent["A1"].value, sheet_received["A2"].value) == ("HUYỆN THANH BÌNH", "BAN CHỈ ĐẠO")


def test_the_pages_run_a_fixed_number_of_queries(as_district_a, world, district_b, django_assert_num_queries):
    def letter_pages():
        first = TransferLetter.objects.order_by("pk").first()
        return [
            reverse("book:letter_book", args=[world.tree.district_a.key, 2025]),
            reverse("book:letter", args=[first.pk]),
            f"{reverse('book:letter_receive')}?number={first.number}",
        ]

    issue(world.membership_anh, to_branch=world.b1)
    counts = {}
    for url in letter_pages():
        with CaptureQueriesContext(connection) as small:
            assert as_district_a.get(url).status_code == 200
        counts[url] = len(small.captured_queries)
    for i in range(5):
        membership = factories.membership(world.a2, person=factories.person(f"Đoàn Viên {i}"))
        issue(membership, to_branch=world.b1 if i % 2 else None, to_description="" if i % 2 else "Đoàn phường 1")
    for url in letter_pages():
        with django_assert_num_queries(counts[url]):
            as_district_a.get(url)


# --- Scope -------------------------------------------------------------------------------


@pytest.fixture
def sent(world):
    return issue(world.membership_anh, to_branch=world.a2)


def test_another_district_or_commune_sees_none_of_the_pages(client, world, sent, district_b):
    commune = factories.area("99102", "Tân Hòa", AreaLevel.COMMUNE, UnitType.XA, world.tree.district_a)
    other_commune = factories.user(Role.COMMUNE, commune, username="xa-khac")
    urls = [
        reverse("book:letter", args=[sent.pk]),
        reverse("book:letter_docx", args=[sent.pk]),
        reverse("book:letter_book", args=[world.tree.district_a.key, 2025]),
        reverse("book:letter_book", args=[world.tree.commune_a.key, 2025]) + "?format=xlsx",
        reverse("book:letter_issue", args=[world.membership_dung.pk]),
        reverse("book:ageing", args=[world.tree.commune_a.key, 2025]),
    ]
    for user in (district_b, other_commune):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
    # The other commune's own book does not hold the letter.
    client.force_login(other_commune)
    own = client.get(reverse("book:letter_book", args=[commune.key, 2025]))
    assert own.context["sent"] == [] and own.context["received"] == []


def test_the_province_reads_but_does_not_issue_or_receive(as_province, world, sent):
    assert as_province.get(reverse("book:letter", args=[sent.pk])).status_code == 200
    assert as_province.get(reverse("book:letter_issue", args=[world.membership_dung.pk])).status_code == 403
    assert as_province.get(reverse("book:letter_receive")).status_code == 403
    assert as_province.get(reverse("book:letter_from_outside")).status_code == 403
