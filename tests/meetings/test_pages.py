"""Meeting pages: the month's overview, a branch's log, a meeting with its cadre visits and reports."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.concurrency import STALE_MESSAGE
from meetings.models import CadreVisit, Meeting
from members import services as member_services
from members.models import MembershipStatus
from tests import factories
from tests.pages import says, text

D = datetime.date


def test_overview_lists_branches_without_a_meeting_and_visits_without_a_report(as_district_a, world):
    response = as_district_a.get(reverse("meetings:overview"), {"month": "2024-03"})
    assert list(response.context["no_meeting"]) == [world.a2]  # A1 met on 10/03; B1 is another district's
    assert list(response.context["no_report"]) == [world.visit_a]
    world.visit_a.quality, world.visit_a.reported_on = "good", D(2024, 3, 11)
    world.visit_a.save()
    response = as_district_a.get(reverse("meetings:overview"), {"month": "2024-03"})
    assert list(response.context["no_report"]) == []
    response = as_district_a.get(reverse("meetings:overview"), {"month": "2024-04"})
    assert list(response.context["no_meeting"]) == [world.a1, world.a2]


def test_overview_runs_a_fixed_number_of_queries(as_district_a, world, django_assert_num_queries):
    url = reverse("meetings:overview")
    with CaptureQueriesContext(connection) as small:
        as_district_a.get(url, {"month": "2024-03"})
    for i in range(5):
        hamlet = factories.area(f"99101-6{i}", f"Ấp {i}", "hamlet", "ap", world.tree.commune_a)
        meeting = factories.meeting(factories.branch(hamlet), held_on=D(2024, 3, 5))
        factories.cadre_visit(meeting, f"Cán bộ {i}")
        factories.branch(hamlet, "HND")
    with django_assert_num_queries(len(small.captured_queries)):
        response = as_district_a.get(url, {"month": "2024-03"})
    assert response.context["no_meeting"].paginator.count == 6
    assert response.context["no_report"].paginator.count == 6


def test_log_a_meeting_counts_the_roll_of_that_date_and_shows_the_rate(as_district_a, world):
    member_services.change_membership_status(
        membership=world.membership_dung, status=MembershipStatus.AWAY, on=D(2024, 1, 1)
    )
    url = reverse("meetings:add", args=[world.a1.pk])
    data = {
        "held_on": "15/04/2024",
        "kind": "regular",
        "chaired_by": "Nguyễn Văn Ánh",
        "members_present": 3,
        "content": "Học tập nghị quyết",
    }
    response = as_district_a.post(url, data)
    # Two members on the roll on 15/04/2024 (one working away still counts): three present is refused.
    assert "members_present" in response.context["form"].errors
    assert 'data-field-error="members_present"' in text(response)
    response = as_district_a.post(url, {**data, "members_present": 1}, follow=True)
    meeting = Meeting.objects.get(branch=world.a1, held_on=D(2024, 4, 15))
    assert (meeting.members_present, meeting.members_on_roll) == (1, 2)
    assert "50,00%" in text(response)
    # Before anyone joined, the roll is empty.
    response = as_district_a.post(url, {**data, "held_on": "15/04/2019", "members_present": 1})
    assert "members_present" in response.context["form"].errors


@pytest.mark.parametrize("held_on", ["", "2024-13-01", "31/04/2024"])
def test_meeting_date_must_be_a_real_dd_mm_yyyy_date(as_district_a, world, held_on):
    url = reverse("meetings:add", args=[world.a1.pk])
    response = as_district_a.post(url, {"held_on": held_on, "kind": "regular", "members_present": 1})
    assert "held_on" in response.context["form"].errors


def test_branch_log_and_meeting_page(as_district_a, world):
    response = as_district_a.get(reverse("meetings:branch_log", args=[world.a1.pk]), {"year": 2024})
    assert list(response.context["meetings"]) == [world.meeting_a]
    assert "50,00%" in text(response)
    response = as_district_a.get(reverse("meetings:meeting", args=[world.meeting_a.pk]))
    assert "Cán bộ Alpha" in text(response)


def test_branch_log_runs_a_fixed_number_of_queries(as_district_a, world, django_assert_num_queries):
    url = reverse("meetings:branch_log", args=[world.a1.pk])
    with CaptureQueriesContext(connection) as small:
        as_district_a.get(url, {"year": 2024})
    for month in range(4, 10):
        factories.cadre_visit(factories.meeting(world.a1, held_on=D(2024, month, 2)))
    with django_assert_num_queries(len(small.captured_queries)):
        response = as_district_a.get(url, {"year": 2024})
    assert len(response.context["meetings"]) == 7


def test_cadre_visit_and_its_report(as_district_a, world):
    url = reverse("meetings:visit_add", args=[world.meeting_a.pk])
    data = {"cadre_name": "Trần Thị Huyện", "position": "Phó Bí thư Huyện đoàn", "level": "district"}
    response = as_district_a.post(url, {**data, "reported_on": "01/03/2024"})
    assert {"quality", "reported_on"} <= set(response.context["form"].errors)  # before the meeting, no quality
    response = as_district_a.post(
        url,
        {
            **data,
            "quality": "good",
            "concerns": "Thiếu việc làm",
            "proposals": "Mở lớp nghề",
            "reported_on": "12/03/2024",
        },
    )
    assert response.status_code == 302
    visit = CadreVisit.objects.get(cadre_name="Trần Thị Huyện")
    assert (visit.quality, visit.reported_on) == ("good", D(2024, 3, 12))


def test_filing_a_report_later_and_the_concurrent_edit_rule(as_district_a, world):
    visit = world.visit_a
    url = reverse("meetings:visit_edit", args=[visit.pk])
    data = {
        "cadre_name": visit.cadre_name,
        "level": "district",
        "quality": "fair",
        "reported_on": "20/03/2024",
        "version": visit.version,
    }
    assert as_district_a.post(url, data).status_code == 302
    response = as_district_a.post(url, {**data, "quality": "poor"})
    assert says(response, STALE_MESSAGE)
    visit.refresh_from_db()
    assert visit.quality == "fair"


def test_changing_a_meeting_refuses_a_stale_version(as_district_a, world):
    meeting = world.meeting_a
    url = reverse("meetings:edit", args=[meeting.pk])
    data = {"held_on": "10/03/2024", "kind": "thematic", "members_present": 1, "version": meeting.version}
    assert as_district_a.post(url, data).status_code == 302
    assert says(as_district_a.post(url, {**data, "kind": "regular"}), STALE_MESSAGE)
    meeting.refresh_from_db()
    assert meeting.kind == "thematic"


def test_another_districts_meetings_answer_404(as_district_a, world):
    urls = [
        reverse("meetings:branch_log", args=[world.b1.pk]),
        reverse("meetings:add", args=[world.b1.pk]),
        reverse("meetings:meeting", args=[world.meeting_b.pk]),
        reverse("meetings:edit", args=[world.meeting_b.pk]),
        reverse("meetings:visit_add", args=[world.meeting_b.pk]),
        reverse("meetings:visit_edit", args=[world.visit_b.pk]),
    ]
    for url in urls:
        assert as_district_a.get(url).status_code == 404, url
        assert as_district_a.post(url, {}).status_code == 404, url


def test_provincial_officer_reads_meetings_but_does_not_log_them(as_province, world):
    assert as_province.get(reverse("meetings:meeting", args=[world.meeting_b.pk])).status_code == 200
    assert as_province.get(reverse("meetings:overview")).status_code == 200
    assert as_province.post(reverse("meetings:add", args=[world.b1.pk]), {}).status_code == 403
    assert as_province.post(reverse("meetings:visit_edit", args=[world.visit_b.pk]), {}).status_code == 403


def test_a_meeting_dated_in_the_future_is_refused(as_district_a, world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    url = reverse("meetings:add", args=[world.a1.pk])
    data = {"held_on": tomorrow.strftime("%d/%m/%Y"), "kind": "regular", "members_present": 1}
    response = as_district_a.post(url, data)
    assert response.status_code == 200
    assert "held_on" in response.context["form"].errors
    assert says(response, _("A meeting cannot be logged before the day it is held."))
    assert not Meeting.objects.filter(branch=world.a1, held_on=tomorrow).exists()


def test_a_second_meeting_on_the_same_day_asks_for_confirmation(as_district_a, world):
    url = reverse("meetings:add", args=[world.a1.pk])  # A1 met on 10/03/2024
    data = {"held_on": "10/03/2024", "kind": "thematic", "members_present": 1}
    response = as_district_a.post(url, data)
    assert "second_on_the_day" in response.context["form"].errors
    assert 'name="second_on_the_day"' in text(response)  # the box to confirm appears
    assert Meeting.objects.filter(branch=world.a1, held_on=D(2024, 3, 10)).count() == 1
    response = as_district_a.post(url, {**data, "second_on_the_day": "on"})
    assert response.status_code == 302
    assert Meeting.objects.filter(branch=world.a1, held_on=D(2024, 3, 10)).count() == 2
    # A first meeting on a day shows no such box.
    page = as_district_a.get(url)
    assert 'name="second_on_the_day"' not in text(page)


def test_the_form_shows_the_roll_of_the_date_before_attendance_is_typed(as_district_a, world):
    page = as_district_a.get(reverse("meetings:add", args=[world.a1.pk]))
    roll_url = reverse("meetings:roll", args=[world.a1.pk])
    assert f'hx-get="{roll_url}"' in text(page)

    def roll_line(date: str, count: int) -> str:
        with translation.override("vi"):
            singular, plural = (
                "On the roll on %(date)s: %(count)s member.",
                "On the roll on %(date)s: %(count)s members.",
            )
            return ngettext(singular, plural, count) % {"date": date, "count": count}

    # Ánh joined on 01/01/2020 and Dũng on 01/05/2021: one member in 2020, two from May 2021.
    for date, count in (("01/03/2021", 1), ("01/06/2021", 2)):
        assert roll_line(date, count) in " ".join(text(as_district_a.get(roll_url, {"held_on": date})).split())
    assert text(as_district_a.get(roll_url, {"held_on": "31/02/2021"})).strip() == ""
    other = reverse("meetings:roll", args=[world.b1.pk])
    assert as_district_a.get(other, {"held_on": "01/06/2021"}).status_code == 404


def test_the_overview_opens_on_the_last_complete_month(as_district_a, world):
    today = timezone.localdate()
    last_complete = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    assert as_district_a.get(reverse("meetings:overview")).context["month"] == last_complete
