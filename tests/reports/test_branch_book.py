"""The branch book of a year: one workbook, a sheet per table of the paper book.

The test keeps its own account of what happened to the branch in 2024 (who was in it, who
came and left, what was paid, rated, awarded) and reads each sheet against it.
"""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from accounts.models import Role
from book.models import Award, AwardForm, DecisionLevel, TransferLetter
from core.models import DownloadLog
from core.sheets import TABLE_TOP
from fees.models import FeeCategory, FeePayment, FeeRate
from members import services as member_services
from members.models import EndReason
from ratings.models import Grade, MemberRating, MemberSchemeAssignment, RatingState
from tests import factories

D = datetime.date
YEAR = 2024


def table(sheet) -> list[list]:
    """The rows of a sheet's table: from below its header to the first empty line."""
    rows = []
    for values in sheet.iter_rows(min_row=TABLE_TOP + 1, values_only=True):
        if values[0] is None:
            break
        rows.append(list(values))
    return rows


def named(rows: list[list], column: int = 1) -> dict[str, list]:
    return {row[column]: row for row in rows}


@pytest.fixture
def book_world(tree):
    branch = factories.branch(tree.hamlet_a1, name="Chi đoàn Tân Phú")
    other = factories.branch(tree.hamlet_a2, name="Chi đoàn Tân Thạnh")
    people = {}

    def member(name, where=branch, joined=None, **fields):
        joined = joined or D(2020, 1, 1)
        membership = factories.membership(where, person=factories.person(name), joined_on=joined, **fields)
        people[name] = membership
        return membership

    an = member("Lê Văn An", card_number="DV-001")
    binh = member("Trần Thị Bình", where=other)
    member_services.transfer_membership(membership=binh, to_branch=branch, on=D(2024, 4, 1), reason="chuyển về ấp")
    chi = member("Phạm Văn Chí")
    member_services.transfer_membership(membership=chi, to_branch=other, on=D(2024, 9, 1), reason="chuyển nhà")
    dung = member("Hồ Văn Dũng", joined=D(2024, 2, 10))
    member_services.end_membership(
        membership=dung, on=D(2024, 10, 1), reason=EndReason.TRANSFERRED, note="Đoàn phường Bến Nghé, TP HCM"
    )
    em = member("Võ Thị Em")
    member_services.end_membership(membership=em, on=D(2023, 5, 1), reason=EndReason.RESIGNED)
    member("Ngô Văn Giang", where=other)  # never in the branch

    TransferLetter.objects.create(
        number="3/GGT-DOAN",
        year=YEAR,
        sequence=3,
        issuing_area=tree.commune_a,
        organization=branch.organization,
        person=chi.person,
        membership=chi,
        from_branch=branch,
        to_branch=other,
        issued_on=D(2024, 8, 25),
        received_on=D(2024, 9, 1),
        received_branch=other,
        received_membership=chi,
    )
    TransferLetter.objects.create(
        number="5/GGT-DOAN",
        year=YEAR,
        sequence=5,
        issuing_area=tree.commune_a,
        organization=branch.organization,
        person=dung.person,
        membership=dung,
        from_branch=branch,
        to_description="Đoàn phường Bến Nghé, TP HCM",
        issued_on=D(2024, 10, 1),
    )
    factories.officer(branch, an.person, role="head", start_on=D(2023, 1, 1))
    factories.officer(branch, chi.person, role="deputy", start_on=D(2022, 1, 1), end_on=D(2023, 12, 31))
    factories.meeting(branch, held_on=D(2024, 3, 10), present=3, on_roll=4)
    factories.meeting(branch, held_on=D(2024, 11, 10), present=2, on_roll=3)
    factories.meeting(branch, held_on=D(2023, 11, 10))
    factories.rating(branch, YEAR, grade_code="good", state=RatingState.APPROVED)
    scheme = MemberSchemeAssignment.objects.for_year(branch.organization_id, YEAR).scheme
    MemberRating.objects.create(membership=an, year=YEAR, grade=Grade.objects.get(scheme=scheme, code="excellent"))
    MemberRating.objects.create(membership=an, year=2023, grade=Grade.objects.get(scheme=scheme, code="done"))
    category = FeeCategory.objects.get(organization=branch.organization, is_default=True)
    FeeRate.objects.create(category=category, amount=2000, valid_from=D(2020, 1, 1))
    for month in (1, 2, 3):
        FeePayment.objects.create(membership=an, year=YEAR, month=month, amount=2000, paid_on=D(2024, 3, 10))
    FeePayment.objects.create(membership=binh, year=YEAR, month=4, amount=1000, paid_on=D(2024, 4, 15))
    Award.objects.create(
        person=an.person,
        organization=branch.organization,
        form=AwardForm.CERTIFICATE,
        decided_on=D(2024, 3, 26),
        level=DecisionLevel.COMMUNE,
        branch=branch,
        decision_number="12/QĐ-ĐTN",
        reason="Thanh niên tiêu biểu",
    )
    Award.objects.create(
        person=an.person,
        organization=branch.organization,
        form=AwardForm.WARNING,
        decided_on=D(2023, 6, 1),
        level=DecisionLevel.BRANCH,
        branch=branch,
    )
    return branch, people


