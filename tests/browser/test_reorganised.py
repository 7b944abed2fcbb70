"""After the 2025 reform, in a real browser: last year's figures in today's units, down to a new commune."""

import datetime
import re

import pytest

from tests.areas import reform_world
from tests.browser.test_flows import _expect, log_in, snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = datetime.date


@pytest.fixture
def reformed(reference_data):
    world = reform_world.build()
    reform_world.reform()
    return world


def members_in_new_commune(world, code: str, on: datetime.date) -> int:
    """Counted from the world's own record: the memberships, that day, in branches now in the commune."""
    return sum(
        1
        for story in world.stories
        if (state := story.state_on(on)) and reform_world.row_of(state[0], code, new_units=True) is not None
    )


def test_the_new_provinces_officer_reads_2024_in_todays_units_and_drills_down_to_a_new_commune(page, reformed):
    expect = _expect()
    log_in(page, "tinh87")  # moved from old Đồng Tháp (87) to the new province (82) by the reform
    page.goto("/reports/membership/")
    page.fill("#id_on", "31/12/2024")
    page.check("#id_units")
    page.click("[data-testid=report-filters] button[type=submit]")

    expect(page.locator("[data-testid=units-note]")).to_be_visible()
    tan_long = page.locator("tr[data-row='30154']:not(.org-row)")
    expect(tan_long).to_be_visible()
    snap(page, "reorganised_province_in_todays_units")
    tan_long.locator("[data-testid=drill-down]").click()

    expect(page).to_have_url(re.compile(r"/reports/membership/30154@2025/\?"))
    expect(page.locator("[data-testid=report-subtitle]")).to_contain_text("Xã Tân Long")
    for hamlet in ("Q1", "Q2", "H1"):
        expect(page.locator(f"tr[data-row='{hamlet}']:not(.org-row)")).to_be_visible()
    expected = members_in_new_commune(reformed, "30154", D(2024, 12, 31))
    expect(page.locator("tr[data-row=total]:not(.org-row) td[data-column=members]")).to_have_text(str(expected))


def test_the_provincial_officer_opens_five_years_in_todays_units_and_sees_the_chart(page, reformed):
    expect = _expect()
    log_in(page, "tinh87")
    page.goto("/reports/membership/30154@2025/")
    page.fill("#id_on", "30/06/2026")
    page.check("#id_series")
    page.click("[data-testid=report-filters] button[type=submit]")

    rows = page.locator("[data-testid=report-table] tbody tr")
    expect(rows).to_have_count(5)
    expected = members_in_new_commune(reformed, "30154", D(2024, 12, 31))
    expect(page.locator("tr[data-row='2024'] td[data-column=members]")).to_have_text(str(expected))
    chart = page.evaluate(
        "() => { const c = Chart.getChart(document.querySelector('canvas[data-chart]'));"
        " return {type: c.config.type, lines: c.data.datasets.map(d => d.label), points: c.data.labels}; }"
    )
    assert chart["type"] == "line" and len(chart["lines"]) == 3
    assert chart["points"] == ["2022", "2023", "2024", "2025", "2026"]
    snap(page, "membership_five_years")


@pytest.fixture
def old_province(reference_data, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    world = reform_world.build()
    reform_world.factories.admin_user()
    return world


def test_an_administrator_previews_the_reform_chooses_a_hamlets_commune_and_applies_it(page, old_province):
    from areas.models import Area

    expect = _expect()
    log_in(page, "quantri")
    page.click("#main-menu a[href='/reorganisations/']")
    page.check("input[name=provinces][value='87']")
    page.fill("#id_effective_on", "01/07/2025")
    page.click("[data-testid=preview]")
    review = page.locator("[data-testid=to-review]")
    expect(review).to_contain_text("Ấp T2")
    page.select_option("select[name='hamlet-T2']", "30130")
    page.click("[data-testid=preview]")
    expect(page.locator("details[data-commune='30130'] tr[data-hamlet='T2']")).to_be_attached()
    snap(page, "reform_preview_with_a_choice")
    page.click("[data-testid=apply]")
    expect(page.locator("[data-testid=event-summary]")).to_be_visible()
    expect(page.locator("[data-testid=undo]")).to_be_visible()
    snap(page, "reform_event")
    assert Area.objects.get(code="T2").parent.code == "30130"
    assert Area.objects.get(code="T1").parent.code == "30157"
