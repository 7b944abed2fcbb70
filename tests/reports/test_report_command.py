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
from branches.models import OfficerRole
from tests import factories
from tests.reports.scenario import (
    build_world,
    expected_meetings,
    expected_membership,
    expected_officers,
    expected_ratings,
    half_up,
    total,
)

D = datetime.date
GRADES = ("strong", "good", "average", "weak")
OFFICER_KEYS = ("branches", "heads", "deputies", "committee_members", "branches_without_head", "allowance")


@pytest.fixture
def world(tree):
    return build_world(tree)


def report(*args) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


MEMBERSHIP_KEYS = ("branches", "members", "present", "away", "stopped", "people", "target", "joined")


def as_json_number(value):
    return float(value) if value is not None else None


def test_membership_json_has_the_spec_keys_and_the_figures_of_the_log(world):
    data = json.loads(report("membership", "--date", "2025-12-31", "--area", "99", "--format", "json"))

    assert data["area"] == {"code": "99", "name": "Tỉnh Thử Nghiệm", "level": "province"}
    expected = expected_membership(world, world.tree.province, D(2025, 12, 31), None)
    assert [row["area_code"] for row in data["rows"]] == ["991", "992"]
    assert [row["area_name"] for row in data["rows"]] == ["Huyện Thanh Bình", "Huyện Lấp Vò"]
    for row in data["rows"]:
        want = expected[row["area_code"]]
        assert {key: row[key] for key in MEMBERSHIP_KEYS} == {key: want[key] for key in MEMBERSHIP_KEYS}
        assert row["gathering_rate"] == as_json_number(want["gathering_rate"])
    assert data["total"]["members"] == sum(expected[code]["members"] for code in ("991", "992"))


def test_ratings_json_maps_each_grade_to_count_and_percent(world):
    data = json.loads(report("ratings", "--year", "2024", "--area", "991", "--drafts", "--format", "json"))
    counts = total(expected_ratings(world, "991", 2024, drafts=True))
    rated = sum(counts[grade] for grade in GRADES)

    assert data["total"]["rated"] == rated
    assert data["total"]["grades"] == {
        grade: {"count": counts[grade], "percent": as_json_number(half_up(counts[grade], rated))} for grade in GRADES
    }


def test_officers_json_has_the_figures_of_the_month(world):
    data = json.loads(report("officers", "--month", "2025-07", "--area", "99", "--format", "json"))
    counts = total(expected_officers(world, "99", D(2025, 7, 1), D(2025, 7, 31)))

    assert {key: data["total"][key] for key in OFFICER_KEYS} == {
        "branches": counts["branches"],
        "heads": counts[OfficerRole.HEAD],
        "deputies": counts[OfficerRole.DEPUTY],
        "committee_members": counts[OfficerRole.COMMITTEE],
        "branches_without_head": counts["headless"],
        "allowance": counts["allowance"],
    }
    assert counts["allowance"] == counts[OfficerRole.HEAD] * 250_000 + counts[OfficerRole.DEPUTY] * 150_000


def test_table_and_csv_show_the_figures_in_vietnamese(world):
    table = report("meetings", "--year", "2025", "--area", "99").splitlines()
    meetings, _ = expected_meetings(world, "99", D(2025, 1, 1), D(2025, 12, 31))
    thanh_binh = next(line for line in table if "Huyện Thanh Bình" in line).split()
    rate = half_up(meetings["991"]["present"], meetings["991"]["roll"])
    assert thanh_binh[0] == "991"
    assert f"{rate:.2f}".replace(".", ",") + "%" in thanh_binh  # 55,05%: a decimal comma
    assert str(meetings["991"]["meetings"]) in thanh_binh

    text = report("membership", "--date", "2025-12-31", "--area", "99", "--format", "csv")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    expected = expected_membership(world, world.tree.province, D(2025, 12, 31), None)["992"]
    lap_vo = next(row for row in rows if "Huyện Lấp Vò" in row)
    assert lap_vo[:9] == ["992", "Huyện Lấp Vò", *(str(expected[key]) for key in MEMBERSHIP_KEYS[:-1])]


def test_xlsx_is_written_to_the_file(world, tmp_path):
    target = tmp_path / "bao-cao.xlsx"
    report("ratings", "--year", "2024", "--area", "99", "--format", "xlsx", "-o", str(target))
    rows = [
        [cell for cell in row if cell is not None]
        for row in openpyxl.load_workbook(target).active.iter_rows(values_only=True)
    ]
    assert any("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in row for row in rows)
    counts = expected_ratings(world, "99", 2024, drafts=False)["991"]
    rated = sum(counts[grade] for grade in GRADES)
    grades = [figure for grade in GRADES for figure in (counts[grade], float(half_up(counts[grade], rated)))]
    assert next(row for row in rows if "Huyện Thanh Bình" in row) == [
        1,
        "Huyện Thanh Bình",
        counts["branches"],
        rated,
        *grades,
        counts["branches"] - rated,
    ]


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
        ["fees", "--area", "99", "--date", "2025-12-31"],
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