def download(client, branch, year=YEAR):
    response = client.get(reverse("reports:branch_book", args=[branch.pk]), {"year": year})
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


@pytest.fixture
def commune_staff(tree, client):
    user = factories.user(Role.COMMUNE, tree.commune_a)
    client.force_login(user)
    return user


def test_the_book_holds_a_sheet_per_table_of_the_paper_book(client, book_world, commune_staff):
    branch, _people = book_world
    workbook = download(client, branch)
    assert workbook.sheetnames == [
        _("Roll and its history"),
        _("Officers"),
        _("Meetings and attendance"),
        _("Branch rating"),
        _("Members' ratings"),
        _("Fees"),
        _("Awards and discipline"),
        _("Transfers in and out"),
    ]
    assert branch.name.upper() in [cell.value for cell in workbook.worksheets[0][2]]


def test_the_roll_holds_everyone_who_was_in_the_branch_that_year_with_their_stretches(
    client, book_world, commune_staff
):
    branch, _people = book_world
    rows = table(download(client, branch)[_("Roll and its history")])
    stretches = [(row[1], row[6].date(), row[7].date() if row[7] else None) for row in rows]
    assert sorted(stretches) == sorted(
        [
            ("Lê Văn An", D(2020, 1, 1), None),
            ("Trần Thị Bình", D(2024, 4, 1), None),
            ("Phạm Văn Chí", D(2020, 1, 1), D(2024, 8, 31)),
            ("Hồ Văn Dũng", D(2024, 2, 10), D(2024, 9, 30)),
        ]
    )
    dung = named(rows)["Hồ Văn Dũng"]
    assert dung[10].startswith(str(EndReason.TRANSFERRED.label)) and "01/10/2024" in dung[10]
    assert named(rows)["Lê Văn An"][5] == "DV-001"


def test_transfers_in_and_out_name_the_other_side_and_the_letter(client, book_world, commune_staff):
    branch, _people = book_world
    rows = table(download(client, branch)[_("Transfers in and out")])
    moves = [(row[1].date(), row[2], row[3], row[4], row[5]) for row in rows]
    assert moves == [
        (D(2024, 4, 1), _("Arrived"), "Trần Thị Bình", "Chi đoàn Tân Thạnh", None),
        (D(2024, 9, 1), _("Left"), "Phạm Văn Chí", "Chi đoàn Tân Thạnh", "3/GGT-DOAN"),
        (D(2024, 10, 1), _("Left"), "Hồ Văn Dũng", "Đoàn phường Bến Nghé, TP HCM", "5/GGT-DOAN"),
    ]


