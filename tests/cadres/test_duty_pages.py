"""The cadre pages: a provincial officer records and assigns a cadre; a cadre files their report
from their own page; nobody reaches another area's cadres, assignments or meetings."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cadres import services as cadre_services
from cadres.models import Assignment, Cadre, CadreLevel, Frequency
from meetings.models import CadreVisit, MeetingQuality
from tests import factories

from . import duty_world


@pytest.fixture
def world(tree):
    return duty_world.build(tree)


@pytest.fixture
def province_user(tree):
    return factories.user(Role.PROVINCE, tree.province)


@pytest.fixture
def cadre_user(world, tree):
    account = factories.user(Role.CADRE, tree.commune_a, username="canbo-yen")
    cadre_services.update_cadre(cadre=world.y, expected_version=None, user=account)
    return account


def test_a_provincial_officer_adds_a_cadre_and_assigns_them(client, tree, province_user):
    branch = factories.branch(tree.hamlet_b1, "DOAN", code="B1")
    client.force_login(province_user)

    response = client.post(
        reverse("cadres:add"),
        {
            "name": "Võ Minh Tâm",
            "position": "Ủy viên BTV Tỉnh đoàn",
            "level": CadreLevel.PROVINCE,
            "area": tree.province.pk,
        },
    )
    cadre = Cadre.objects.get(name="Võ Minh Tâm")
    assert response.status_code == 302 and cadre.area == tree.province

    response = client.post(
        reverse("cadres:assign", args=[cadre.pk]),
        {"branch": branch.pk, "start_on": "01/03/2026", "frequency": Frequency.QUARTERLY, "report_within_days": 5},
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get(cadre=cadre)
    assert (assignment.branch, assignment.start_on, assignment.end_on) == (branch, datetime.date(2026, 3, 1), None)


def test_a_branch_outside_the_cadres_unit_is_refused(client, world, tree):
    client.force_login(factories.user(Role.PROVINCE, tree.province))
    outside = factories.branch(tree.hamlet_b1, "DOAN", code="OUT")
    response = client.post(
        reverse("cadres:assign", args=[world.x.pk]),
        {"branch": outside.pk, "start_on": "01/03/2026", "frequency": Frequency.MONTHLY, "report_within_days": 7},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Assignment.objects.filter(branch=outside).exists()


def test_overlapping_assignment_is_refused_with_a_message(client, world, tree):
    client.force_login(factories.user(Role.COMMUNE, tree.commune_a))
    before = Assignment.objects.count()
    response = client.post(
        reverse("cadres:assign", args=[world.y.pk]),
        {"branch": world.a.pk, "start_on": "01/03/2026", "frequency": Frequency.MONTHLY, "report_within_days": 7},
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert Assignment.objects.count() == before


def test_ending_an_assignment_and_the_next_cadre_taking_over(client, world, tree):
    client.force_login(factories.user(Role.COMMUNE, tree.commune_a))
    assignment = Assignment.objects.get(cadre=world.y, branch=world.b)
    response = client.post(
        reverse("cadres:end_assignment", args=[assignment.pk]), {"end_on": "31/03/2026", "version": assignment.version}
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.end_on == datetime.date(2026, 3, 31)


@pytest.fixture
def on_april_10():
    """The pages' today: ten days after the quarter of the world."""
    with mock.patch("django.utils.timezone.localdate", return_value=duty_world.TODAY):
        yield duty_world.TODAY


def test_the_cadre_files_a_report_from_their_page(client, world, cadre_user, on_april_10):
    client.force_login(cadre_user)
    meeting = world.meetings["a_theme"]

    page = client.get(reverse("cadres:mine"))
    assert page.status_code == 200
    owed = {m.pk: m for m in page.context["owed"]}
    # Assigned to A from 16/02 and to B: A's March meetings and B's, not A's January one (X's then).
    assert world.meetings["a_theme"].pk in owed and world.meetings["b_feb"].pk in owed
    assert world.meetings["a_jan"].pk not in owed
    assert owed[world.meetings["b_feb"].pk].overdue and not owed[world.meetings["a_mar"].pk].overdue

    response = client.post(
        reverse("cadres:my_report", args=[meeting.pk]),
        {"quality": MeetingQuality.FAIR, "concerns": "Thanh niên cần việc làm", "proposals": "Mở lớp nghề"},
    )
    assert response.status_code == 302
    visit = CadreVisit.objects.get(meeting=meeting, cadre=world.y)
    assert visit.reported_on == on_april_10 and visit.concerns == "Thanh niên cần việc làm"


