"""A branch's meeting log of a year and its roll on a date print and download (issue 14, point 6).

The test keeps its own log of who sat in branch A1 when, and of the meetings held, and
expects the documents to list exactly that; users of another commune or district get 404.
"""

import datetime
import io
from types import SimpleNamespace

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role
from areas.models import AreaLevel, UnitType
from core import vietnamese
from members import services as member_services
from members.models import EndReason, MembershipStatus
from tests import factories
from tests.reports.page_data import element_texts

D = datetime.date
FULL_NAME = "Phạm Thị Ngọc Hân"
POSITION = "Phó Bí thư Đoàn xã Tân Mỹ"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def story(world):
    """More meetings and members around branch A1, with the test's own record of them."""
    a1, a2 = world.a1, world.a2
    meetings = [world.meeting_a]
    for held_on in (D(2024, 5, 12), D(2024, 11, 3)):
        meetings.append(factories.meeting(a1, held_on=held_on, present=1, on_roll=2))
    factories.meeting(a1, held_on=D(2023, 12, 10))  # another year
    factories.meeting(a2, held_on=D(2024, 5, 12))  # another branch
    meetings[1].content = '=HYPERLINK("http://x")'  # typed by a user: must stay text
    meetings[1].save()

    # (name, branch, from, until exclusive, status): what the roll of a date must show.
    stretches = [
        ("Nguyễn Văn Ánh", a1, D(2020, 1, 1), None, MembershipStatus.PRESENT),
        ("Đặng Thị Dung", a1, D(2021, 5, 1), D(2024, 4, 1), MembershipStatus.PRESENT),
        ("Đặng Thị Dung", a1, D(2024, 4, 1), None, MembershipStatus.AWAY),
    ]
    member_services.change_membership_status(
        membership=world.membership_dung, status=MembershipStatus.AWAY, on=D(2024, 4, 1)
    )
    cuong = factories.membership(a1, person=factories.person("Trần Văn Cường"), joined_on=D(2022, 1, 1))
    member_services.transfer_membership(membership=cuong, to_branch=a2, on=D(2024, 6, 1))
    stretches.append(("Trần Văn Cường", a1, D(2022, 1, 1), D(2024, 6, 1), MembershipStatus.PRESENT))
    hoa = factories.membership(a1, person=factories.person("Lê Thị Hoa", gender="female"), joined_on=D(2019, 3, 1))
    member_services.end_membership(membership=hoa, on=D(2024, 2, 1), reason=EndReason.RESIGNED)
    stretches.append(("Lê Thị Hoa", a1, D(2019, 3, 1), D(2024, 2, 1), MembershipStatus.PRESENT))
    khai = factories.membership(a2, person=factories.person("Võ Văn Khải"), joined_on=D(2020, 1, 1))
    member_services.transfer_membership(membership=khai, to_branch=a1, on=D(2024, 9, 1))
    stretches.append(("Võ Văn Khải", a1, D(2024, 9, 1), None, MembershipStatus.PRESENT))
    return SimpleNamespace(world=world, meetings=meetings, stretches=stretches)


def expected_roll(story, on: datetime.date) -> list[tuple[str, str]]:
    """(name, status label) of A1's members on the date, in the Vietnamese order of names."""
    with translation.override("vi"):
        rows = [
            (name, str(MembershipStatus(status).label))
            for name, branch, start, end, status in story.stretches
            if branch == story.world.a1 and start <= on and (end is None or on < end)
        ]
    return sorted(rows, key=lambda row: vietnamese.sort_key(row[0]))


@pytest.fixture
def commune_user(tree):
    user = factories.user(Role.COMMUNE, tree.commune_a, username="xa-tan-my")
    user.full_name, user.position = FULL_NAME, POSITION
    user.save()
    return user


@pytest.fixture
def as_commune(client, commune_user):
    client.force_login(commune_user)
    return client


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]


def _numbered_rows(sheet) -> list[list]:
    """The table's rows: those numbered 1, 2, 3 … in the first column."""
    rows = [[cell.value for cell in row] for row in sheet.iter_rows() if isinstance(row[0].value, int)]
    assert [row[0] for row in rows] == list(range(1, len(rows) + 1))
    return rows


def _texts(sheet) -> list[str]:
    return [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]


def _assert_official(sheet) -> None:
    assert (sheet.cell(1, 1).value, sheet.cell(2, 1).value) == ("ĐOÀN THANH NIÊN XÃ TÂN MỸ", "CHI ĐOÀN TÂN PHÚ")
    texts = _texts(sheet)
    assert {"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"} <= set(texts)
    today = timezone.localdate()
    assert f"Thử Nghiệm, ngày {today.day:02d} tháng {today.month:02d} năm {today.year}" in texts
    preparer = texts.index("NGƯỜI LẬP BIỂU")
    assert FULL_NAME in texts[preparer:] and POSITION in texts[preparer:]
    assert "TM. CHI ĐOÀN TÂN PHÚ" in texts


