"""Report 7.5 in a real browser: commune staff choose the third quarter of 2024, read the fees
of a hamlet, see the chart drawn with the collection rate on its own axis, drill down to the
branches and download the CSV."""

import pytest
from django.urls import reverse

from accounts.models import Role
from tests import factories
from tests.browser.test_flows import _expect, log_in, snap
from tests.fees import fees_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHART = """() => {
  const chart = Chart.getChart(document.querySelector("canvas[data-chart]"));
  return chart ? [chart.data.datasets.length, Object.keys(chart.options.scales).sort()] : null;
}"""


@pytest.fixture
def scene(reference_data):
    tree = factories.area_tree()
    factories.user(Role.COMMUNE, tree.commune_a, username="xa99101")
    return fees_world.build(tree)


def test_commune_staff_read_the_quarters_fees_and_drill_down(page, scene):
    expect = _expect()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, "xa99101")
    page.goto(reverse("reports:fees"))
    page.select_option("#id_period", "quarter")
    expect(page.locator("[data-field=month]")).to_be_hidden()
    page.select_option("#id_quarter", "3")
    page.fill("#id_year", "2024")
    page.click("form[data-testid=report-filters] button[type=submit]")

    # Tân Thạnh: 4 members owed, 53.000 đ due, 36.500 đ collected (68,87%), 8.664 đ to send up.
    row = page.locator("[data-testid=report-table] tr[data-row='99101-02']:not(.org-row)")
    for figure in ("53.000", "36.500", "68,87", "8.664"):
        expect(row).to_contain_text(figure)
    assert page.evaluate(CHART) == [3, ["percent", "x", "y"]]
    snap(page, "fees_report")

    row.locator("[data-testid=drill-down]").click()
    expect(page.locator("[data-testid=report-table] tr[data-row='B']:not(.org-row)")).to_contain_text("35.000")
    expect(page.locator("[data-testid=report-table] tr[data-row='H']:not(.org-row)")).to_contain_text("20.500")
    with page.expect_download() as download:
        page.click("[data-testid=download-csv]")
    assert download.value.suggested_filename == "fees-99101-02-2024-07-01_2024-09-30.csv"
    assert errors == []
