"""Templates: headers, example, dropdowns, formats, explanations; each kind's round trip re-imports unchanged."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from areas.models import Area
from branches.models import Branch, Officer
from members.models import Membership, Person, TargetPopulation
from ratings.models import BranchRating
from tests import factories
from workbooks.columns import COLUMNS, TITLES

from .helpers import MEMBER_HEADER, fill, read, rows_of, run_import

pytestmark = pytest.mark.django_db

KINDS = ["areas", "branches", "members", "targets", "ratings", "officers"]
SPEC_HEADERS = {
    "areas": ["Mã xã", "Mã ấp", "Tên ấp/khóm", "Loại"],
    "branches": ["Mã chi", "Tên chi", "Đoàn thể", "Mã ấp", "Loại chi", "Ngày thành lập"],
    "members": MEMBER_HEADER,
    "targets": ["Mã ấp", "Đoàn thể", "Năm", "Số đối tượng"],
    "ratings": ["Mã chi", "Năm", "Xếp loại", "Điểm", "Ghi chú"],
    "officers": ["Mã chi", "Họ và tên", "Số CCCD", "Chức vụ", "Từ ngày", "Đến ngày"],
}
DROPDOWNS = {
    "areas": {"Loại": "Ấp"},
    "branches": {"Đoàn thể": "Hội Nông dân", "Loại chi": "Nghề nghiệp"},
    "members": {"Giới tính": "Nữ", "Tình trạng": "Bỏ sinh hoạt"},
    "targets": {"Đoàn thể": "Hội Phụ nữ"},
    "ratings": {"Xếp loại": "Trung bình"},
    "officers": {"Chức vụ": "Phó Bí thư"},
}


@pytest.mark.parametrize("kind", KINDS)
def test_template_has_the_spec_headers_an_example_dropdowns_and_explanations(kind, tmp_path):
    path = tmp_path / "t.xlsx"
    call_command("export_template", kind, "-o", str(path), stdout=io.StringIO())
    book = read(path.read_bytes())
    sheet, explanations = book.worksheets
    assert sheet.title == TITLES[kind]
    header = [cell.value for cell in sheet[1]]
    assert header == SPEC_HEADERS[kind]
    example = [cell.value for cell in sheet[2]]
    assert any(value not in (None, "") for value in example)
    assert all(sheet.column_dimensions[letter].width for letter in "ABCD")
    lists = {}
    for validation in sheet.data_validations.dataValidation:
        column = header[next(iter(validation.sqref.ranges)).min_col - 1]
        lists[column] = validation.formula1.strip('"').split(",")
    for column, label in DROPDOWNS[kind].items():
        assert label in lists[column]
    for cell in sheet[2]:
        if isinstance(cell.value, datetime.datetime | datetime.date):
            assert cell.number_format == "dd/mm/yyyy"
    explained = [row[0].value.split("\n")[0] for row in explanations.iter_rows(min_row=2) if row[0].value]
    assert [c.header for c in COLUMNS[kind]] == explained[: len(COLUMNS[kind])]


def test_areas_round_trip(world, tmp_path):
    data = fill("areas", [["99101", "99101-03", "Tân Hòa", "Ấp"], ["99101", "99101-04", "Khóm Một", "Khóm"]])
    code, output = run_import(tmp_path, "areas", data, user=world.staff_a)
    assert (code, output["created"]) == (0, 2), output
    hamlet = Area.objects.get(code="99101-04")
    assert (hamlet.parent, hamlet.unit_type, hamlet.path) == (world.commune_a, "khom", "/99/991/99101/99101-04/")
    assert run_import(tmp_path, "areas", data, user=world.staff_a)[1]["unchanged"] == 2


def test_branches_round_trip_through_export(world, client, tmp_path):
    data = fill(
        "branches",
        [
            ["99101-01-CCB", "Chi hội CCB ấp Tân Phú", "Hội Cựu chiến binh", "99101-01", "Dân cư", "12/05/1995"],
            ["99101-NN", "Chi hội nuôi cá", "HND", "99101", "Nghề nghiệp", 2019],
        ],
    )
    code, output = run_import(tmp_path, "branches", data, user=world.staff_a)
    assert (code, output["created"]) == (0, 2), output
    professional = Branch.objects.get(code="99101-NN")
    assert (professional.area, professional.kind, professional.founded_on) == (
        world.commune_a,
        "professional",
        datetime.date(2019, 1, 1),
    )
    client.force_login(world.staff_a)
    exported = client.get(reverse("workbooks:export", args=["branches"])).content
    codes = [row[0] for row in rows_of(exported)[1:]]
    assert sorted(codes) == sorted(
        Branch.objects.filter(area__path__startswith="/99/991/").values_list("code", flat=True)
    )
    code, output = run_import(tmp_path, "branches", exported, user=world.staff_a)
    assert (code, output["unchanged"], output["created"], output["updated"]) == (0, len(codes), 0, 0)


def test_members_round_trip_through_export(world, client, tmp_path):
    data = fill(
        "members",
        [
            [
                1,
                "Nguyễn Văn Ánh",
                "14/07/1995",
                "Nam",
                "Kinh",
                "",
                "087095001234",
                "0912345678",
                "12/12",
                "Làm ruộng",
                "26/03/2012",
                "",
                world.doan_a1.code,
                "Đang sinh hoạt",
                "-cần xác minh",
            ],
            [
                2,
                "Thạch Thị Sa",
                1990,
                "Nữ",
                "Khmer",
                "Phật giáo",
                "",
                "",
                "9/12",
                "",
                2008,
                "",
                world.hnd_a1.code,
                "Đi làm ăn xa",
                "",
            ],
        ],
    )
    code, output = run_import(tmp_path, "members", data, user=world.staff_a)
    assert (code, output["created"]) == (0, 2), output
    client.force_login(world.staff_a)
    exported = client.get(reverse("workbooks:export", args=["members"])).content
    book = read(exported)
    cell = book.worksheets[0]["O2"] if book.worksheets[0]["B2"].value == "Nguyễn Văn Ánh" else book.worksheets[0]["O3"]
    assert cell.value == "-cần xác minh" and cell.data_type == "s"  # a text, never a formula
    code, output = run_import(tmp_path, "members", exported, user=world.staff_a)
    assert (code, output["unchanged"], output["created"], output["updated"]) == (0, 2, 0, 0)
    assert Person.objects.count() == 2 and Membership.objects.count() == 2


def test_targets_round_trip(world, tmp_path):
    data = fill("targets", [["99101-01", "Đoàn Thanh niên", 2024, 250], ["99101-02", "HND", "2024", "1.200"]])
    code, output = run_import(tmp_path, "targets", data, user=world.staff_a)
    assert (code, output["created"]) == (0, 2), output
    assert TargetPopulation.objects.get(hamlet=world.hamlet_a2).count == 1200
    assert run_import(tmp_path, "targets", data, user=world.staff_a)[1]["unchanged"] == 2


def test_ratings_round_trip(world, tmp_path):
    data = fill(
        "ratings", [[world.doan_a1.code, 2024, "Vững mạnh", "92,5", ""], [world.hnd_a1.code, 2024, "khá", "", ""]]
    )
    code, output = run_import(tmp_path, "ratings", data, user=world.staff_a)
    assert (code, output["created"]) == (0, 2), output
    rating = BranchRating.objects.get(branch=world.doan_a1)
    assert (rating.grade.code, str(rating.score), rating.state) == ("strong", "92.50", "submitted")
    assert run_import(tmp_path, "ratings", data, user=world.staff_a)[1]["unchanged"] == 2


def test_officers_round_trip(world, tmp_path):
    head = factories.person("Trần Văn Bí", 1990, cccd="087090000010", residence=world.hamlet_a1)
    deputy = factories.person("Lê Thị Phó", 1992, gender="female", residence=world.hamlet_a1)
    data = fill(
        "officers",
        [
            [world.doan_a1.code, "Trần Văn Bí", "087090000010", "Bí thư", "01/09/2022", ""],
            [world.doan_a1.code, "le thi pho", "", "Phó Bí thư", "01/09/2022", "31/08/2027"],
        ],
    )
    code, output = run_import(tmp_path, "officers", data, user=world.staff_a)
    assert (code, output["created"]) == (0, 2), output
    assert Officer.objects.get(person=head).role == "head"
    assert Officer.objects.get(person=deputy).end_on == datetime.date(2027, 8, 31)
    assert run_import(tmp_path, "officers", data, user=world.staff_a)[1]["unchanged"] == 2