def test_officers_meetings_ratings_and_awards_are_those_of_the_year(client, book_world, commune_staff):
    branch, _people = book_world
    workbook = download(client, branch)
    assert [row[1] for row in table(workbook[_("Officers")])] == ["Lê Văn An"]
    meetings = table(workbook[_("Meetings and attendance")])
    assert [(row[1].date(), row[5], row[6]) for row in meetings] == [(D(2024, 3, 10), 3, 4), (D(2024, 11, 10), 2, 3)]
    assert [row[1] for row in table(workbook[_("Branch rating")])] == ["Khá"]
    # The members the branch rates: those in it on 31/12 and those who ended there during the year.
    ratings = {row[1]: (row[2], row[3]) for row in table(workbook[_("Members' ratings")])}
    assert ratings == {
        "Lê Văn An": ("Hoàn thành xuất sắc nhiệm vụ", str(RatingState.DRAFT.label)),
        "Trần Thị Bình": (None, _("Not yet rated")),
        "Hồ Văn Dũng": (None, _("Not yet rated")),
    }
    awards = table(workbook[_("Awards and discipline")])
    assert [(row[1], row[2].date(), row[6]) for row in awards] == [("Lê Văn An", D(2024, 3, 26), "12/QĐ-ĐTN")]


def test_fees_show_each_months_payment_and_the_years_due(client, book_world, commune_staff):
    branch, _people = book_world
    rows = named(table(download(client, branch)[_("Fees")]))
    months = slice(2, 14)
    # Lê Văn An owed every month and paid January to March.
    assert rows["Lê Văn An"][months] == [2000, 2000, 2000, *[0] * 9]
    assert rows["Lê Văn An"][14:] == [12 * 2000, 3 * 2000]
    # Trần Thị Bình owed here from April (her transfer), paid half of April.
    assert rows["Trần Thị Bình"][months] == [None, None, None, 1000, *[0] * 8]
    assert rows["Trần Thị Bình"][14:] == [9 * 2000, 1000]
    # Phạm Văn Chí owed here until August; Hồ Văn Dũng from February to September.
    assert rows["Phạm Văn Chí"][14] == 8 * 2000
    assert rows["Hồ Văn Dũng"][14] == 8 * 2000
    assert set(rows) == {"Lê Văn An", "Trần Thị Bình", "Phạm Văn Chí", "Hồ Văn Dũng"}


def test_the_download_is_logged_and_its_queries_do_not_grow_with_the_members(client, book_world, commune_staff):
    branch, _people = book_world
    url = reverse("reports:branch_book", args=[branch.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"year": YEAR})
    for number in range(5):
        factories.membership(branch, person=factories.person(f"Thêm Người {number}"))
    with CaptureQueriesContext(connection) as more:
        client.get(url, {"year": YEAR})
    assert len(more) == len(few)
    logged = DownloadLog.objects.filter(kind="branch_book").order_by("-pk").first()
    assert logged is not None and logged.file_name == f"branch-book-{branch.code}-{YEAR}.xlsx"


def test_the_branch_page_offers_the_book_of_this_year_and_the_two_before(client, book_world, commune_staff):
    branch, _people = book_world
    page = client.get(reverse("branches:branch", args=[branch.pk])).content.decode()
    year = timezone.localdate().year
    assert reverse("reports:branch_book", args=[branch.pk]) in page
    assert all(f'value="{y}"' in page for y in (year, year - 1, year - 2))


@pytest.mark.parametrize("role", [Role.COMMUNE, Role.DISTRICT])
def test_another_communes_or_districts_user_gets_404(client, tree, book_world, role):
    branch, _people = book_world
    area = tree.commune_b if role == Role.COMMUNE else tree.district_b
    client.force_login(factories.user(role, area))
    assert client.get(reverse("reports:branch_book", args=[branch.pk]), {"year": YEAR}).status_code == 404
    assert not DownloadLog.objects.filter(kind="branch_book").exists()
