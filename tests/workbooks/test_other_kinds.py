"""Rules of the smaller kinds: scope of hamlets, approval of ratings, officers' overlaps."""

import datetime

import pytest

from areas.models import Area
from branches.models import Officer
from members.models import TargetPopulation
from ratings.models import BranchRating
from tests import factories

from .helpers import run_import, workbook

pytestmark = pytest.mark.django_db


def test_hamlets_and_targets_outside_the_users_area_are_refused(world, tmp_path):
    areas = workbook(["Mã xã", "Mã ấp", "Tên ấp/khóm", "Loại"], [["99201", "99201-09", "Ngoài", "Ấp"]])
    code, output = run_import(tmp_path, "areas", areas, user=world.staff_a)
    assert (code, output["errors"][0]["column"]) == (1, "Mã xã")
    targets = workbook(["Mã ấp", "Đoàn thể", "Năm", "Số đối tượng"], [["99201-01", "DOAN", 2024, 10]])
    code, output = run_import(tmp_path, "targets", targets, user=world.staff_a)
    assert (code, output["errors"][0]["column"]) == (1, "Mã ấp")
    assert not Area.objects.filter(code="99201-09").exists() and not TargetPopulation.objects.exists()


def test_a_hamlet_code_used_elsewhere_is_refused_without_moving_it(world, tmp_path):
    data = workbook(["Mã xã", "Mã ấp", "Tên ấp/khóm", "Loại"], [["99101", "99201-01", "Bình Hòa", "Ấp"]])
    code, output = run_import(tmp_path, "areas", data, user=world.admin)
    assert code == 1 and output["errors"][0]["column"] == "Mã ấp"
    assert Area.objects.get(code="99201-01").parent == world.commune_b


def test_ratings_are_approved_when_the_importer_may_approve(world, tmp_path):
    data = workbook(["Mã chi", "Năm", "Xếp loại"], [[world.doan_a1.code, 2024, "Khá"]])
    assert run_import(tmp_path, "ratings", data, user=world.admin)[0] == 0
    rating = BranchRating.objects.get()
    assert (rating.state, rating.approved_by, rating.grade.code) == ("approved", world.admin, "good")
    # District staff cannot change an approved rating through a workbook.
    changed = workbook(["Mã chi", "Năm", "Xếp loại"], [[world.doan_a1.code, 2024, "Yếu kém"]])
    code, output = run_import(tmp_path, "ratings", changed, user=world.staff_a)
    assert code == 1 and output["errors"][0]["column"] == "Xếp loại"
    rating.refresh_from_db()
    assert rating.grade.code == "good"


def test_a_grade_outside_the_organizations_scheme_is_refused(world, tmp_path):
    data = workbook(["Mã chi", "Năm", "Xếp loại"], [[world.doan_a1.code, 2024, "Hoàn thành xuất sắc nhiệm vụ"]])
    code, output = run_import(tmp_path, "ratings", data, user=world.staff_a)
    assert code == 1 and output["errors"][0]["column"] == "Xếp loại"


def test_two_heads_at_once_are_refused(world, tmp_path):
    factories.officer(world.doan_a1, factories.person("Bí Thư Cũ", 1980, residence=world.hamlet_a1), role="head")
    factories.person("Bí Thư Mới", 1990, cccd="087090000012", residence=world.hamlet_a1)
    data = workbook(
        ["Mã chi", "Họ và tên", "Số CCCD", "Chức vụ", "Từ ngày"],
        [[world.doan_a1.code, "Bí Thư Mới", "087090000012", "Bí thư", "01/01/2024"]],
    )
    code, output = run_import(tmp_path, "officers", data, user=world.staff_a)
    assert code == 1 and output["errors"][0]["column"] == "Chức vụ"
    assert Officer.objects.count() == 1
    ended = workbook(
        ["Mã chi", "Họ và tên", "Chức vụ", "Từ ngày", "Đến ngày"],
        [[world.doan_a1.code, "Bí Thư Cũ", "Bí thư", "01/01/2020", "31/12/2023"]],
    )
    code, output = run_import(tmp_path, "officers", ended, user=world.staff_a)
    assert (code, output["updated"]) == (0, 1), output
    assert Officer.objects.get().end_on == datetime.date(2023, 12, 31)
    code, output = run_import(tmp_path, "officers", data, user=world.staff_a)
    assert (code, output["created"]) == (0, 1), output


def test_staff_cannot_change_a_submitted_rating_through_a_workbook(world, tmp_path):
    submitted = factories.rating(world.doan_a1, year=2024, grade_code="good", state="submitted")
    changed = workbook(["Mã chi", "Năm", "Xếp loại"], [[world.doan_a1.code, 2024, "Yếu kém"]])
    code, output = run_import(tmp_path, "ratings", changed, user=world.staff_a)
    assert code == 1 and output["errors"][0]["column"] == "Xếp loại"
    submitted.refresh_from_db()
    assert (submitted.grade.code, submitted.state) == ("good", "submitted")
    # The same values again change nothing and are not refused.
    same = workbook(["Mã chi", "Năm", "Xếp loại"], [[world.doan_a1.code, 2024, "Khá"]])
    assert run_import(tmp_path, "ratings", same, user=world.staff_a)[0] == 0


def test_staff_still_change_a_draft_through_a_workbook(world, tmp_path):
    draft = factories.rating(world.doan_a1, year=2024, grade_code="good", state="draft")
    changed = workbook(["Mã chi", "Năm", "Xếp loại"], [[world.doan_a1.code, 2024, "Yếu kém"]])
    assert run_import(tmp_path, "ratings", changed, user=world.staff_a)[0] == 0
    draft.refresh_from_db()
    assert (draft.grade.code, draft.state) == ("weak", "submitted")
