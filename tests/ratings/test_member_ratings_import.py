"""The members' ratings workbook: template, preview and confirm, round trip, and the rows it refuses
(writing nothing): an unknown grade, a grade of another scheme, a member not among the branch's
members to rate, another district's branch."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import translation

from members import services as member_services
from ratings.models import MemberRating, RatingState
from tests import factories
from tests.workbooks.helpers import fill, read, run_import
from workbooks import services
from workbooks.columns import COLUMNS, TITLES
from workbooks.models import BatchState

D = datetime.date
KIND = "member_ratings"
HEADER = ["Mã chi", "Số CCCD", "Họ và tên", "Ngày sinh", "Năm", "Xếp loại", "Ghi chú"]


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their English source; the Vietnamese catalogue may change."""
    with translation.override("en"):
        yield


@pytest.fixture
def roll(world):
    """A1 in 2024: Ánh (with a CCCD), Dung (without, born 1998), Hoa who left in May; Tư who left in 2023."""
    hoa = factories.membership(
        world.a1, person=factories.person("Trần Thị Hoa", 1997, gender="female", cccd=factories.cccd())
    )
    member_services.end_membership(membership=hoa, on=D(2024, 5, 20), reason="transferred")
    tu = factories.membership(world.a1, person=factories.person("Lê Văn Tư", 1990))
    member_services.end_membership(membership=tu, on=D(2023, 6, 1), reason="resigned")
    world.hoa, world.tu = hoa, tu
    return world


def rows(world) -> list[list]:
    anh, hoa = world.membership_anh.person, world.hoa.person
    return [
        [world.a1.code, anh.cccd, anh.full_name, anh.birth_year, 2024, "Hoàn thành xuất sắc nhiệm vụ", "Tiêu biểu"],
        [world.a1.code, "", "Đặng Thị Dung", 1998, 2024, "hoan thanh tot", ""],
        [world.a1.code, hoa.cccd, "Trần Thị Hoa", "", "2024", "done", "Chuyển đi tháng 5"],
    ]


def test_the_template_has_the_columns_a_dropdown_and_explanations(tmp_path):
    path = tmp_path / "t.xlsx"
    call_command("export_template", KIND, "-o", str(path), stdout=io.StringIO())
    sheet, explanations = read(path.read_bytes()).worksheets
    assert sheet.title == TITLES[KIND]
    assert [cell.value for cell in sheet[1]] == HEADER
    dropdowns = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert any("Không hoàn thành nhiệm vụ" in formula for formula in dropdowns)
    explained = [row[0].value.split("\n")[0] for row in explanations.iter_rows(min_row=2) if row[0].value]
    assert [c.header for c in COLUMNS[KIND]] == explained[: len(HEADER)]


def test_staff_import_submitted_ratings_and_the_same_file_again_changes_nothing(roll, district_a, tmp_path):
    data = fill(KIND, rows(roll))
    batch = services.create_batch(kind=KIND, user=district_a, file_name="xep-loai.xlsx", data=data)
    batch = services.preview_batch(batch=batch)
    assert batch.counts == {"created": 3, "updated": 0, "unchanged": 0, "refused": 0}
    assert not MemberRating.objects.exists()  # a preview writes nothing
    assert services.confirm_batch(batch=batch, user=district_a).state == BatchState.IMPORTED
    ratings = {r.membership.person.full_name: r for r in MemberRating.objects.select_related("membership__person")}
    assert {name: (r.grade.code, r.state) for name, r in ratings.items()} == {
        "Nguyễn Văn Ánh": ("excellent", RatingState.SUBMITTED),
        "Đặng Thị Dung": ("well_done", RatingState.SUBMITTED),
        "Trần Thị Hoa": ("done", RatingState.SUBMITTED),  # left in May: rated by the branch she left
    }
    assert ratings["Trần Thị Hoa"].note == "Chuyển đi tháng 5"
    code, output = run_import(tmp_path, KIND, data, user=district_a)
    assert (code, output["unchanged"], output["created"], output["updated"]) == (0, 3, 0, 0), output


def test_an_administrator_imports_approved_ratings_and_a_provincial_officer_none(
    roll, admin_user, province_user, tmp_path
):
    data = fill(KIND, rows(roll)[:1])
    assert run_import(tmp_path, KIND, data, user=province_user)[1] == {"error": "Your role may not import workbooks."}
    code, output = run_import(tmp_path, KIND, data, user=admin_user)
    assert (code, output["created"]) == (0, 1), output
    rating = MemberRating.objects.get()
    assert (rating.state, rating.approved_by) == (RatingState.APPROVED, admin_user)


