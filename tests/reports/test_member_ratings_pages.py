"""Report 7.6 (members' ratings) as a page, its drill-down, chart, downloads, JSON, scope and query counts.

The figures are worked out by hand from ``page_data``'s story and the ratings given below:

- 99101 Tân Mỹ, to rate in 2024: A1 DOAN An, Bé (joined in March), Cường (stopped attending) and Mai
  (left on 31/01/2024, rated by the branch she left); A1 HND An and Hải; A2 DOAN Dũng (transferred
  in from A1 in June); the professional HND branch Nam: 8. Approved: An excellent, Bé well done,
  Mai done, Dũng well done (4); submitted: Cường not done; draft: An (HND) well done.
- 99102 Tân Hòa: C2 DOAN Em (transferred in from A2 in July) and Giang (aged out in August): 2.
  Approved: Em excellent; draft: Giang done.
- 992 Lấp Vò, outside the district user's area: Khoa, approved excellent.
"""

import csv
import datetime
import io
import json
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Membership
from ratings.models import Grade, MemberRating
from tests.reports.page_data import grow, page_table, vietnamese_number

D = datetime.date
URL = reverse("reports:member_ratings")
YEAR_2024 = "?year=2024"
COLUMNS = (
    "to_rate",
    "rated",
    "grades.excellent.count",
    "grades.excellent.percent",
    "grades.well_done.count",
    "grades.done.count",
    "grades.not_done.count",
    "grades.not_done.percent",
    "not_rated",
)
RATED = [
    ("Nguyễn Văn An", "DOAN", "excellent", "approved"),
    ("Trần Thị Bé", "DOAN", "well_done", "approved"),
    ("Lê Văn Cường", "DOAN", "not_done", "submitted"),
    ("Đỗ Thị Mai", "DOAN", "done", "approved"),
    ("Nguyễn Văn An", "HND", "well_done", "draft"),
    ("Phạm Văn Dũng", "DOAN", "well_done", "approved"),
    ("Võ Thị Em", "DOAN", "excellent", "approved"),
    ("Đặng Văn Giang", "DOAN", "done", "draft"),
    ("Bùi Văn Khoa", "DOAN", "excellent", "approved"),
]


@pytest.fixture
def rated(data):
    for name, org, code, state in RATED:
        MemberRating.objects.create(
            membership=Membership.objects.get(person__full_name=name, organization__code=org),
            year=2024,
            grade=Grade.objects.get(scheme__code="NHIEMVU", code=code),
            state=state,
            approved_at=timezone.now() if state == "approved" else None,
        )
    return data


def figures(response, row: str) -> list:
    table = page_table(response)
    return [vietnamese_number(table.rows[row][column]) for column in COLUMNS]


def test_the_page_shows_each_commune_and_the_total(district_client, rated):
    response = district_client.get(URL + YEAR_2024)
    assert response.status_code == 200
    assert figures(response, "99101") == [8, 4, 1, Decimal("25.00"), 2, 1, 0, Decimal("0.00"), 4]
    assert figures(response, "99102") == [2, 1, 1, Decimal("100.00"), 0, 0, 0, Decimal("0.00"), 1]
    assert figures(response, "total") == [10, 5, 2, Decimal("40.00"), 2, 1, 0, Decimal("0.00"), 5]
    assert re.search(r"2024", response.context["period"])
    chart = response.context["chart"]
    assert [d["label"] for d in chart["datasets"]][:4] == [
        "Hoàn thành xuất sắc nhiệm vụ",
        "Hoàn thành tốt nhiệm vụ",
        "Hoàn thành nhiệm vụ",
        "Không hoàn thành nhiệm vụ",
    ]
    assert chart["datasets"][0]["data"] == [12.5, 50.0]  # excellent over the members to rate


def test_drafts_count_only_when_asked_and_the_year_defaults_to_the_last_approved(district_client, rated):
    response = district_client.get(URL + YEAR_2024 + "&include_drafts=on")
    assert figures(response, "99101") == [8, 6, 1, Decimal("16.67"), 3, 1, 1, Decimal("16.67"), 2]
    assert figures(response, "99102") == [2, 2, 1, Decimal("50.00"), 0, 1, 0, Decimal("0.00"), 0]
    assert district_client.get(URL).context["report"].period["year"] == 2024


