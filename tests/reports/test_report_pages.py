"""Report pages: figures against counts worked out by hand, formats, drill-down, breadcrumbs, charts."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.reports.page_data import page_table, vietnamese_number

MEMBERSHIP_2024 = "?on=31/12/2024"
RATINGS_2024 = "?year=2024"
MEETINGS_OCT_2024 = "?period=month&year=2024&month=10"
OFFICERS_OCT_2024 = "?year=2024&month=10"


def figures(table, row: str, *columns: str) -> list:
    return [vietnamese_number(table.rows[row][column]) for column in columns]


MEMBERSHIP_COLUMNS = (
    "branches",
    "members",
    "present",
    "away",
    "stopped",
    "people",
    "target",
    "gathering_rate",
    "joined",
    "ended_by_reason.resigned",
    "ended_by_reason.aged_out",
    "members_year_before",
    "members_change",
)


def test_membership_page_figures(district_client):
    response = district_client.get(reverse("reports:membership") + MEMBERSHIP_2024)

    assert response.status_code == 200
    table = page_table(response)
    assert [key for key in table.rows if "@" not in key] == ["99101", "99102", "total"]
    # 99101: a1 DOAN has p1 present, p2 away (joined 2024), p3 stopped since May; p4 moved to a2 in
    # June, p10 resigned in February, p9 joins only in 2025; a1 HND has p1 (again) and p7; the
    # professional branch has p11. Target 10 + 4 + 5; a year earlier p10 and p5 were still there.
    assert figures(table, "99101", *MEMBERSHIP_COLUMNS) == [4, 7, 5, 1, 1, 6, 19, Decimal("26.32"), 1, 1, 0, 8, -1]
    # 99102: p5 moved in in July, p6 aged out in August; the old HND branch was dissolved; no target.
    assert figures(table, "99102", *MEMBERSHIP_COLUMNS) == [1, 1, 1, 0, 0, 1, None, None, 0, 0, 1, 1, 0]
    assert figures(table, "total", *MEMBERSHIP_COLUMNS) == [5, 8, 6, 1, 1, 7, 19, Decimal("31.58"), 1, 1, 1, 9, -1]
    # Each organization's share of a row.
    assert figures(table, "99101@DOAN", "members", "present", "target", "gathering_rate") == [
        4,
        2,
        15,
        Decimal("13.33"),
    ]
    assert figures(table, "99101@HND", "members", "present", "target", "gathering_rate") == [3, 3, 4, Decimal("75.00")]
    # The formats as shown.
    assert table.rows["99101"]["gathering_rate"] == "26,32%"
    assert table.rows["99102"]["gathering_rate"] == ""
    assert table.rows["99102"]["target"] == ""


def test_membership_page_for_one_organization(district_client, data):
    response = district_client.get(reverse("reports:membership") + MEMBERSHIP_2024 + "&organization=HND")

    table = page_table(response)
    assert figures(table, "99101", "branches", "members", "present", "people", "target", "gathering_rate") == [
        2,
        3,
        3,
        3,
        4,
        Decimal("75.00"),
    ]
    assert not [key for key in table.rows if "@" in key], "no breakdown when one organization is chosen"


def test_membership_date_defaults_to_the_end_of_the_year_or_today(district_client):
    response = district_client.get(reverse("reports:membership") + "?year=2024")

    assert response.context["report"].period["date"].isoformat() == "2024-12-31"
    response = district_client.get(reverse("reports:membership"))
    from django.utils import timezone

    assert response.context["report"].period["date"] == timezone.localdate()


RATING_COLUMNS = (
    "branches",
    "rated",
    "grades.strong.count",
    "grades.strong.percent",
    "grades.good.count",
    "grades.good.percent",
    "grades.average.count",
    "grades.average.percent",
    "grades.weak.percent",
    "not_rated",
)


def test_ratings_page_figures(district_client):
    response = district_client.get(reverse("reports:ratings") + RATINGS_2024)

    table = page_table(response)
    # 99101: four branches; approved: a1 DOAN strong, a1 HND good (a2's strong is only submitted).
    assert figures(table, "99101", *RATING_COLUMNS) == [
        4,
        2,
        1,
        Decimal("50.00"),
        1,
        Decimal("50.00"),
        0,
        Decimal("0.00"),
        Decimal("0.00"),
        2,
    ]
    zero, whole = Decimal("0.00"), Decimal("100.00")
    assert figures(table, "99102", *RATING_COLUMNS) == [1, 1, 0, zero, 0, zero, 1, whole, zero, 0]
    third = Decimal("33.33")
    assert figures(table, "total", *RATING_COLUMNS) == [5, 3, 1, third, 1, third, 1, third, Decimal("0.00"), 2]


def test_ratings_page_with_drafts_and_default_year(district_client):
    response = district_client.get(reverse("reports:ratings") + RATINGS_2024 + "&include_drafts=on")
    table = page_table(response)
    assert figures(table, "99101", "rated", "grades.strong.count", "grades.strong.percent") == [3, 2, Decimal("66.67")]

    # Without a year: the latest year with approved ratings.
    response = district_client.get(reverse("reports:ratings"))
    assert response.context["report"].period["year"] == 2024


MEETING_COLUMNS = (
    "branches",
    "met_every_month",
    "meetings",
    "attendance_rate",
    "visits",
    "visit_reports",
    "without_meeting",
)


def test_meetings_page_figures_and_branches_without_a_meeting(district_client):
    response = district_client.get(reverse("reports:meetings") + MEETINGS_OCT_2024)

    table = page_table(response)
    # 99101: a1 DOAN met once (8/10, a visit reported), a2 DOAN twice (3/4, 4/4); a1 HND and the
    # professional branch did not meet. 99102: c2 DOAN met in September only.
    assert figures(table, "99101", *MEETING_COLUMNS) == [4, 2, 3, Decimal("83.33"), 1, 1, 2]
    assert figures(table, "99102", *MEETING_COLUMNS) == [1, 0, 0, None, 0, 0, 1]
    assert figures(table, "total", *MEETING_COLUMNS) == [5, 2, 3, Decimal("83.33"), 1, 1, 3]
    listed = [branch.code for branch in response.context["branches_without_meeting"]]
    assert listed == ["99101-HND-NN", "99101-01-HND", "99102-01-DOAN"]
    content = response.content.decode()
    for code in listed:
        assert code in content


def test_meetings_page_quarter_and_year(district_client):
    response = district_client.get(reverse("reports:meetings") + "?period=quarter&year=2024&quarter=4")
    period = response.context["report"].period
    assert (period["start"].isoformat(), period["end"].isoformat()) == ("2024-10-01", "2024-12-31")
    response = district_client.get(reverse("reports:meetings") + "?period=year&year=2024")
    table = page_table(response)
    assert figures(table, "total", "meetings") == [4]  # the September meeting counts in the year


OFFICER_COLUMNS = ("branches", "heads", "deputies", "committee_members", "branches_without_head", "allowance")


def test_officers_page_figures(district_client):
    response = district_client.get(reverse("reports:officers") + OFFICERS_OCT_2024)

    table = page_table(response)
    # 99101: a1 DOAN head + deputy, a2 DOAN a committee member (its head left on 30/09).
    assert figures(table, "99101", *OFFICER_COLUMNS) == [4, 1, 1, 1, 3, 450_000]
    # 99102: c2 DOAN's head took office on 15/10.
    assert figures(table, "99102", *OFFICER_COLUMNS) == [1, 1, 0, 0, 0, 200_000]
    assert figures(table, "total", *OFFICER_COLUMNS) == [5, 2, 1, 1, 3, 650_000]
    assert table.rows["total"]["allowance"] == "650.000"


def test_vietnamese_formats_thousands_percent_and_blank(client, data):
    client.force_login(data.province_user)

    membership = page_table(client.get(reverse("reports:membership", kwargs={"key": "992"}) + MEMBERSHIP_2024))
    assert membership.rows["99201"]["target"] == "1.234"
    assert membership.rows["99201"]["gathering_rate"] == "0,08%"  # 1 / 1234

    meetings = page_table(client.get(reverse("reports:meetings", kwargs={"key": "992"}) + MEETINGS_OCT_2024))
    assert meetings.rows["99201"]["attendance_rate"] == "58,64%"  # 5864 / 10000

    province = page_table(client.get(reverse("reports:meetings", kwargs={"key": "99"}) + "?period=month&year=2023"))
    assert province.rows["total"]["attendance_rate"] == ""  # no meeting at all: blank, not 0 or an error
    assert province.rows["total"]["meetings"] == "0"


def test_drill_down_links_point_to_child_areas(district_client):
    response = district_client.get(reverse("reports:membership") + MEMBERSHIP_2024)
    links = page_table(response).links
    assert links["99101"] == reverse("reports:membership", kwargs={"key": "99101"}) + "?on=31%2F12%2F2024"
    assert links["99102"].startswith(reverse("reports:membership", kwargs={"key": "99102"}))

    commune = district_client.get(links["99101"])
    table = page_table(commune)
    assert commune.context["area"].code == "99101"
    # A commune shows its hamlets, which drill down further, and the branch sitting on it, which does not.
    assert set(table.rows) >= {"99101-01", "99101-02", "99101-HND-NN"}
    assert "99101-HND-NN" not in table.links
    assert table.links["99101-01"].startswith(reverse("reports:membership", kwargs={"key": "99101-01"}))

    hamlet = page_table(district_client.get(table.links["99101-01"]))
    assert {key for key in hamlet.rows if "@" not in key} == {"99101-01-DOAN", "99101-01-HND", "total"}
    assert not hamlet.links


def test_area_given_as_a_parameter(district_client):
    response = district_client.get(reverse("reports:officers") + OFFICERS_OCT_2024 + "&area=99101")
    assert response.context["area"].code == "99101"


def test_breadcrumbs_follow_the_area_tree_within_the_scope(district_client):
    response = district_client.get(reverse("reports:ratings", kwargs={"key": "99101-01"}) + RATINGS_2024)

    crumbs = response.context["breadcrumbs"]
    labels = [str(crumb["label"]) for crumb in crumbs]
    # The province is above the district user's scope: left out.
    assert labels[1:] == ["Huyện Thanh Bình", "Xã Tân Mỹ", "Ấp Tân Phú"]
    assert crumbs[1]["url"] == reverse("reports:ratings", kwargs={"key": "991"}) + "?year=2024"


@pytest.mark.parametrize("kind", ["membership", "ratings", "meetings", "officers", "fees"])
def test_each_page_has_downloads_print_and_a_chart(district_client, kind):
    response = district_client.get(reverse(f"reports:{kind}"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "format=xlsx" in content and "format=csv" in content
    assert 'data-action="print"' in content
    assert "chart.umd.min.js" in content and "js/report-chart.js" in content
    assert "<script>" not in content.replace('<script id="report-chart-data" type="application/json">', "")
    chart = response.context["chart"]
    assert chart["labels"] == ["Xã Tân Mỹ", "Xã Tân Hòa"]
    json.dumps(chart)  # plain data, for json_script


def test_membership_chart_draws_the_threshold_of_the_chosen_organization(district_client, data):
    from branches.models import Organization

    Organization.objects.filter(code="DOAN").update(gathering_threshold=Decimal("60.00"))
    chart = district_client.get(reverse("reports:membership") + MEMBERSHIP_2024 + "&organization=DOAN").context[
        "chart"
    ]
    assert chart["datasets"][0]["data"] == [13.33, None]
    assert chart["datasets"][1]["type"] == "line"
    assert chart["datasets"][1]["data"] == [60.0, 60.0]

    chart = district_client.get(reverse("reports:membership") + MEMBERSHIP_2024).context["chart"]
    assert len(chart["datasets"]) == 1, "no threshold line over all organizations"


def test_ratings_chart_stacks_grade_shares_of_the_branches_to_rate(district_client):
    chart = district_client.get(reverse("reports:ratings") + RATINGS_2024).context["chart"]
    assert chart["stacked"] is True
    # Row 1: 4 branches to rate, 1 strong and 1 good approved, 2 not rated; row 2: 1 average of 1.
    assert [dataset["data"] for dataset in chart["datasets"]] == [
        [25.0, 0.0],
        [25.0, 0.0],
        [0.0, 100.0],
        [0.0, 0.0],
        [50.0, 0.0],
    ]
    assert chart["datasets"][-1]["role"] == "unrated"


def test_invalid_filters_show_errors_not_a_crash(district_client):
    response = district_client.get(reverse("reports:membership") + "?on=31/02/2024")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "report" not in response.context


def test_index_lists_the_four_reports(district_client):
    response = district_client.get(reverse("reports:index"))
    content = response.content.decode()
    for kind in ("membership", "ratings", "meetings", "officers", "fees"):
        assert reverse(f"reports:{kind}", kwargs={"key": "991"}) in content
