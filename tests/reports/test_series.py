"""The last five years in today's units: one row per year, counted from the world's own record."""

import csv
import datetime
import io
import json
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from reports import series
from tests import factories
from tests.areas import reform_world
from tests.areas.reform_world import new_area
from tests.conftest import FAST_HASHERS

D = datetime.date
TAN_LONG = "30154"
LAST = D(2026, 6, 30)


@pytest.fixture(scope="module")
def reformed(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        world = reform_world.build()
        reform_world.reform()
        world.users["tan_long"] = factories.user(Role.COMMUNE, new_area(TAN_LONG), username="xa30154")
        world.users["lap_vo_new"] = factories.user(Role.COMMUNE, new_area("30169"), username="xa30169moi")
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def client_of(db, reformed):
    def make(key: str) -> Client:
        client = Client()
        client.force_login(reformed.users[key])
        return client

    return make


def in_tan_long(branch_code: str) -> bool:
    return reform_world.row_of(branch_code, TAN_LONG, new_units=True) is not None


def members_on(world, on: datetime.date) -> Counter:
    """Memberships (and those present) that day in branches that are today in Tân Long, from the stories."""
    found = Counter()
    for story in world.stories:
        state = story.state_on(on)
        if state and in_tan_long(state[0]):
            found["members"] += 1
            found["present"] += state[1] == "present"
    return found


def grades_of(year: int) -> Counter:
    """The approved grades of Tân Long's branches in a year, as reform_world gave them."""
    found = Counter()
    for i, code in enumerate(sorted(reform_world_branch_codes())):
        if not in_tan_long(code):
            continue
        if year == 2024:
            found[["strong", "good", "average"][i % 3]] += 1
        elif year == 2025 and i % 4:
            found[["good", "strong"][i % 2]] += 1
    return found


def reform_world_branch_codes() -> list[str]:
    codes = [f"{hamlet}-{org}" for hamlet in reform_world.OLD_COMMUNE for org in reform_world.ORGS]
    return [*codes, reform_world.PROFESSIONAL[0]]


def test_the_membership_series_counts_each_year_in_todays_units(reformed, db):
    report = series.membership_series(area=new_area(TAN_LONG), on=LAST, today=timezone.localdate())
    assert [row["area_code"] for row in report.rows] == ["2022", "2023", "2024", "2025", "2026"]
    for row in report.rows:
        day = LAST if row["area_code"] == "2026" else D(int(row["area_code"]), 12, 31)
        expected = members_on(reformed, day)
        assert (row["members"], row["present"]) == (expected["members"], expected["present"]), day
    assert report.total == {}


def test_the_ratings_series_gives_each_years_shares(reformed, db):
    report = series.ratings_series(area=new_area(TAN_LONG), year=2026, today=timezone.localdate())
    branches = sum(1 for code in reform_world_branch_codes() if in_tan_long(code))
    by_year = {row["area_code"]: row for row in report.rows}
    for year in (2024, 2025):
        row, expected = by_year[str(year)], grades_of(year)
        assert row["branches"] == branches and row["rated"] == sum(expected.values())
        for grade, count in expected.items():
            assert row["grades"][grade]["count"] == count
            # The share of the rated branches, as the yearly report gives it.
            assert float(row["grades"][grade]["percent"]) == round(100 * count / sum(expected.values()), 2)
    assert by_year["2026"]["rated"] == 0


def test_the_page_draws_the_series_as_lines_in_a_fixed_number_of_queries(reformed, client_of, db):
    client = client_of("tan_long")
    url = reverse("reports:membership", kwargs={"key": f"{TAN_LONG}@2025"})
    page = client.get(url, {"on": "30/06/2026", "series": "on"})
    assert page.status_code == 200
    assert [line.code for line in page.context["table"].lines] == ["2022", "2023", "2024", "2025", "2026"]
    assert page.context["table"].total is None and 'data-row="total"' not in page.content.decode()
    chart = page.context["chart"]
    assert chart["series"] is True and chart["labels"] == ["2022", "2023", "2024", "2025", "2026"]
    assert chart["datasets"][0]["data"] == [row["members"] for row in page.context["report"].rows]
    assert "Các năm 2022–2026, theo đơn vị hiện nay" in page.content.decode()
    with CaptureQueriesContext(connection) as first:
        client.get(url, {"on": "30/06/2026", "series": "on"})
    extra = factories.branch(reformed.hamlets["Q1"], "DOAN", code="Q1-DOAN-2")
    for i in range(4):
        factories.membership(extra, joined_on=D(2022 + i, 3, 1), person=factories.person(f"Thêm {i}"))
    with CaptureQueriesContext(connection) as second:
        client.get(url, {"on": "30/06/2026", "series": "on"})
    assert len(second.captured_queries) == len(first.captured_queries)


def test_the_series_downloads_a_row_per_year_and_no_total(reformed, client_of, db):
    client = client_of("tan_long")
    url = reverse("reports:ratings", kwargs={"key": f"{TAN_LONG}@2025"})
    response = client.get(url, {"year": "2025", "series": "on", "format": "csv"})
    assert response["Content-Disposition"].endswith('2021-2025.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["2021", "2022", "2023", "2024", "2025"]
    xlsx = client.get(url, {"year": "2025", "series": "on", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    names = [sheet.cell(row=r, column=2).value for r in range(1, sheet.max_row + 1)]
    assert "2025" in names and "Tổng cộng" not in names


def test_another_communes_staff_get_404(reformed, client_of, db):
    client = client_of("lap_vo_new")
    url = reverse("reports:membership", kwargs={"key": f"{TAN_LONG}@2025"})
    assert client.get(url, {"series": "on"}).status_code == 404


def test_the_command_prints_the_series_and_refuses_bad_input(reformed, db, capsys):
    call_command(
        "report", "membership", "--series", "5", "--area", TAN_LONG, "--date", "2026-06-30", "--format", "json"
    )
    data = json.loads(capsys.readouterr().out)
    assert [row["area_code"] for row in data["rows"]] == ["2022", "2023", "2024", "2025", "2026"]
    assert data["rows"][2]["members"] == members_on(reformed, D(2024, 12, 31))["members"]
    for bad in (["membership", "--series", "1"], ["meetings", "--series", "5"], ["ratings", "--series", "11"]):
        with pytest.raises(CommandError) as raised:
            call_command("report", *bad, "--area", TAN_LONG)
        assert raised.value.returncode == 2
