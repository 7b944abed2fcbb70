"""Cadre duty in a real browser: a provincial officer assigns a cadre and publishes the month's
orientation note; the cadre files a visit report from their page; the report lists who has not."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cadres import services as cadre_services
from cadres.models import Assignment, Cadre, CadreLevel, Frequency
from meetings import services as meeting_services
from meetings.models import CadreVisit, Meeting
from tests import factories
from tests.browser.test_flows import _expect, log_in, snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def scene(reference_data):
    today = timezone.localdate()
    tree = factories.area_tree()
    factories.user(Role.PROVINCE, tree.province, username="tinh99")
    cadre_account = factories.user(Role.CADRE, tree.commune_a, username="canbo99101")
    a = factories.branch(tree.hamlet_a1, "DOAN", code="A")
    b = factories.branch(tree.hamlet_a2, "DOAN", code="B")
    late = cadre_services.add_cadre(name="Trần Văn Dũng", level=CadreLevel.COMMUNE, area=tree.commune_a)
    cadre_services.assign(
        cadre=late,
        branch=b,
        start_on=today - datetime.timedelta(days=60),
        frequency=Frequency.EVERY_MEETING,
        report_within_days=5,
    )
    unreported = Meeting.objects.create(
        branch=b, held_on=today - datetime.timedelta(days=20), members_present=4, members_on_roll=6
    )
    meeting_services.add_visit(meeting=unreported, cadre=late)
    attended = Meeting.objects.create(
        branch=a, held_on=today - datetime.timedelta(days=10), members_present=7, members_on_roll=9
    )
    return {
        "tree": tree,
        "a": a,
        "account": cadre_account,
        "attended": attended,
        "unreported": unreported,
        "today": today,
    }


def test_an_officer_assigns_a_cadre_publishes_a_note_and_the_cadre_reports(page, scene):
    expect = _expect()
    tree, today = scene["tree"], scene["today"]
    log_in(page, "tinh99")
    page.goto(reverse("cadres:list"))
    page.click("[data-testid=add-cadre]")
    page.fill("#id_name", "Lê Thị Hoa")
    page.fill("#id_position", "Phó Bí thư Đoàn xã")
    page.select_option("#id_level", CadreLevel.COMMUNE)
    page.select_option("#id_area", str(tree.commune_a.pk))
    page.select_option("#id_user", str(scene["account"].pk))
    page.click("[data-testid=save]")
    expect(page.locator("h1")).to_have_text("Lê Thị Hoa")
    page.click("[data-testid=assign]")
    page.select_option("#id_branch", str(scene["a"].pk))
    page.fill("#id_start_on", (today - datetime.timedelta(days=30)).strftime("%d/%m/%Y"))
    page.select_option("#id_frequency", Frequency.EVERY_MEETING)
    page.fill("#id_report_within_days", "5")
    page.click("[data-testid=save]")
    expect(page.locator("[data-testid=assignments]")).to_contain_text(scene["a"].name)
    assert Assignment.objects.filter(cadre__name="Lê Thị Hoa", branch=scene["a"]).exists()

    page.goto(reverse("notes:add"))
    page.select_option("#id_area", str(tree.province.pk))
    page.fill("#id_title", "Định hướng sinh hoạt chi đoàn tháng này")
    page.select_option("#id_month", str(today.month))
    page.fill("#id_year", str(today.year))
    page.check(f"input[name=organizations][value='{scene['a'].organization_id}']")
    page.fill("#id_text", "Tuyên truyền kỷ niệm ngày thành lập Đoàn.")
    page.set_input_files("#id_files", {"name": "dinh-huong.pdf", "mimeType": "application/pdf", "buffer": PDF})
    snap(page, "note_publish")
    page.click("[data-testid=save]")
    expect(page.locator(".alert-success")).to_be_visible()

    page.context.clear_cookies()
    log_in(page, "canbo99101")
    page.goto(reverse("cadres:mine"))
    expect(page.locator("[data-testid=my-notes]")).to_contain_text("Định hướng sinh hoạt chi đoàn tháng này")
    row = page.locator(f"[data-testid=owed] tr[data-meeting='{scene['attended'].pk}']")
    row.locator("[data-testid=file-report]").click()
    page.select_option("#id_quality", "good")
    page.fill("#id_concerns", "Đoàn viên cần thông tin việc làm.")
    page.click("[data-testid=save]")
    expect(page.locator(".alert-success")).to_be_visible()
    snap(page, "cadre_duty")
    visit = CadreVisit.objects.get(meeting=scene["attended"], cadre=Cadre.objects.get(name="Lê Thị Hoa"))
    assert visit.reported_on == today and visit.concerns == "Đoàn viên cần thông tin việc làm."

    page.context.clear_cookies()
    log_in(page, "tinh99")
    held = scene["unreported"].held_on
    page.goto(f"{reverse('reports:cadres')}?period=quarter&quarter={(held.month + 2) // 3}&year={held.year}")
    overdue = page.locator("[data-testid=overdue-reports]")
    expect(overdue).to_contain_text("Trần Văn Dũng")
    expect(overdue).not_to_contain_text("Lê Thị Hoa")
    snap(page, "cadres_report")
