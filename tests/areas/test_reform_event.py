"""The reform as an event: the dry run, a second run, undo, the plan workbook and bad input."""

import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from accounts.models import User
from areas.models import Area, AreaPlacement, Reorganization, Succession
from areas.plan_file import plan_workbook, read_plan
from areas.reform import plan_reform, undo_reorganization
from areas.services import create_hamlet
from branches.models import Branch, BranchPlacement
from members.models import Membership
from tests.areas import reform_world
from tests.areas.reform_world import EFFECTIVE, OLD_COMMUNE, all_reports, new_area, reform

D = datetime.date


# --- the dry run, a second run, undo --------------------------------------------------------


AREA_FIELDS = ("pk", "code", "structure", "parent_id", "path", "valid_from", "valid_to", "successor_path")
PLACEMENT_FIELDS = ("pk", "area_id", "parent_id", "path", "valid_from", "valid_to")


def state() -> dict:
    """Everything a reorganisation may change, without the edit counters and the audit history."""
    return {
        "areas": sorted(
            Area.objects.values_list(
                "pk", "code", "structure", "parent_id", "path", "valid_from", "valid_to", "successor_path"
            )
        ),
        "placements": sorted(
            AreaPlacement.objects.values_list("pk", "area_id", "parent_id", "path", "valid_from", "valid_to")
        ),
        "branches": sorted(
            BranchPlacement.objects.values_list("pk", "branch_id", "area_id", "path", "valid_from", "valid_to")
        ),
        "branch_areas": sorted(Branch.objects.values_list("pk", "area_id")),
        "users": sorted(User.objects.values_list("pk", "area_id", "is_active")),
        "successions": Succession.objects.count(),
        "memberships": sorted(Membership.objects.values_list("pk", "branch_id", "status", "ended_on")),
    }


