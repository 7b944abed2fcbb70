"""``manage.py report``: the JSON of SPEC section 8, the other formats, scope and bad input."""

import csv
import datetime
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from reports.selectors import membership_report, ratings_report
from tests import factories
from tests.reports.scenario import build_world

D = datetime.date


@pytest.fixture
def world(tree):
    return build_world(tree)


def report(*args) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def test_membership_json_has_the_spec_keys_and_the_selector_figures(world):
    data = json.loads(report("membership", "--date", "2025-12-31", "--area", "99", "--format", "json"))

    assert data["area"] == {"code": "99", "name": "Tỉnh Thử Nghiệm", "level": "province"}
    expected = membership_report(area=world.tree.province, on=D(2025, 12, 31))
    assert [row["area_code"] for row in data["rows"]] == [row["area_code"] for row in expected.rows]
    for got, want in zip(data["rows"], expected.rows, strict=True):
        for key in ("area_name", "branches", "members", "present", "away", "stopped", "people", "target", "joined"):
            assert got[key] == want[key], key
        assert got["gathering_rate"] == (float(want["gathering_rate"]) if want["gathering_rate"] is not None else None)
    assert data["total"]["members"] == expected.total["members"]


def test_ratings_json_maps_each_grade_to_count_and_percent(world):
    data = json.loads(report("ratings", "--year", "2024", "--area", "991", "--drafts", "--format", "json"))
    expected = ratings_report(area=world.tree.district_a, year=2024, include_drafts=True)

    assert set(data["total"]["grades"]) == {"strong", "good", "average", "weak"}
    for code, grade in data["total"]["grades"].items():
        want = expected.total["grades"][code]
        assert grade["count"] == want["count"]
        assert grade["percent"] == (float(want["percent"]) if want["percent"] is not None else None)
    assert data["total"]["rated"] == expected.total["rated"]


def test_officers_json_keys(world):
    data = json.loads(report("officers", "--month", "2025-07", "--area", "99", "--format", "json"))
    assert set(data["total"]) >= {"heads", "deputies", "committee_members", "branches_without_head", "allowance"}


def test_table_and_csv_show_vietnamese_numbers(world):
    table = report("meetings", "--year", "2025", "--area", "99")
    assert "Huyện Thanh Bình" in table and "%" in table
    text = report("membership", "--date", "2025-12-31", "--area", "99", "--format", "csv")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert any("Huyện Lấp Vò" in row for row in rows)


def test_xlsx_is_written_to_the_file(world, tmp_path):
    target = tmp_path / "bao-cao.xlsx"
    report("ratings", "--year", "2024", "--area", "99", "--format", "xlsx", "-o", str(target))
    sheet = openpyxl.load_workbook(target).active
    assert any("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in str(cell.value) for row in sheet.iter_rows() for cell in row)


def test_a_user_only_reaches_their_area(world):
    staff = factories.user(Role.DISTRICT, world.tree.district_a, username="huyen-a")
    own = json.loads(report("membership", "--user", staff.username, "--format", "json"))
    assert own["area"]["code"] == "991"
    with pytest.raises(CommandError) as refused:
        report("membership", "--user", staff.username, "--area", "992", "--format", "json")
    assert refused.value.returncode == 2
    assert "992" in str(refused.value)


@pytest.mark.parametrize(
    "args",
    [
        ["membership", "--area", "00000"],
        ["membership", "--area", "99", "--organization", "XYZ"],
        ["membership", "--area", "99", "--date", "31/12/2025"],
        ["officers", "--area", "99", "--month", "2025-13"],
        ["meetings", "--area", "99", "--quarter", "2025-Q5"],
        ["ratings", "--area", "99", "--month", "2025-01"],
        ["membership", "--area", "99", "--user", "nobody"],
    ],
)
def test_bad_input_is_a_usage_error(tree, args):
    with pytest.raises(CommandError) as refused:
        report(*args)
    assert refused.value.returncode == 2


def test_the_command_runs_a_fixed_number_of_queries(tree):
    def count():
        with CaptureQueriesContext(connection) as queries:
            report("membership", "--date", "2025-12-31", "--area", "99", "--format", "json")
        return len(queries)

    before = count()
    build_world(tree)
    assert count() == before