def refused(tmp_path, user, data) -> list[tuple[str, str]]:
    code, output = run_import(tmp_path, KIND, data, user=user)
    assert code == 1, output
    return [(error["column"], error["message"]) for error in output["errors"]]


def test_bad_rows_are_refused_and_nothing_is_written(roll, district_a, tmp_path):
    anh, be = roll.membership_anh.person, roll.membership_be.person
    good = rows(roll)[0]
    bad = [
        good,
        [roll.a1.code, anh.cccd, anh.full_name, "", 2024, "Rất tốt", ""],  # unknown grade
        [roll.a1.code, "", "Đặng Thị Dung", "", 2024, "Mạnh", ""],  # the branches' scheme, not the members'
        [roll.a2.code, anh.cccd, anh.full_name, "", 2024, "done", ""],  # Ánh is not in A2
        [roll.a1.code, "", "Lê Văn Tư", "", 2024, "done", ""],  # left in 2023
        [roll.b1.code, be.cccd, be.full_name, "", 2024, "done", ""],  # another district's branch
        [roll.a1.code, anh.cccd, anh.full_name, "", 2024, "done", ""],  # Ánh twice
    ]
    errors = refused(tmp_path, district_a, fill(KIND, bad))
    assert [column for column, _message in errors] == [
        "Xếp loại",
        "Xếp loại",
        "Số CCCD",
        "Họ và tên",
        "Mã chi",
        "Họ và tên",
    ]
    messages = [message for _column, message in errors]
    assert "“Rất tốt” is not a grade of the scheme this organization rates its members with in 2024." in messages
    assert "No member with this CCCD number among the members of Chi đoàn Tân Thạnh to rate in 2024." in messages
    assert "No branch with the code “B1-DOAN” in your area." in messages
    assert not MemberRating.objects.exists()


def test_a_cccd_with_another_name_and_an_ambiguous_name_are_refused(roll, district_a, tmp_path):
    factories.membership(roll.a1, person=factories.person("Đặng Thị Dung", 1998, gender="female"))
    anh = roll.membership_anh.person
    errors = refused(
        tmp_path,
        district_a,
        fill(
            KIND,
            [
                [roll.a1.code, anh.cccd, "Nguyễn Văn Khác", "", 2024, "done", ""],
                [roll.a1.code, "", "Đặng Thị Dung", 1998, 2024, "done", ""],
            ],
        ),
    )
    assert errors[0][0] == "Số CCCD" and "Nguyễn Văn Ánh" in errors[0][1]
    assert errors[1] == (
        "Họ và tên",
        "Several members of this name are to rate in the branch: give the birth date or the CCCD.",
    )


def test_staff_cannot_change_a_submitted_or_approved_rating_through_a_workbook(roll, district_a, tmp_path):
    anh = roll.membership_anh
    MemberRating.objects.create(membership=anh, year=2024, grade=rows_grade("excellent"), state=RatingState.SUBMITTED)
    changed = fill(KIND, [[roll.a1.code, anh.person.cccd, anh.person.full_name, "", 2024, "not_done", ""]])
    assert refused(tmp_path, district_a, changed)[0][0] == "Xếp loại"
    same = fill(KIND, [[roll.a1.code, anh.person.cccd, anh.person.full_name, "", 2024, "excellent", ""]])
    assert run_import(tmp_path, KIND, same, user=district_a)[0] == 0
    assert MemberRating.objects.get().grade.code == "excellent"


def test_a_draft_is_changed_and_submitted(roll, district_a, tmp_path):
    anh = roll.membership_anh
    draft = MemberRating.objects.create(membership=anh, year=2024, grade=rows_grade("done"))
    changed = fill(KIND, [[roll.a1.code, anh.person.cccd, anh.person.full_name, "", 2024, "Hoàn thành tốt", ""]])
    code, output = run_import(tmp_path, KIND, changed, user=district_a)
    assert (code, output["updated"]) == (0, 1), output
    draft.refresh_from_db()
    assert (draft.grade.code, draft.state) == ("well_done", RatingState.SUBMITTED)


def rows_grade(code: str):
    from ratings.models import Grade

    return Grade.objects.get(scheme__code="NHIEMVU", code=code)