def dry_run_json(*args) -> dict:
    out = io.StringIO()
    call_command("reorganize_areas", "--effective", "2025-07-01", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_the_dry_run_changes_nothing_and_shows_what_moves(db):
    world = reform_world.build()
    before = state()
    data = dry_run_json("--province", "87", "--dry-run")
    assert state() == before
    assert not Reorganization.objects.exists()

    communes = {c["code"]: c for p in data["new_provinces"] for c in p["communes"]}
    tan_long = communes["30154"]
    received = {entry["code"]: entry for entry in tan_long["receives"]}
    assert {h["code"] for h in received["30133"]["hamlets"]} == {"Q1", "Q2"}
    # Counted independently: the branches in the hamlets and the memberships open in them.
    for code in ("Q1", "Q2"):
        hamlet = next(h for h in received["30133"]["hamlets"] if h["code"] == code)
        open_here = sum(1 for s in world.stories if s.ended_on is None and s.changes[-1][1].startswith(code + "-"))
        assert (hamlet["branches"], hamlet["memberships"]) == (2, open_here)
    # Without a plan the divided commune's hamlets go to the default and are listed to review.
    assert {m["hamlet"]["code"] for m in data["to_review"]} == {"T1", "T2"}
    assert {m["new_commune"]["code"] for m in data["to_review"]} == {"30157"}
    assert {(a["username"], a["action"]) for a in data["review"]} == {
        ("huyen874", "paused"),
        ("xa30157", "paused"),
        ("xa30145", "moved"),
        ("xa30169", "moved"),
        ("tinh87", "moved"),
    }


def test_a_second_run_changes_nothing(db):
    reform_world.build()
    call_command("reorganize_areas", "--effective", "2025-07-01", "--province", "87", stdout=io.StringIO())
    after_first = state()
    out = io.StringIO()
    with translation.override("en"):
        call_command("reorganize_areas", "--effective", "2025-07-01", "--province", "87", stdout=out)
    assert state() == after_first
    assert Reorganization.objects.count() == 1
    assert out.getvalue() == (
        "Tỉnh Đồng Tháp (87) was reorganised already (in force until 30/06/2025); nothing changed.\n"
    )


def test_undo_restores_the_earlier_state_exactly(db):
    reform_world.build()
    before, reports_before = state(), all_reports()
    event = reform()
    assert state() != before
    undo_reorganization(event)
    assert state() == before
    assert all_reports() == reports_before
    event.refresh_from_db()
    assert event.undone_at is not None


def test_undo_is_refused_once_something_was_entered_in_the_new_units(db):
    reform_world.build()
    event = reform()
    create_hamlet(commune=new_area("30154"), code="NEW1", name="Mới", unit_type="ap")
    after = state()
    with pytest.raises(ValidationError):
        undo_reorganization(event)
    assert state() == after


# --- bad input --------------------------------------------------------------------------------


def run(*args) -> tuple[int, str]:
    try:
        with translation.override("en"):
            call_command("reorganize_areas", *args, stdout=io.StringIO())
    except CommandError as error:
        return error.returncode, str(error)
    return 0, ""


def test_bad_input_is_refused_with_exit_2_and_changes_nothing(db, tmp_path):
    reform_world.build()
    before = state()
    assert run("--effective", "2025-07-01", "--province", "99") == (
        2,
        "No province of the structure before 2025 has the code 99.",
    )
    assert run("--effective", "2025-13-01")[0] == 2
    bad_plan = tmp_path / "plan.xlsx"
    bad_plan.write_bytes(b"not a workbook")
    assert run("--effective", "2025-07-01", "--plan", str(bad_plan))[0] == 2
    # A plan that puts a hamlet in a commune that is not a successor of its old commune.
    plan = plan_workbook(plan_reform(effective_on=EFFECTIVE, province_codes=["87"]))
    wrong = tmp_path / "wrong.xlsx"
    wrong.write_bytes(_with_choice(plan, "T2", "30154 – Xã Tân Long"))
    code, message = run("--effective", "2025-07-01", "--province", "87", "--plan", str(wrong))
    assert code == 2 and "Xã Tân Thạnh" in message and "30154" in message
    assert state() == before


def test_an_effective_date_before_the_last_reorganisation_is_refused(db):
    reform_world.build()
    reform_world.load_official_areas(structure="pre2025", province_codes=["91"])
    reform()
    before = state()
    code, message = run("--effective", "2025-01-01", "--province", "91")
    assert code == 2 and "01/07/2025" in message
    assert state() == before


def _with_choice(data: bytes, hamlet: str, choice: str) -> bytes:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(min_row=2):
        if row[2].value == hamlet:
            row[4].value = choice
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_plan_workbook_lists_the_hamlets_of_divided_communes_with_their_candidates(db, tmp_path):
    reform_world.build()
    path = tmp_path / "plan.xlsx"
    call_command("export_template", "reorganization", "--province", "87", "-o", str(path), stdout=io.StringIO())
    assert read_plan(path.read_bytes()) == {"T1": "30157", "T2": "30157"}  # the defaults
    from openpyxl import load_workbook

    sheet = load_workbook(path).worksheets[0]
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert all("30157 – Xã Tân Thạnh" in formula and "30130 – Xã Thanh Bình" in formula for formula in lists.values())
    assert len(lists) == 2
    # Chosen in the file, then applied: the plan file's hash is kept with the event.
    path.write_bytes(_with_choice(path.read_bytes(), "T2", "30130 – Xã Thanh Bình"))
    call_command(
        "reorganize_areas", "--effective", "2025-07-01", "--province", "87", "--plan", str(path), stdout=io.StringIO()
    )
    event = Reorganization.objects.get()
    assert event.plan_name == "plan.xlsx" and len(event.plan_sha256) == 64
    assert Area.objects.get(code="T2").parent == new_area("30130")


def test_the_event_keeps_who_when_and_what_moved(db):
    world = reform_world.build()
    admin = reform_world.factories.admin_user()
    out = io.StringIO()
    arguments = ["--effective", "2025-07-01", "--province", "87", "--user", admin.username, "--format", "json"]
    call_command("reorganize_areas", *arguments, stdout=out)
    data = json.loads(out.getvalue())
    event = Reorganization.objects.get()
    assert (data["applied"], data["event"], event.created_by, event.provinces) == (True, event.pk, admin, ["87"])
    assert event.summary == {key: value for key, value in data.items() if key not in ("applied", "event")}
    moved = sum(commune["memberships"] for province in data["new_provinces"] for commune in province["communes"])
    # Every branch of the world sits in an old commune of 87: all its open memberships move.
    open_memberships = sum(1 for story in world.stories if story.ended_on is None)
    assert moved == open_memberships
    hamlets = sum(len(e["hamlets"]) for p in data["new_provinces"] for c in p["communes"] for e in c["receives"])
    assert hamlets == len(OLD_COMMUNE)
