"""A hamlet split into two from a date: its branches go where the plan says, the past unchanged, undo."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from areas.models import Area, AreaPlacement, Reorganization
from areas.reform import undo_reorganization
from branches.models import Branch
from members import rollups
from reports import selectors
from tests.areas import merge_world

D = datetime.date
pytestmark = pytest.mark.django_db
SPLIT = "99101-03"


@pytest.fixture
def world(db):
    return merge_world.build()


def plan_file(tmp_path, rows, headings=("Mã ấp mới", "Tên ấp mới", "Mã chi")) -> str:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headings))
    for row in rows:
        sheet.append(list(row))
    path = tmp_path / "split.xlsx"
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return str(path)


GOOD = [("99101-31", "Tân Hòa A", "99101-03-DOAN"), ("99101-32", "Tân Hòa B", "99101-03-HND")]


def _split(tmp_path, rows=GOOD, *extra):
    call_command("split_area", SPLIT, "--effective", "2026-07-01", "--plan", plan_file(tmp_path, rows), *extra)


def test_the_branches_go_where_the_plan_says_and_the_past_reads_the_same(world, tmp_path, capsys):
    before = merge_world.reports(world)
    _split(tmp_path, GOOD, "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert [h["branches"] for h in data["new_hamlets"]] == [["99101-03-DOAN"], ["99101-03-HND"]]
    assert merge_world.reports(world) == before
    old = Area.objects.get(code=SPLIT)
    assert old.last_day == D(2026, 6, 30) and old.successor_path == world.tree.commune_a.path
    a, b = Area.objects.get(code="99101-31"), Area.objects.get(code="99101-32")
    assert (a.valid_from, a.parent, a.unit_type) == (D(2026, 7, 1), world.tree.commune_a, old.unit_type)
    assert Branch.objects.get(code="99101-03-DOAN").area == a and Branch.objects.get(code="99101-03-HND").area == b
    commune = selectors.membership_report(area=world.tree.commune_a, on=D(2026, 7, 1))
    by_row = {row["area_code"]: row["members"] for row in commune.rows}
    for code, branch in (("99101-31", "99101-03-DOAN"), ("99101-32", "99101-03-HND")):
        assert by_row[code] == merge_world.members_on(world, D(2026, 7, 1), branch_codes={branch})
    assert SPLIT not in by_row
    assert rollups.differences() == []

    undo_reorganization(Reorganization.objects.get())
    assert not Area.objects.filter(code__in=["99101-31", "99101-32"]).exists()
    assert Branch.objects.get(code="99101-03-HND").area.code == SPLIT
    assert Area.objects.get(code=SPLIT).valid_to is None
    assert merge_world.reports(world) == before


@pytest.mark.parametrize(
    "rows, message",
    [
        ([GOOD[0]], "ít nhất hai ấp mới"),
        ([GOOD[0], ("99101-32", "Tân Hòa B", "")], "99101-03-HND"),
        ([*GOOD, ("99101-32", "", "99201-01-DOAN")], "99201-01-DOAN"),
        ([("99101-01", "Trùng mã", "99101-03-DOAN"), GOOD[1]], "99101-01"),
    ],
)
def test_a_bad_plan_is_refused_in_vietnamese_exit_2_and_nothing_changes(world, tmp_path, rows, message):
    placements = list(AreaPlacement.objects.order_by("pk").values_list("pk", "valid_to"))
    with translation.override("vi"), pytest.raises(CommandError) as raised:
        _split(tmp_path, rows)
    assert raised.value.returncode == 2 and message in str(raised.value)
    assert not Reorganization.objects.exists()
    assert list(AreaPlacement.objects.order_by("pk").values_list("pk", "valid_to")) == placements


def test_a_dry_run_changes_nothing(world, tmp_path, capsys):
    _split(tmp_path, GOOD, "--dry-run")
    assert "99101-31" in capsys.readouterr().out
    assert not Reorganization.objects.exists() and not Area.objects.filter(code="99101-31").exists()