def test_a_cadre_cannot_report_on_a_meeting_of_a_branch_not_theirs(client, world, cadre_user, on_april_10):
    client.force_login(cadre_user)
    for name in ("a_jan", "c_jan"):
        response = client.post(reverse("cadres:my_report", args=[world.meetings[name].pk]), {"quality": "good"})
        assert response.status_code == 404
    assert not CadreVisit.objects.filter(meeting=world.meetings["c_jan"], cadre=world.y).exists()


def test_a_cadre_account_only_reads_the_cadre_pages(client, world, cadre_user):
    client.force_login(cadre_user)
    assert client.get(reverse("cadres:add")).status_code == 403
    assert client.get(reverse("cadres:assign", args=[world.x.pk])).status_code == 403
    assert client.get(reverse("cadres:cadre", args=[world.x.pk])).status_code == 200


def test_a_user_without_a_cadre_has_no_duty_page(client, tree):
    client.force_login(factories.user(Role.COMMUNE, tree.commune_a))
    assert client.get(reverse("cadres:mine")).status_code == 403


@pytest.mark.parametrize(
    "role,area", [(Role.COMMUNE, "commune_b"), (Role.DISTRICT, "district_b"), (Role.CADRE, "commune_b")]
)
def test_another_area_gets_404_on_every_cadre_page(client, world, tree, role, area):
    client.force_login(factories.user(role, getattr(tree, area)))
    assignment = Assignment.objects.filter(cadre=world.x).first()
    for url in (
        reverse("cadres:cadre", args=[world.x.pk]),
        reverse("cadres:edit", args=[world.x.pk]),
        reverse("cadres:assign", args=[world.x.pk]),
        reverse("cadres:end_assignment", args=[assignment.pk]),
    ):
        assert client.get(url).status_code == 404, url
    listing = client.get(reverse("cadres:list"))
    assert list(listing.context["page"]) == []


def test_another_cadre_cannot_file_on_their_colleagues_meetings(client, world, tree):
    other = factories.user(Role.CADRE, tree.commune_b, username="canbo-khac")
    stranger = cadre_services.add_cadre(name="Người Lạ", level=CadreLevel.COMMUNE, area=tree.commune_b, user=other)
    client.force_login(other)
    assert client.get(reverse("cadres:my_report", args=[world.meetings["a_mar"].pk])).status_code == 404
    assert not CadreVisit.objects.filter(cadre=stranger).exists()


def test_the_dashboard_lists_this_months_meetings_to_come_with_their_cadres(client, world, tree, cadre_user):
    today = timezone.localdate()
    # Branch A meets on the last day of each month: still to come today (or today itself).
    world.a.meeting_rule, world.a.meeting_day = "day", 31
    world.a.save()
    client.force_login(factories.user(Role.COMMUNE, tree.commune_a))
    coming = client.get(reverse("home")).context["coming"]
    assert [(m.branch.code, m.day, [c.name for c in m.cadres]) for m in coming] == [
        ("A", world.a.regular_day(today.year, today.month), ["Phạm Thị Yến"])
    ]
    client.force_login(cadre_user)
    assert [m.branch.code for m in client.get(reverse("home")).context["coming"]] == ["A"]


def test_staff_record_the_visit_of_the_cadre_assigned_that_day(client, world, tree):
    client.force_login(factories.user(Role.COMMUNE, tree.commune_a))
    later = duty_world.meeting(world.a, datetime.date(2026, 3, 25))
    url = reverse("meetings:visit_add", args=[later.pk])

    form = client.get(url).context["form"]
    assert list(form.fields["cadre"].queryset) == [world.y]  # X's assignment ended on 15/02
    refused = client.post(url, {"cadre": world.x.pk})
    assert refused.status_code == 200 and "cadre" in refused.context["form"].errors

    assert client.post(url, {"cadre": world.y.pk}).status_code == 302
    visit = CadreVisit.objects.get(meeting=later)
    assert (visit.cadre, visit.cadre_name, visit.report_due_on) == (world.y, world.y.name, datetime.date(2026, 3, 30))
    guest = client.post(url, {"cadre": "", "cadre_name": "", "level": ""})
    assert {"cadre_name", "level"} <= set(guest.context["form"].errors)
