"""The meetings report as a user reads it: whole-number axis, no repeated series, the year so far."""

import datetime

from django.urls import reverse

from reports import selectors
from reports.charts import chart_for
from tests import factories

D = datetime.date


def test_met_every_month_counts_the_months_already_over_in_a_year_under_way(tree):
    steady = factories.branch(tree.hamlet_a1, code="STEADY")
    late = factories.branch(tree.hamlet_a2, code="LATE")
    for month in range(1, 12):  # January to November
        factories.meeting(steady, D(2026, month, 10))
    factories.meeting(late, D(2026, 11, 10))
    start, end = D(2026, 1, 1), D(2026, 12, 31)
    on_first_of_december = selectors.meetings_report(area=tree.commune_a, start=start, end=end, today=D(2026, 12, 1))
    # Eleven months are over on 1 December: meeting in each of them is meeting every month.
    assert on_first_of_december.total["met_every_month"] == 1
    assert on_first_of_december.period["months_elapsed"] == 11
    # Once the year is over, December is asked for too.
    after_the_year = selectors.meetings_report(area=tree.commune_a, start=start, end=end, today=D(2027, 1, 5))
    assert after_the_year.total["met_every_month"] == 0


def test_a_month_report_charts_the_branches_without_a_meeting_not_a_copy_of_those_that_met(tree):
    met = factories.branch(tree.hamlet_a1, code="MET")
    factories.branch(tree.hamlet_a2, code="IDLE")
    factories.meeting(met, D(2024, 3, 10))
    report = selectors.meetings_report(area=tree.commune_a, start=D(2024, 3, 1), end=D(2024, 3, 31))
    chart = chart_for(report)
    assert chart["integer"] is True
    assert [dataset["data"] for dataset in chart["datasets"]] == [
        [row["meetings"] for row in report.rows],
        [row["without_meeting"] for row in report.rows],
    ]
    assert [row["without_meeting"] for row in report.rows] == [0, 1]  # Tân Phú met, Tân Thạnh did not
    year = selectors.meetings_report(area=tree.commune_a, start=D(2024, 1, 1), end=D(2024, 12, 31))
    assert chart_for(year)["datasets"][1]["data"] == [row["met_every_month"] for row in year.rows]


def test_branches_without_a_meeting_link_to_their_log(client, tree):
    idle = factories.branch(tree.hamlet_a2, code="IDLE")
    client.force_login(factories.user("district", tree.district_a))
    url = reverse("reports:meetings", kwargs={"key": tree.commune_a.key})
    response = client.get(url, {"period": "month", "month": 3, "year": 2024})
    assert reverse("meetings:branch_log", args=[idle.pk]) in response.content.decode()