def test_drill_down_to_the_commune_and_the_hamlet(district_client, rated):
    response = district_client.get(URL + YEAR_2024)
    link = page_table(response).links["99101"]
    commune = district_client.get(link)
    table = page_table(commune)
    # The commune's hamlets, and the professional branch that sits on the commune itself.
    assert [vietnamese_number(table.rows[row]["to_rate"]) for row in ("99101-01", "99101-02", "99101-HND-NN")] == [
        6,
        1,
        1,
    ]
    hamlet = district_client.get(page_table(commune).links["99101-01"])
    rows = page_table(hamlet).rows
    assert vietnamese_number(rows["99101-01-DOAN"]["to_rate"]) == 4
    assert vietnamese_number(rows["99101-01-HND"]["rated"]) == 0  # An's HND rating is a draft


def test_csv_and_xlsx_carry_the_figures_of_the_page(district_client, rated):
    page = figures(district_client.get(URL + YEAR_2024), "total")
    response = district_client.get(URL + YEAR_2024 + "&format=csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="member_ratings-991-2024.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    assert rows[-1][2] == "10" and rows[-1][3] == "5"

    response = district_client.get(URL + YEAR_2024 + "&format=xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    texts = [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
    total_row = next(row for row in sheet.iter_rows(values_only=True) if row[0] is None and row[2] == page[0])
    assert list(total_row[2:4]) == [10, 5]


def report_json(*args) -> dict:
    out = io.StringIO()
    call_command("report", "member_ratings", "--year", "2024", "--format", "json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_command_prints_the_spec_keys(rated):
    data = report_json("--area", "991")
    assert data["kind"] == "member_ratings"
    total = data["total"]
    assert (total["to_rate"], total["rated"], total["not_rated"]) == (10, 5, 5)
    assert total["grades"]["excellent"] == {"count": 2, "percent": 40.0}
    assert total["grades"]["not_done"] == {"count": 0, "percent": 0.0}
    drafts = report_json("--area", "991", "--drafts")
    assert drafts["total"]["rated"] == 8 and drafts["total"]["grades"]["not_done"]["count"] == 1
    province = report_json("--area", "99")
    assert [row["area_code"] for row in province["rows"]] == ["991", "992"]
    assert province["rows"][1]["grades"]["excellent"] == {"count": 1, "percent": 100.0}
    assert report_json("--user", rated.district_user.username)["total"]["to_rate"] == 10
    with pytest.raises(CommandError) as refused:
        report_json("--area", "99", "--user", rated.district_user.username)
    assert refused.value.returncode == 2


@pytest.mark.parametrize("output", ["", "&format=xlsx", "&format=csv"])
def test_another_district_or_the_province_answers_404(client, rated, output):
    client.force_login(rated.district_user)
    assert client.get(f"{URL}?area=992{output}").status_code == 404
    assert client.get(f"{reverse('reports:member_ratings', kwargs={'key': '99201'})}?x=1{output}").status_code == 404
    assert client.get(f"{reverse('reports:member_ratings', kwargs={'key': '99'})}?x=1{output}").status_code == 404
    client.force_login(rated.commune_user)
    assert client.get(f"{reverse('reports:member_ratings', kwargs={'key': '991'})}?x=1{output}").status_code == 404
    assert client.get(f"{URL}?area=99102{output}").status_code == 404


def test_the_index_lists_the_report(district_client, data):
    page = district_client.get(reverse("reports:index")).content.decode()
    assert 'data-kind="member_ratings"' in page


def test_the_page_and_the_report_run_a_fixed_number_of_queries(district_client, data):
    from reports.member_ratings import member_ratings_report

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as page:
            assert district_client.get(URL + YEAR_2024 + "&include_drafts=on").status_code == 200
        with CaptureQueriesContext(connection) as selector:
            member_ratings_report(area=data.tree.district_a, year=2024, include_drafts=True)
        return len(page), len(selector)

    before = queries()
    grow(data)
    for membership in Membership.objects.filter(ended_on__isnull=True)[:12]:
        MemberRating.objects.create(
            membership=membership, year=2024, grade=Grade.objects.get(scheme__code="NHIEMVU", code="done")
        )
    assert queries() == before
