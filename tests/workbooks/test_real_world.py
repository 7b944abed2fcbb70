"""Workbooks as people make them: title rows, other headers, dates as they come, the Nam | Nữ layout."""

import datetime

import pytest

from members.models import Membership, Person

from .helpers import member, roster, run_import, with_cached_formula, workbook

pytestmark = pytest.mark.django_db


def test_header_below_titles_with_synonyms_case_and_diacritics(world, tmp_path):
    header = ["TT", "  HO TEN ", "ngày, tháng, năm sinh", "GIỚI  TÍNH", "CCCD", "mã chi đoàn", "tinh trang"]
    rows = [
        [1, "Nguyễn Văn Ánh", "5/7/1995", "nam", "087095001234", world.doan_a1.code, "dang sinh hoat"],
        [],  # blank rows are skipped
        [2, "Lê Thị Bình", datetime.date(1996, 2, 29), "NỮ", 87196000002, world.doan_a1.code, "away"],
    ]
    data = workbook(
        header,
        rows,
        above=[["DANH SÁCH ĐOÀN VIÊN CHI ĐOÀN ẤP TÂN PHÚ"], ["Năm 2024"], []],
    )
    data_with_joins = data
    code, output = run_import(tmp_path, "members", data_with_joins, user=world.staff_a, dry_run=True)
    # No joining date column: new members are refused with the row number Excel shows (header on row 4).
    assert code == 1
    assert [(e["row"], e["column"]) for e in output["errors"]] == [(5, "Ngày vào Đoàn/Hội"), (7, "Ngày vào Đoàn/Hội")]
    header.append("Ngày vào Đoàn")
    rows[0].append(2012)
    rows[2].append("26-03-2014")
    data = workbook(header, rows, above=[["DANH SÁCH ĐOÀN VIÊN CHI ĐOÀN ẤP TÂN PHÚ"], ["Năm 2024"], []])
    code, output = run_import(tmp_path, "members", data, user=world.staff_a)
    assert (code, output["created"]) == (0, 2), output
    anh = Person.objects.get(full_name="Nguyễn Văn Ánh")
    assert anh.birth_date == datetime.date(1995, 7, 5)
    binh = Person.objects.get(full_name="Lê Thị Bình")
    assert (binh.cccd, binh.gender, binh.birth_date) == ("087196000002", "female", datetime.date(1996, 2, 29))
    membership = binh.memberships.get()
    assert (membership.status, membership.joined_on) == ("away", datetime.date(2014, 3, 26))
    assert anh.memberships.get().joined_on == datetime.date(2012, 1, 1)


def test_birth_year_written_under_nam_or_nu(world, tmp_path):
    data = workbook(
        ["STT", "Họ và tên", "Năm sinh", None, "Mã chi", "Ngày vào Hội"],
        [
            [None, None, "Nam", "Nữ", None, None],
            [1, "Trần Văn Chín", 1960, None, world.hnd_a1.code, "1990"],
            [2, "Phạm Thị Mười", None, 1965, world.hnd_a1.code, "1991"],
        ],
        above=[["DANH SÁCH HỘI VIÊN CHI HỘI ẤP TÂN PHÚ"]],
    )
    code, output = run_import(tmp_path, "members", data, user=world.staff_a)
    assert (code, output["created"]) == (0, 2), output
    assert list(Person.objects.order_by("full_name").values_list("full_name", "birth_year", "gender")) == [
        ("Phạm Thị Mười", 1965, "female"),
        ("Trần Văn Chín", 1960, "male"),
    ]


def test_a_numbering_row_under_the_header_is_skipped(world, tmp_path):
    data = workbook(
        ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Mã chi", "Ngày vào Đoàn"],
        [["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"], [1, "Võ Văn Út", 2001, "Nam", world.doan_a1.code, 2018]],
    )
    code, output = run_import(tmp_path, "members", data, user=world.staff_a)
    assert (code, output["created"]) == (0, 1), output


def test_wrong_dates_and_values_are_refused_with_row_and_column(world, tmp_path):
    data = roster(
        [
            member("A", "32/01/1990", world.doan_a1.code),
            member("B", 1990, world.doan_a1.code, gender="Không rõ"),
            member("C", 1990, world.doan_a1.code, status="Nghỉ"),
            member("D", 1990, world.doan_a1.code, cccd="12345"),
        ]
    )
    code, output = run_import(tmp_path, "members", data, user=world.staff_a)
    assert code == 1
    assert [(e["row"], e["column"]) for e in output["errors"]] == [
        (2, "Ngày sinh"),
        (3, "Giới tính"),
        (4, "Tình trạng"),
        (5, "Số CCCD"),
    ]
    assert not Membership.objects.exists()


def test_formula_cells_are_read_as_their_cached_values(world, tmp_path):
    data = roster([member('=UPPER("x")', 1990, world.doan_a1.code)])
    data = with_cached_formula(data, "B2", "Đỗ Văn Công")
    code, output = run_import(tmp_path, "members", data, user=world.staff_a)
    assert (code, output["created"]) == (0, 1), output
    assert Person.objects.get().full_name == "Đỗ Văn Công"


def test_the_right_sheet_is_found_among_others(world, tmp_path):
    data = workbook(
        ["Ghi chú chung"],
        [["Bảng này không phải danh sách"]],
        extra_sheets=[
            (
                "Danh sách",
                [
                    ["Họ và tên", "Năm sinh", "Giới tính", "Mã chi", "Ngày vào Đoàn"],
                    ["Lý Văn Tư", 1999, "Nam", world.doan_a1.code, 2016],
                ],
            )
        ],
    )
    code, output = run_import(tmp_path, "members", data, user=world.staff_a)
    assert (code, output["created"]) == (0, 1), output