def test_the_meeting_log_of_a_year_downloads_with_the_branchs_meetings(as_commune, story):
    url = reverse("meetings:branch_log", args=[story.world.a1.pk])

    response = as_commune.get(url, {"year": 2024, "format": "xlsx"})

    sheet = _sheet(response)
    assert response["Content-Disposition"] == 'attachment; filename="meetings-A1-DOAN-2024.xlsx"'
    _assert_official(sheet)
    rows = _numbered_rows(sheet)
    assert len(rows) == len(story.meetings)  # 2023's meeting and branch A2's are not there
    # Newest first, as on the page; the date a real date, the figures numbers.
    held = sorted((meeting.held_on for meeting in story.meetings), reverse=True)
    assert [row[1].date() for row in rows] == held
    by_date = {row[1].date(): row for row in rows}
    assert by_date[D(2024, 3, 10)][5:9] == [1, 2, 50.0, 1]  # present, on the roll, rate, visits
    assert by_date[D(2024, 5, 12)][4] == '\'=HYPERLINK("http://x")'


def test_the_meeting_log_page_prints_as_a_document(as_commune, story):
    html = as_commune.get(reverse("meetings:branch_log", args=[story.world.a1.pk]), {"year": 2024}).content.decode()
    _classes, header = element_texts(html, "document-header")
    assert header[:2] == ["ĐOÀN THANH NIÊN XÃ TÂN MỸ", "CHI ĐOÀN TÂN PHÚ"]
    _classes, signature = element_texts(html, "document-signature")
    assert FULL_NAME in signature and POSITION in signature
    assert 'data-action="print"' in html
    assert "?year=2024&amp;format=xlsx" in html


@pytest.mark.parametrize("on", [D(2023, 12, 31), D(2024, 5, 15), D(2024, 10, 15)])
def test_the_roll_of_a_date_downloads_with_the_members_of_that_day(as_commune, story, on):
    url = reverse("meetings:roll_sheet", args=[story.world.a1.pk])
    expected = expected_roll(story, on)

    sheet = _sheet(as_commune.get(url, {"on": on.strftime("%d/%m/%Y"), "format": "xlsx"}))

    _assert_official(sheet)
    rows = _numbered_rows(sheet)
    assert [(row[1], row[6]) for row in rows] == expected
    with translation.override("vi"):
        total, away = translation.gettext("Total"), str(MembershipStatus.AWAY.label)
    away_count = sum(1 for _name, status in expected if status == away)
    note = next(text for text in _texts(sheet) if text.startswith(f"{total}: "))
    assert note.startswith(f"{total}: {len(expected)} · ")
    assert f"{away}: {away_count}" in note


def test_the_roll_page_lists_the_members_of_the_date_and_prints_as_a_document(as_commune, story):
    url = reverse("meetings:roll_sheet", args=[story.world.a1.pk])
    on = D(2024, 10, 15)

    html = as_commune.get(url, {"on": "15/10/2024"}).content.decode()

    _classes, table = element_texts(html, "roll")
    names = [name for name, _status in expected_roll(story, on)]
    assert [text for text in table if text in {s[0] for s in story.stretches}] == names
    _classes, counts = element_texts(html, "roll-counts")
    assert counts[0].endswith(f": {len(names)}")
    _classes, signature = element_texts(html, "document-signature")
    assert FULL_NAME in signature and POSITION in signature
    assert "?on=15/10/2024&amp;format=xlsx" in html


def test_a_date_that_is_not_one_shows_the_error_and_todays_roll(as_commune, story):
    response = as_commune.get(reverse("meetings:roll_sheet", args=[story.world.a1.pk]), {"on": "31/02/2024"})
    assert response.status_code == 200
    assert response.context["form"].errors["on"]
    assert response.context["on"] == timezone.localdate()
    assert [period.person.full_name for period in response.context["periods"]] == [
        name for name, _status in expected_roll(story, timezone.localdate())
    ]


def test_the_pages_link_to_the_documents(as_commune, story):
    a1 = story.world.a1
    roll_url = reverse("meetings:roll_sheet", args=[a1.pk])
    assert roll_url in as_commune.get(reverse("branches:branch", args=[a1.pk])).content.decode()
    assert roll_url in as_commune.get(reverse("meetings:branch_log", args=[a1.pk])).content.decode()
    detail = as_commune.get(reverse("meetings:meeting", args=[story.world.meeting_a.pk])).content.decode()
    assert f"{roll_url}?on=10/03/2024" in detail


@pytest.fixture
def other_commune_client(client, tree):
    """Commune staff of another commune of the same district."""
    commune = factories.area("99102", "Tân Hòa", AreaLevel.COMMUNE, UnitType.XA, tree.district_a)
    client.force_login(factories.user(Role.COMMUNE, commune, username="xa-tan-hoa"))
    return client


DOCUMENTS = [
    ("meetings:branch_log", {"year": 2024, "format": "xlsx"}),
    ("meetings:branch_log", {"year": 2024}),
    ("meetings:roll_sheet", {"on": "15/10/2024", "format": "xlsx"}),
    ("meetings:roll_sheet", {"on": "15/10/2024"}),
]


@pytest.mark.parametrize(("name", "query"), DOCUMENTS)
def test_users_of_another_commune_or_district_get_404(request, story, name, query):
    url = reverse(name, args=[story.world.a1.pk])
    for other in ("other_commune_client", "as_district_b"):
        client = request.getfixturevalue(other)
        assert client.get(url, query).status_code == 404, other


@pytest.mark.parametrize(("name", "query"), DOCUMENTS)
def test_the_province_above_gets_the_documents(as_province, story, name, query):
    response = as_province.get(reverse(name, args=[story.world.a1.pk]), query)
    assert response.status_code == 200


def test_an_unknown_format_is_not_there(as_commune, story):
    url = reverse("meetings:roll_sheet", args=[story.world.a1.pk])
    assert as_commune.get(url, {"format": "pdf"}).status_code == 404
