"""Report 7.3b: each cadre's duty over a quarter with a reassignment mid-quarter, the area's
rows, the branches without a cadre and the overdue reports — against the world's own count."""

import datetime
import io
import json

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role
from cadres.models import Assignment
from meetings import services as meeting_services
from meetings.models import CadreVisit, Meeting
from reports.duty import cadres_report
from tests import factories

from . import duty_world
from .duty_world import END, START, TODAY


@pytest.fixture
def world(tree):
    return duty_world.build(tree)


def figures_of(duty) -> dict:
    return {name: duty.figures[name] for name in duty_world.expected_by_cadre()[duty.cadre.pk]}


def test_each_cadre_over_the_quarter_as_counted_day_by_day(world):
    report = cadres_report(area=world.tree.commune_a, start=START, end=END, today=TODAY)

    found = {duty.cadre.pk: figures_of(duty) for duty in report.extra["cadres"]}
    assert found == duty_world.expected_by_cadre()
    # The reassignment splits branch A's quarter: X had January and February's meetings, Y March's.
    assert found[world.x.pk]["meetings"] == 2 and found[world.y.pk]["meetings"] == 3
    assert found[world.x.pk]["reports_overdue"] == 1
    by_cadre = {duty.cadre.pk: {b.code for b in duty.branches} for duty in report.extra["cadres"]}
    assert by_cadre == {world.x.pk: {"A"}, world.y.pk: {"A", "B"}}


def test_a_month_counts_only_its_own_days(world):
    start, end = datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)
    report = cadres_report(area=world.tree.commune_a, start=start, end=end, today=TODAY)

    found = {duty.cadre.pk: figures_of(duty) for duty in report.extra["cadres"]}
    assert found == duty_world.expected_by_cadre(start=start, end=end)


def test_rows_add_up_the_branches_and_list_the_branch_without_a_cadre(world):
    report = cadres_report(area=world.tree.commune_a, start=START, end=END, today=TODAY)
    rows = {row["area_code"]: row for row in report.rows}
    reference = duty_world.expected_by_cadre()

    hamlet_a1, hamlet_a2 = rows["99101-01"], rows["99101-02"]
    assert (hamlet_a1["branches"], hamlet_a1["assigned"], hamlet_a1["unassigned"], hamlet_a1["assignments"]) == (
        1,
        1,
        0,
        2,
    )
    assert (hamlet_a2["branches"], hamlet_a2["assigned"], hamlet_a2["unassigned"], hamlet_a2["assignments"]) == (
        2,
        1,
        1,
        1,
    )
    for name in ("meetings", "expected", "attended", "reports_filed", "reports_overdue"):
        assert report.total[name] == sum(cadre[name] for cadre in reference.values()), name
    # Branch A's four meetings of the quarter, each counted once across the two cadres.
    assert hamlet_a1["meetings"] == Meeting.objects.filter(branch=world.a, held_on__range=(START, END)).count()
    assert [branch.code for branch in report.extra["unassigned"]] == ["C"]
    overdue = [(v.cadre.name, v.meeting.held_on) for v in report.extra["overdue"]]
    expected = [
        (v.cadre.name, v.meeting.held_on)
        for v in CadreVisit.objects.filter(cadre__isnull=False, reported_on__isnull=True)
        if v.report_due_on < TODAY and START <= v.meeting.held_on <= END
    ]
    assert sorted(overdue) == sorted(expected) and len(overdue) == 3


def test_the_day_a_report_falls_due_is_fixed_when_the_visit_is_logged(world):
    visit = CadreVisit.objects.get(meeting=world.meetings["b_feb"], cadre=world.y)
    assert visit.report_due_on == datetime.date(2026, 2, 23)  # 20/02 + 3 days

    Assignment.objects.filter(cadre=world.y, branch=world.b).update(report_within_days=30)
    meeting_services.update_visit(visit=visit, expected_version=None, concerns="Thêm ý kiến")

    visit.refresh_from_db()
    assert visit.report_due_on == datetime.date(2026, 2, 23)


def test_a_cadre_not_assigned_that_day_is_refused_on_a_visit(world):
    later = duty_world.meeting(world.c, datetime.date(2026, 3, 5))
    with pytest.raises(ValidationError) as error:
        meeting_services.add_visit(meeting=later, cadre=world.x)
    assert "cadre" in error.value.message_dict
    assert not CadreVisit.objects.filter(meeting=later).exists()


def test_the_command_prints_the_quarter(world, capsys):
    call_command("report", "cadres", "--quarter", "2026-Q1", "--area", "99101", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    report = cadres_report(area=world.tree.commune_a, start=START, end=END)
    assert data["kind"] == "cadres"
    assert data["total"]["assignments"] == 3 == report.total["assignments"]
    assert data["total"]["unassigned"] == 1


@pytest.fixture
def commune_user(tree):
    return factories.user(Role.COMMUNE, tree.commune_a)


def test_the_page_lists_each_cadre_the_overdue_and_the_unassigned(client, world, commune_user):
    client.force_login(commune_user)
    response = client.get(reverse("reports:cadres"), {"period": "quarter", "quarter": 1, "year": 2026})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Lê Văn Xuân" in page and "Phạm Thị Yến" in page
    assert response.context["report"].total["unassigned"] == 1
    assert [b.code for b in response.context["unassigned"]] == ["C"]


def test_the_workbook_has_a_sheet_per_cadre(client, world, commune_user):
    client.force_login(commune_user)
    response = client.get(
        reverse("reports:cadres"), {"period": "quarter", "quarter": 1, "year": 2026, "format": "xlsx"}
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[-1]
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["Lê Văn Xuân", "Phạm Thị Yến"]


def test_another_commune_gets_404(client, world, tree):
    client.force_login(factories.user(Role.COMMUNE, tree.commune_b))
    for output in ("", "xlsx", "csv"):
        response = client.get(reverse("reports:cadres", kwargs={"key": "99101"}), {"format": output})
        assert response.status_code == 404


def test_the_page_runs_a_fixed_number_of_queries(client, world, commune_user, tree, django_assert_max_num_queries):
    client.force_login(commune_user)
    url = reverse("reports:cadres")
    query = {"period": "quarter", "quarter": 1, "year": 2026}
    with django_assert_max_num_queries(60) as captured:
        client.get(url, query)
    before = len(captured)
    for n in range(5):
        branch = factories.branch(tree.hamlet_a1, "DOAN", code=f"EXTRA{n}")
        duty_world.cadre_services.assign(
            cadre=world.x, branch=branch, start_on=datetime.date(2026, 1, 1), frequency="monthly"
        )
        visit_meeting = duty_world.meeting(branch, datetime.date(2026, 2, 2))
        meeting_services.add_visit(meeting=visit_meeting, cadre=world.x)
    with django_assert_max_num_queries(before):
        client.get(url, query)
